// The read cache of the SQLite store: bounded by entries and by raw characters, least recently used out first.
import t from 'tap';
import { Lru } from '../../../src/store/sqlite/lru.ts';
import type { StoredResource } from '../../../src/store/repository.ts';

const s = (id: string, raw = '{}'): StoredResource => ({ resourceType: 'Patient', id, versionId: '1', lastUpdated: '2026-01-01T00:00:00.000Z', deleted: false, raw });

t.test('evicts the least recently used entry when full; a get refreshes recency', async (t) => {
  const lru = new Lru(2);
  lru.set('a', s('a'));
  lru.set('b', s('b'));
  t.ok(lru.get('a'));
  lru.set('c', s('c'));
  t.ok(lru.get('a'), 'a was used, so it stays');
  t.equal(lru.get('b'), undefined, 'b was the least recently used');
  t.equal(lru.size, 2);
});

t.test('bounded by characters of raw JSON; an entry too large for the cache is not kept', async (t) => {
  const lru = new Lru(100, 1600);
  lru.set('big', s('big', 'x'.repeat(200)));
  t.equal(lru.get('big'), undefined, 'over 1/16 of the budget');
  for (let i = 0; i < 20; i++) lru.set(`k${i}`, s(`k${i}`, 'y'.repeat(100)));
  t.ok(lru.size <= 16, `held ${lru.size} entries of 100 chars within 1600`);
  t.ok(lru.get('k19'));
  t.equal(lru.get('k0'), undefined);
});

t.test('cached entries are frozen, so a caller cannot change what the next reader gets', async (t) => {
  const lru = new Lru();
  lru.set('a', s('a'));
  t.throws(() => {
    (lru.get('a') as { raw: string }).raw = 'changed';
  });
  t.equal(lru.get('a')!.raw, '{}');
  lru.delete('a');
  t.equal(lru.get('a'), undefined);
  const off = new Lru(0);
  off.set('a', s('a'));
  t.equal(off.size, 0, 'size 0 turns the cache off');
});
