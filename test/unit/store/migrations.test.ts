// Which stored resources a migration asks to index again (src/store/sql/migrations/index.ts): all of them,
// or only the types it lists (005 adds idx_position, which only Location resources have rows in).
import t from 'tap';
import { MIGRATIONS, needsReindex } from '../../../src/store/sql/migrations/index.ts';

t.test('needsReindex: all, some types, or nothing', async (t) => {
  t.equal(needsReindex([]), undefined, 'nothing applied');
  t.equal(needsReindex([1]), undefined, '001 creates tables only');
  t.equal(needsReindex([4]), 'all', '004 (date statistics) reindexes everything');
  t.same(needsReindex([5]), ['Location'], '005 (positions) only Locations');
  t.equal(needsReindex([4, 5]), 'all', 'all wins');
  t.equal(needsReindex([6]), undefined, '006 (microsecond lastUpdated) rewrites a column, no index rows');
  t.same(needsReindex([7]), ['Encounter'], '007 (current-location, the room board) only Encounters');
  t.same(needsReindex([5, 7]), ['Location', 'Encounter'], 'the types of both');
  t.same(MIGRATIONS.map((m) => m.version), [1, 2, 3, 4, 5, 6, 7], 'versions in order, none skipped');
});
