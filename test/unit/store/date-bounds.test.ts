// Date searches on SQLite bound their index scan on `low` (src/store/sql/indexes/date.ts). The bounds must
// never drop a matching row: checked against the memory matcher's prefix rules (dateMatches, the rules of
// https://hl7.org/fhir/R4/search.html#prefix over implicit ranges) on random rows; and the statistics that
// allow a lower bound and the one-row merge of several conditions must follow what is stored.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { parseSearch } from '../../../src/search/parse.ts';
import { dateMatches } from '../../../src/search/match.ts';
import type { DateValue, Prefix } from '../../../src/search/plan.ts';
import { MemoryRepository } from '../../../src/store/memory/repository.ts';
import { valueBounds, type DateStats } from '../../../src/store/sql/indexes/date.ts';
import { SqliteRepository } from '../../../src/store/sqlite/repository.ts';

const PREFIXES: Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];
const iso = (ms: number) => new Date(ms).toISOString();
const BASE = Date.parse('2020-01-01T00:00:00.000Z');
const DAY = 86_400_000;

t.test('the bounds on low never exclude a row that matches (random rows, every prefix)', async (t) => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  let checked = 0;
  let bounded = 0;
  for (let i = 0; i < 20_000; i++) {
    const span = Math.floor(rnd() * 40 * DAY);
    const low = BASE + Math.floor((rnd() - 0.5) * 400 * DAY);
    const high = low + Math.max(1, Math.floor(rnd() * span));
    const sl = BASE + Math.floor((rnd() - 0.5) * 400 * DAY);
    const d: DateValue = { prefix: PREFIXES[i % PREFIXES.length], low: iso(sl), high: iso(sl + 1 + Math.floor(rnd() * 60 * DAY)) };
    const stats: DateStats = { multi: false, open: false, span };
    if (!dateMatches(iso(low), iso(high), d)) continue;
    checked++;
    const b = valueBounds(d, stats);
    if (b.lb !== undefined || b.ub !== undefined) bounded++;
    if ((b.lb !== undefined && iso(low) < b.lb) || (b.ub !== undefined && iso(low) > b.ub)) {
      t.fail(`${d.prefix} [${d.low}, ${d.high}) excluded the matching row [${iso(low)}, ${iso(high)}) with ${JSON.stringify(b)}`);
      return;
    }
  }
  t.ok(checked > 5_000, `${checked} matching rows checked, ${bounded} of them under a bound`);
  t.ok(bounded > checked / 2, 'most prefixes give a bound');
});

t.test('no lower bound from a span without statistics or with open-ended rows', async (t) => {
  const d: DateValue = { prefix: 'ge', low: '2020-01-01T00:00:00.000Z', high: '2020-01-02T00:00:00.000Z' };
  t.same(valueBounds(d, undefined), { lb: undefined }, 'unknown statistics');
  t.same(valueBounds(d, { multi: false, open: true, span: DAY }), { lb: undefined }, 'a Period without end may match from any start');
  t.same(valueBounds(d, { multi: false, open: false, span: DAY }), { lb: '2019-12-31T00:00:00.000Z' }, 'a row at most a day long that ends after 2020-01-01 starts after 2019-12-31');
  t.same(valueBounds({ ...d, prefix: 'eq' }, undefined), { lb: d.low, ub: d.high }, 'eq: the row lies inside the search range');
  t.same(valueBounds({ ...d, prefix: 'lt' }, undefined), { ub: d.low }, 'lt: starts before the search range');
});

const obs = (id: string, effective: object): Resource =>
  ({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' }, ...effective }) as Resource;

t.test('SQLite and memory agree on AND-ed date conditions as the statistics grow', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-date-'));
  const sqlite = await SqliteRepository.open({ file: join(dir, 'd.db'), synchronous: 'NORMAL' });
  const memory = new MemoryRepository();
  t.teardown(async () => {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const put = async (r: Resource) => {
    await sqlite.update(r);
    await memory.update(r);
  };
  const stats = () => statsRows(join(dir, 'd.db'));
  const ids = async (query: string) => {
    const { plan } = parseSearch('Observation', new URLSearchParams(query), { lenient: false, defaultCount: 50, maxCount: 100 });
    const [a, b] = await Promise.all([sqlite.search(plan), memory.search(plan)]);
    const sa = a.entries.map((e) => e.id).sort();
    t.same(sa, b.entries.map((e) => e.id).sort(), `${query}: SQLite and memory agree`);
    return sa;
  };
  const JAN = 'date=ge2020-01&date=lt2020-02';
  await put(obs('a', { effectiveDateTime: '2020-01-15' }));
  await put(obs('d', { effectiveDateTime: '2021-05-05T10:00:00Z' }));
  t.same(await stats(), [{ param: 'date', multi: 0, open: 0, span: DAY }], 'one row each, the longest a day (2020-01-15)');
  t.same(await ids(JAN), ['a'], 'in January 2020 (one subquery for both conditions)');
  // A Timing with two events: row 2019-12-01 is before February, row 2020-03-01 is after January; the
  // resource matches both conditions with different rows (search.html: each parameter is its own condition)
  await put(obs('b', { effectiveTiming: { event: ['2019-12-01', '2020-03-01'] } }));
  t.same((await stats())[0].multi, 1, 'a resource with two rows turns the merge off');
  t.same(await ids(JAN), ['a', 'b'], 'matched by two different rows');
  // A Period open at the end overlaps everything after its start
  await put(obs('c', { effectivePeriod: { start: '2019-06-01' } }));
  t.same((await stats())[0].open, 1, 'an open-ended row turns the span bound off');
  t.same(await ids(JAN), ['a', 'b', 'c']);
  t.same(await ids('date=ge2020-01-10'), ['a', 'b', 'c', 'd']);
  t.same(await ids('date=2020-01'), ['a'], 'eq: only the row inside January');
  await ids('date=ap2020-01-15');
  await sqlite.delete('Observation', 'b');
  await memory.delete('Observation', 'b');
  t.same((await stats())[0].multi, 1, 'statistics never shrink (a safe over-estimate)');
  t.same(await ids(JAN), ['a', 'c']);
});

async function statsRows(file: string): Promise<Record<string, unknown>[]> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT param, multi, open, span FROM idx_date_stats WHERE type = 'Observation' ORDER BY param").all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
