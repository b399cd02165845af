/**
 * Versioned schema migrations, applied in order at open and recorded in `schema_migrations` (a table
 * rather than SQLite's PRAGMA user_version, so PostgreSQL runs the same code). Each migration runs in one
 * write transaction with its bookkeeping row: a crash mid-migration leaves the previous schema intact.
 * Migrations are append-only: never edit one that has shipped; add the next number.
 */
import { col, exec } from '../builder.ts';
import type { Connection } from '../dialect.ts';
import { initial } from './001-initial.ts';
import { searchIndexes } from './002-search-indexes.ts';
import { noBasisParams } from './003-no-basis-params.ts';
import { dateStats } from './004-date-stats.ts';
import { positions } from './005-positions.ts';
import { microsecondInstants } from './006-microsecond-instants.ts';
import { currentLocation } from './007-current-location.ts';

export interface Migration {
  version: number;
  name: string;
  /** Plain DDL strings in the portable subset (no values, so no builder needed) */
  statements: string[];
  /** Current resources must be indexed again after this migration (new index tables or rules): all of
   * them, or those of the types listed */
  reindex?: true | readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [initial, searchIndexes, noBasisParams, dateStats, positions, microsecondInstants, currentLocation];

/** Applies every pending migration; returns the versions applied now (the caller reindexes when one of
 * them says `reindex`) */
export async function migrate(conn: Connection, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await conn.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    [],
  );
  const { rows } = await exec(conn, { kind: 'select', from: 'schema_migrations', columns: [col(undefined, 'version')] });
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await conn.query(conn.dialect.beginWrite(), []);
    try {
      for (const ddl of m.statements) await conn.query(ddl, []);
      await exec(conn, {
        kind: 'insert',
        table: 'schema_migrations',
        columns: ['version', 'name', 'applied_at'],
        rows: [[m.version, m.name, new Date().toISOString()]],
      });
      await conn.query('COMMIT', []);
    } catch (e) {
      await conn.query('ROLLBACK', []);
      throw e;
    }
    applied.push(m.version);
  }
  return applied;
}

/** Which current resources the applied migrations ask to index again: 'all', the types listed, or none */
export function needsReindex(applied: readonly number[], migrations: readonly Migration[] = MIGRATIONS): 'all' | string[] | undefined {
  const asking = migrations.filter((m) => m.reindex !== undefined && applied.includes(m.version));
  if (asking.length === 0) return undefined;
  if (asking.some((m) => m.reindex === true)) return 'all';
  return [...new Set(asking.flatMap((m) => m.reindex as readonly string[]))];
}
