// The Repository contract against the SQLite store, ':memory:' and a file (DESIGN.md house rule 2), plus
// what only a file store can show: reopening keeps data and keeps lastUpdated monotonic.
// https://sqlite.org/wal.html , https://sqlite.org/pragma.html#pragma_synchronous
import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteRepository } from '../../src/store/sqlite/repository.ts';
import { createRepository } from '../../src/store/index.ts';
import { runRepositoryContract } from './repository.contract.ts';
import { transactionContract } from './contract-transactions.ts';
import { updateAllContract } from './contract-update-all.ts';
import { FNR, patient, plan, withIdentifier } from './contract-helpers.ts';

// ~90 s here, but every case opens SQLite files (migrations, WAL, fsync'd commits): when this VM's fsync is slow
// the file took 300+ s, tap's per-file limit (CI, 2026-12-04: every file case 3-5x slower, nothing else was)
t.setTimeout(900_000);

const dir = mkdtempSync(join(tmpdir(), 'helsebro-contract-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempFile = () => join(dir, `store-${++n}.db`);

runRepositoryContract(t, 'sqlite :memory:', () => SqliteRepository.open({ file: ':memory:' }));
runRepositoryContract(t, 'sqlite file', () => SqliteRepository.open({ file: tempFile(), synchronous: 'NORMAL' }));
// FULL with the wall clock: single writes and updateAll run in the writer thread, transactions on the main writer
transactionContract(t, 'sqlite file, writer thread', () => SqliteRepository.open({ file: tempFile() }));
updateAllContract(t, 'sqlite file, writer thread', () => SqliteRepository.open({ file: tempFile() }));

t.test('sqlite file: a reopened store keeps every version and its index rows', async (t) => {
  const file = tempFile();
  const first = await SqliteRepository.open({ file });
  const a = await first.create(withIdentifier(FNR, 'persist'));
  await first.update(withIdentifier(FNR, 'persist', { id: a.id, active: true }));
  await first.delete('Patient', (await first.create(patient())).id);
  await first.close();
  const again = await SqliteRepository.open({ file });
  t.teardown(() => again.close());
  t.equal((await again.read('Patient', a.id)).versionId, '2');
  t.equal((await again.vread('Patient', a.id, '1')).id, a.id);
  t.equal((await again.history({}, { count: 10 })).total, 4);
  const found = await again.search(plan('Patient', { filters: [{ kind: 'token', param: 'identifier', values: [{ system: FNR, code: 'persist' }] }] }));
  t.same(found.entries.map((e) => e.id), [a.id]);
});

t.test('sqlite file: lastUpdated stays strictly increasing across a reopen even when the wall clock went back (datatypes.html#instant)', async (t) => {
  const file = tempFile();
  const future = Date.parse('2031-06-01T12:00:00.000Z');
  const first = await SqliteRepository.open({ file, now: () => future });
  const before = await first.create(patient());
  t.equal(before.lastUpdated, '2031-06-01T12:00:00.000000Z');
  await first.close();
  const again = await SqliteRepository.open({ file, now: () => future - 3_600_000 });
  t.teardown(() => again.close());
  const after = await again.create(patient());
  t.ok(after.lastUpdated > before.lastUpdated, `${after.lastUpdated} > ${before.lastUpdated}`);
  const h = await again.history({}, { count: 10, since: before.lastUpdated });
  t.same(h.entries.map((e) => e.id), [after.id, before.id], '_since the old write finds it and the new one, in lastUpdated order');
});

t.test('sqlite file: migrations are recorded once and not re-run on reopen', async (t) => {
  const file = tempFile();
  await (await SqliteRepository.open({ file })).close();
  await (await SqliteRepository.open({ file })).close();
  const db = new Database(file, { readonly: true });
  t.teardown(() => db.close());
  const rows = db.prepare('SELECT version, name FROM schema_migrations').all() as { version: number }[];
  t.same(rows.map((r) => r.version), [1, 2, 3, 4, 5, 6, 7]);
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  t.same(tables, ['idx_date', 'idx_date_stats', 'idx_number', 'idx_position', 'idx_quantity', 'idx_reference', 'idx_string', 'idx_text', 'idx_token', 'idx_uri', 'resource', 'resource_current', 'schema_migrations']);
});

t.test('sqlite file: schema 7 indexes current-location for the Encounters stored before it (the room board finds them)', async (t) => {
  const file = tempFile();
  const repo = await SqliteRepository.open({ file });
  await repo.update({ resourceType: 'Location', id: 'site', name: 'site' } as never);
  await repo.update({ resourceType: 'Location', id: 'bed', name: 'bed', partOf: { reference: 'Location/site' } } as never);
  await repo.update({ resourceType: 'Encounter', id: 'e1', status: 'in-progress', class: { code: 'IMP' }, location: [{ location: { reference: 'Location/bed' }, status: 'active' }] } as never);
  await repo.close();
  // Back to schema 6: no current-location rows
  const db = new Database(file);
  t.equal(db.prepare("DELETE FROM idx_reference WHERE param = 'current-location'").run().changes, 1, 'the row schema 7 adds');
  db.exec('DELETE FROM schema_migrations WHERE version = 7');
  db.close();
  const again = await SqliteRepository.open({ file });
  t.teardown(() => again.close());
  t.same((await again.board('site')).encounters.map((e) => [e.id, e.place]), [['e1', 'bed']]);
});

t.test('sqlite file: millisecond lastUpdated values written before schema 6 are widened to microseconds, and order is kept', async (t) => {
  const file = tempFile();
  const repo = await SqliteRepository.open({ file, now: () => Date.parse('2026-01-01T00:00:00.000Z') });
  const a = await repo.create(patient());
  const b = await repo.update(patient({ id: a.id, active: true }));
  await repo.close();
  // Back to schema 5: the values in the millisecond form it wrote (the clock then stepped 1 ms a write)
  const db = new Database(file);
  db.exec("UPDATE resource SET last_updated = '2026-01-01T00:00:00.00' || version || 'Z'");
  db.exec("UPDATE resource_current SET last_updated = '2026-01-01T00:00:00.002Z'");
  db.exec('DELETE FROM schema_migrations WHERE version = 6');
  db.close();
  const again = await SqliteRepository.open({ file, now: () => Date.parse('2026-01-01T00:00:00.000Z') });
  t.teardown(() => again.close());
  t.equal((await again.vread('Patient', a.id, '1')).lastUpdated, '2026-01-01T00:00:00.001000Z');
  t.equal((await again.read('Patient', a.id)).lastUpdated, '2026-01-01T00:00:00.002000Z');
  t.equal(b.versionId, '2');
  const c = await again.update(patient({ id: a.id, active: false }));
  t.equal(c.lastUpdated, '2026-01-01T00:00:00.002001Z', 'the next write continues after the widened values');
  const h = await again.history({ resourceType: 'Patient' }, { count: 10, since: '2026-01-01T00:00:00.001Z' });
  t.same(h.entries.map((e) => e.versionId), ['3', '2', '1'], '_since in millisecond form (inclusive: 001 is 001000) compares right with the widened values');
});

t.test('sqlite file: a store written at schema 1 is migrated and its resources indexed again (migration 2 reindexes)', async (t) => {
  const file = tempFile();
  const repo = await SqliteRepository.open({ file });
  const p = await repo.create({ resourceType: 'Patient', name: [{ family: 'Løvås' }] } as never);
  await repo.close();
  // Turn the file back into a schema-1 store: the version-2 tables and their bookkeeping row gone, and
  // idx_token holding identifier rows only, as schema 1 wrote it.
  const db = new Database(file);
  for (const tbl of ['idx_text', 'idx_string', 'idx_date', 'idx_number', 'idx_quantity', 'idx_reference', 'idx_uri']) db.exec(`DROP TABLE ${tbl}`);
  db.exec("DELETE FROM idx_token WHERE param <> 'identifier'");
  db.exec('ALTER TABLE idx_token DROP COLUMN grp');
  db.exec('CREATE INDEX idx_token_system ON idx_token (type, param, system)');
  db.exec('DELETE FROM schema_migrations WHERE version = 2');
  db.close();
  const again = await SqliteRepository.open({ file });
  t.teardown(() => again.close());
  const byName = await again.search({ resourceType: 'Patient', filters: [{ kind: 'string', param: 'family', mode: 'prefix', values: ['løv'] }], sort: [], count: 10, offset: 0, total: true });
  t.same(byName.entries.map((e) => e.id), [p.id], 'the resource written before the migration is found by a version-2 index');
  const byToken = await again.search({ resourceType: 'Patient', filters: [{ kind: 'token', param: 'deceased', values: [{ code: 'false' }] }], sort: [], count: 10, offset: 0, total: true });
  t.same(byToken.entries.map((e) => e.id), [p.id], 'idx_token rows of the newly indexed parameters are written too');
});

t.test('sqlite: WAL, and synchronous as configured (FULL default, NORMAL on request, OFF only for :memory:)', async (t) => {
  const full = await SqliteRepository.open({ file: tempFile() });
  const normal = await SqliteRepository.open({ file: tempFile(), synchronous: 'NORMAL' });
  const mem = await SqliteRepository.open({ file: ':memory:' });
  t.teardown(async () => {
    await full.close();
    await normal.close();
    await mem.close();
  });
  t.match(full.diagnostics(), { synchronous: 2, journalMode: 'wal' });
  t.match(normal.diagnostics(), { synchronous: 1, journalMode: 'wal' });
  t.match(mem.diagnostics(), { synchronous: 0, journalMode: 'wal' });
});

t.test('sqlite: waiting single writes are group-committed: fewer COMMITs than writes, each caller answered', async (t) => {
  const repo = await SqliteRepository.open({ file: tempFile() });
  t.teardown(() => repo.close());
  const before = repo.diagnostics().commits;
  const made = await Promise.all(Array.from({ length: 50 }, () => repo.create(patient())));
  const commits = repo.diagnostics().commits - before;
  t.equal(new Set(made.map((m) => m.id)).size, 50);
  t.ok(commits < 10, `50 creates in ${commits} commit(s)`);
  t.equal((await repo.history({}, { count: 1 })).total, 50);
});

t.test('sqlite: a 412 inside a group-committed batch is undone alone; the batch still commits once for its neighbours', async (t) => {
  const repo = await SqliteRepository.open({ file: tempFile() });
  t.teardown(() => repo.close());
  await repo.update(patient({ id: 'batch-target' }));
  const before = repo.diagnostics().commits;
  const settled = await Promise.allSettled([
    repo.create(patient()),
    repo.update(patient({ id: 'batch-target', active: true }), { ifMatch: '7' }),
    repo.update(patient({ id: 'batch-target', active: false }), { ifMatch: '1' }),
    repo.create(patient()),
  ]);
  t.same(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  // One COMMIT on a quiet machine; a loaded one can split the group at its 15 ms budget (write-queue.ts),
  // so the assertion is the grouping, not the exact count.
  t.ok(repo.diagnostics().commits - before < 4, `the four shared COMMITs (${repo.diagnostics().commits - before})`);
  t.equal((await repo.read('Patient', 'batch-target')).versionId, '2');
});

t.test('sqlite :memory: is a throw-away file removed at close', async (t) => {
  const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const before = new Set(readdirSync(shm).filter((f) => f.startsWith('helsebro-')));
  const repo = await createRepository({ kind: 'sqlite', file: ':memory:' });
  const made = readdirSync(shm).filter((f) => f.startsWith('helsebro-') && !before.has(f));
  t.equal(made.length, 1, 'one private directory while open');
  t.equal(repo.kind, 'sqlite');
  await repo.close();
  t.notOk(existsSync(join(shm, made[0])), 'gone after close');
});
