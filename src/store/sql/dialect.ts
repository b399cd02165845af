/**
 * Dialect quirks, one function per concern (DESIGN.md house rule 3), and the two-member connection seam.
 * Everything else in src/store/sql is written once for every SQL database; adding PostgreSQL means adding a
 * Dialect object and a Connection, nothing more. The DDL in ./migrations is the portable subset (TEXT,
 * INTEGER, composite primary keys, partial indexes, ON CONFLICT upsert) that both SQLite >= 3.24 and
 * PostgreSQL >= 9.5 accept unchanged.
 *
 * The seam is `{ dialect, query(sql, values) }`. `query` may answer synchronously (better-sqlite3 is a
 * synchronous driver) or with a Promise (node-postgres). Shared code in src/store/sql always `await`s the
 * answer, which is correct for both; SQLite-only hot paths (src/store/sqlite) call it synchronously.
 *
 * SQLite: https://sqlite.org/lang_upsert.html , https://sqlite.org/lang_transaction.html
 * PostgreSQL: https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT
 */
import type { SqlValue } from './builder.ts';

export interface Dialect {
  readonly name: string;
  /** The text of the n-th bound parameter (1-based): `?` for SQLite, `$n` for PostgreSQL */
  placeholder(n: number): string;
  /** The clause after INSERT ... VALUES that turns the insert into an upsert on `target`: the `update`
   * columns take the proposed value ('replace') or the larger of the stored and the proposed one ('max') */
  upsert(table: string, target: readonly string[], update: readonly string[], mode: 'replace' | 'max'): string;
  /** LIMIT/OFFSET with already-rendered placeholders; either may be absent */
  limitOffset(limit: string | undefined, offset: string | undefined): string;
  /** How a write transaction starts: it must take the write lock at once, so two writers never both read
   * the same version head and then both try to write the next version (SQLite: BEGIN IMMEDIATE). */
  beginWrite(): string;
  /** A condition: the rendered `haystack` contains the rendered `needle` */
  contains(haystack: string, needle: string): string;
}

export type Row = Record<string, SqlValue>;

export interface QueryResult {
  rows: Row[];
  /** Rows changed by an INSERT/UPDATE/DELETE */
  changes: number;
}

/** The connection seam of house rule 3 */
export interface Connection {
  readonly dialect: Dialect;
  query(sql: string, values: readonly SqlValue[]): QueryResult | Promise<QueryResult>;
}

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  placeholder: () => '?',
  upsert: (_table, target, update, mode) =>
    `ON CONFLICT (${target.join(', ')}) DO UPDATE SET ${update.map((c) => (mode === 'max' ? `${c} = max(${c}, excluded.${c})` : `${c} = excluded.${c}`)).join(', ')}`,
  // SQLite needs a LIMIT before an OFFSET; -1 means "no limit"
  limitOffset: (limit, offset) => `LIMIT ${limit ?? '-1'}${offset === undefined ? '' : ` OFFSET ${offset}`}`,
  beginWrite: () => 'BEGIN IMMEDIATE',
  contains: (h, n) => `instr(${h}, ${n}) > 0`,
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  placeholder: (n) => `$${n}`,
  upsert: (table, target, update, mode) =>
    `ON CONFLICT (${target.join(', ')}) DO UPDATE SET ${update.map((c) => (mode === 'max' ? `${c} = GREATEST(${table}.${c}, EXCLUDED.${c})` : `${c} = EXCLUDED.${c}`)).join(', ')}`,
  limitOffset: (limit, offset) => [limit === undefined ? '' : `LIMIT ${limit}`, offset === undefined ? '' : `OFFSET ${offset}`].filter(Boolean).join(' '),
  // One process serialises its own writers in its queue; with several processes on one database a
  // SERIALIZABLE transaction makes the loser of a version race fail (and the (type, id, version) primary
  // key refuses a duplicate version in any case).
  beginWrite: () => 'BEGIN ISOLATION LEVEL SERIALIZABLE',
  contains: (h, n) => `strpos(${h}, ${n}) > 0`,
};
