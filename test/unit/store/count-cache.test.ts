// The count cache (src/store/sql/count-cache.ts) may never serve a total that the committed data no longer
// has: every COMMIT empties it, and a count taken while a COMMIT happened is not kept.
import t from 'tap';
import type { Resource } from '@medplum/fhirtypes';
import { parseSearch } from '../../../src/search/parse.ts';
import { CountCache } from '../../../src/store/sql/count-cache.ts';
import { SqliteConnection } from '../../../src/store/sqlite/connection.ts';
import { SqliteRepository } from '../../../src/store/sqlite/repository.ts';

/** Every SQL text the SQLite connections run from here to the end of test `t` */
function recordQueries(t: { teardown: (fn: () => void) => void }): string[] {
  const queries: string[] = [];
  const original = SqliteConnection.prototype.query;
  SqliteConnection.prototype.query = function (sql, values) {
    queries.push(sql);
    return original.call(this, sql, values);
  };
  t.teardown(() => { SqliteConnection.prototype.query = original; });
  return queries;
}

t.test('a count is kept only for the generation it was taken in', async (t) => {
  const c = new CountCache(3);
  const g = c.generation;
  c.set('a', g, 5);
  t.equal(c.get('a'), 5);
  c.invalidate();
  t.equal(c.get('a'), undefined, 'a commit empties the cache');
  c.set('b', g, 7);
  t.equal(c.get('b'), undefined, 'a count taken before the commit is not kept');
  const g2 = c.generation;
  for (const k of ['x', 'y', 'z', 'w']) c.set(k, g2, 1);
  t.ok(c.get('w') === 1 && c.get('x') === undefined, 'bounded: full means start over');
});

t.test('SQLite: a repeated search reuses its total until a write commits', async (t) => {
  const repo = await SqliteRepository.open({ file: ':memory:' });
  t.teardown(() => repo.close());
  const patient = (i: number) => ({ resourceType: 'Patient', gender: 'female', name: [{ family: `Hansen${i}` }] }) as Resource;
  for (let i = 0; i < 30; i++) await repo.create(patient(i));
  const plan = parseSearch('Patient', new URLSearchParams('gender=female&_count=5'), { lenient: false, defaultCount: 20, maxCount: 100 }).plan;
  const queries = recordQueries(t);
  t.equal((await repo.search(plan)).total, 30);
  const first = queries.length;
  queries.length = 0;
  t.equal((await repo.search(plan)).total, 30, 'the same total');
  t.ok(queries.length < first, `the second search ran ${queries.length} statements, the first ${first}: the count and the probe came from the cache`);
  await repo.create(patient(30));
  t.equal((await repo.search(plan)).total, 31, 'a committed create is counted at once');
  await repo.withTransaction(async (tx) => {
    await tx.create(patient(31));
    t.equal((await repo.search(plan)).total, 31, 'an uncommitted write is not seen by the reader');
  });
  t.equal((await repo.search(plan)).total, 32, 'the committed transaction is');
});

t.test('SQLite with countCache: false counts on every search', async (t) => {
  const repo = await SqliteRepository.open({ file: ':memory:', countCache: false });
  t.teardown(() => repo.close());
  for (let i = 0; i < 12; i++) await repo.create({ resourceType: 'Patient', gender: 'male' } as Resource);
  const plan = parseSearch('Patient', new URLSearchParams('gender=male&_count=5'), { lenient: false, defaultCount: 20, maxCount: 100 }).plan;
  const queries = recordQueries(t);
  t.equal((await repo.search(plan)).total, 12);
  const first = queries.length;
  queries.length = 0;
  t.equal((await repo.search(plan)).total, 12);
  t.equal(queries.length, first, 'the second search runs every statement again');
});

t.test('SQLite: a single-filter total comes from the probe and counts each resource once', async (t) => {
  const repo = await SqliteRepository.open({ file: ':memory:' });
  t.teardown(() => repo.close());
  // every Patient matches name=kar with two rows (Kari and Karin)
  for (let i = 0; i < 3; i++) await repo.create({ resourceType: 'Patient', name: [{ given: ['Kari', 'Karin'], family: `F${i}` }] } as Resource);
  const plan = parseSearch('Patient', new URLSearchParams('name=kar&_count=2'), { lenient: false, defaultCount: 20, maxCount: 100 }).plan;
  const queries = recordQueries(t);
  const page = await repo.search({ ...plan, count: 2 });
  t.equal(page.entries.length, 2, 'a full page');
  t.equal(page.total, 3, 'three Patients, not six rows');
  t.notOk(queries.some((q) => q.startsWith('SELECT c.id FROM resource_current')), 'no COUNT statement: the probe gave the total');
});

t.test('room boards (Repository.board) are kept until the next COMMIT, and one read across a COMMIT is not kept', async (t) => {
  const repo = await SqliteRepository.open({ file: ':memory:' });
  t.teardown(() => repo.close());
  await repo.update({ resourceType: 'Location', id: 's', name: 's' } as Resource);
  const a = await repo.board('s');
  t.equal(await repo.board('s'), a, 'the same rows object: no query');
  await repo.update({ resourceType: 'Location', id: 'b', name: 'b', partOf: { reference: 'Location/s' } } as Resource);
  const b = await repo.board('s');
  t.not(b, a, 'a COMMIT empties the cache');
  t.same(b.places.map((p) => p.id), ['b']);
  // a write that commits while the board is being read: that read is answered but not kept
  await Promise.all([repo.board('s'), repo.update({ resourceType: 'Location', id: 'c', name: 'c', partOf: { reference: 'Location/s' } } as Resource)]);
  const after = await repo.board('s');
  t.same(after.places.map((p) => p.id), ['b', 'c'], 'the next read sees the write');
  const off = await SqliteRepository.open({ file: ':memory:', countCache: false });
  t.teardown(() => off.close());
  await off.update({ resourceType: 'Location', id: 's', name: 's' } as Resource);
  t.not(await off.board('s'), await off.board('s'), 'HELSEBRO_COUNT_CACHE=off: every board is read');
});
