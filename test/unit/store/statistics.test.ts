// Planner statistics of a long-running store (https://sqlite.org/lang_analyze.html#pragopt): refreshed by
// PRAGMA optimize, and made visible to connections that are already open (they load sqlite_stat1 only when
// they read the schema, so the refresh changes the schema cookie).
import t from 'tap';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteRepository } from '../../../src/store/sqlite/repository.ts';

t.test('a grown store gets new statistics, and an open connection sees the schema change', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-stats-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'store.db');
  const repo = await SqliteRepository.open({ file, synchronous: 'NORMAL', statisticsEveryMs: 0 });
  // An already-open connection, like the store's own reader
  const other = new Database(file, { readonly: true });
  t.teardown(() => other.close());
  const cookie = () => other.pragma('schema_version', { simple: true }) as number;
  const rowsOf = (tbl: string): number => {
    const row = other.prepare('SELECT stat FROM sqlite_stat1 WHERE tbl = ? ORDER BY idx LIMIT 1').get(tbl) as { stat: string } | undefined;
    return row === undefined ? 0 : Number(row.stat.split(' ')[0]);
  };
  // A table of the test's own whose best plan depends on its statistics: 100 rows of a in {0, 1} first, so
  // an index on a looks useless; then 20,000 distinct values, so it is the right choice
  const raw = new Database(file);
  t.teardown(() => raw.close());
  raw.exec('CREATE TABLE probe (a, b); CREATE INDEX probe_a ON probe (a)');
  const put = raw.prepare('INSERT INTO probe VALUES (?, ?)');
  raw.transaction(() => { for (let i = 0; i < 100; i++) put.run(i % 2, i); })();
  await repo.refreshStatistics();
  const plan = (): string => {
    other.prepare('SELECT count(*) FROM probe').get(); // a statement that reads, as every search does
    return (other.prepare('EXPLAIN QUERY PLAN SELECT * FROM probe WHERE a = 1').all() as { detail: string }[]).map((r) => r.detail).join('; ');
  };
  t.match(plan(), /^SCAN probe/, 'with half the rows matching, the open connection scans');
  raw.transaction(() => { for (let i = 0; i < 20_000; i++) put.run(i + 2, i); })();
  const first = cookie();
  const before = rowsOf('resource');
  // Far more than the few rows the statistics of a new store were taken on
  for (let n = 0; n < 4; n++) {
    await Promise.all(Array.from({ length: 500 }, (_, i) => repo.create({ resourceType: 'Patient', name: [{ family: `Ødegård${n}-${i}` }] } as never)));
  }
  t.equal(await repo.refreshStatistics(), true, 'the statistics changed');
  t.ok(rowsOf('resource') >= 2000 && rowsOf('resource') > before, `sqlite_stat1 counts the 2,000 versions (was ${before}, now ${rowsOf('resource')})`);
  const second = cookie();
  t.ok(second > first, 'the schema cookie moved, so open connections re-read the schema and its statistics');
  t.match(plan(), /SEARCH probe USING (COVERING )?INDEX probe_a/, 'the connection opened before now plans with the new statistics');
  t.equal(await repo.refreshStatistics(), false, 'nothing changed since: no ANALYZE result, no schema change');
  t.equal(cookie(), second, 'and the cookie stays');
  t.equal((await repo.search({ resourceType: 'Patient', filters: [], sort: [], count: 0, offset: 0, total: true })).total, 2000, 'the store answers as before');
  await repo.close();
});
