// Contract: history-instance, -type and -system with _since, _at, _count and paging. https://hl7.org/fhir/R4/http.html#history
import type { Test } from 'tap';
import type { StoredResource } from '../../src/store/repository.ts';
import { open, patient, plusMicros, withOffset, type Factory } from './contract-helpers.ts';

const vkey = (s: StoredResource) => `${s.resourceType}/${s.id}/${s.versionId}`;
const keys = (xs: StoredResource[]) => xs.map(vkey);
/** The same instant written with a +01:00 offset, so text comparison would get it wrong */
const plusOneHour = (iso: string) => withOffset(iso, 1);
const minusMs = (iso: string) => plusMicros(iso, -1);

export function historyContract(t: Test, name: string, factory: Factory): void {
  t.test(`${name}: history-instance lists every version newest first, the delete as an entry with deleted=true and raw ''`, async (t) => {
    const repo = await open(t, factory);
    const v1 = await repo.create(patient());
    const v2 = await repo.update(patient({ id: v1.id, active: true }));
    const v3 = (await repo.delete('Patient', v1.id))!;
    await repo.create(patient());
    const h = await repo.history({ resourceType: 'Patient', id: v1.id }, { count: 10 });
    t.same(keys(h.entries), [vkey(v3), vkey(v2), vkey(v1)]);
    t.equal(h.total, 3);
    t.same(h.entries[0], { ...v3 }, 'the tombstone entry');
    t.equal(h.entries[0].raw, '');
    t.equal(h.entries[1].raw, v2.raw);
    const none = await repo.history({ resourceType: 'Patient', id: 'never' }, { count: 10 });
    t.same(none, { entries: [], total: 0 }, 'no versions, no entries');
  });

  t.test(`${name}: history-type keeps to its type; history-system covers every type; both newest first`, async (t) => {
    const repo = await open(t, factory);
    const p1 = await repo.create(patient());
    const o1 = await repo.create({ resourceType: 'Observation', status: 'final', code: { text: 'bp' } } as never);
    const p2 = await repo.update(patient({ id: p1.id, active: true }));
    const pt = await repo.history({ resourceType: 'Patient' }, { count: 10 });
    t.same(keys(pt.entries), [vkey(p2), vkey(p1)]);
    t.equal(pt.total, 2);
    const sys = await repo.history({}, { count: 10 });
    t.same(keys(sys.entries), [vkey(p2), vkey(o1), vkey(p1)]);
    t.equal(sys.total, 3);
  });

  t.test(`${name}: _since keeps versions at or after the instant; until keeps versions at or before it; offsets are honoured`, async (t) => {
    const repo = await open(t, factory);
    const a = await repo.create(patient());
    const b = await repo.create(patient());
    const c = await repo.update(patient({ id: a.id, active: true }));
    const d = await repo.create(patient());
    t.same(keys((await repo.history({}, { count: 10, since: b.lastUpdated })).entries), [vkey(d), vkey(c), vkey(b)], 'since is inclusive (http.html#history: created at or after the instant)');
    t.same(keys((await repo.history({}, { count: 10, until: c.lastUpdated })).entries), [vkey(c), vkey(b), vkey(a)], 'until is inclusive');
    t.same(
      keys((await repo.history({}, { count: 10, since: plusOneHour(a.lastUpdated), until: plusOneHour(c.lastUpdated) })).entries),
      [vkey(c), vkey(b), vkey(a)],
      'bounds with an offset compare as instants',
    );
    const h = await repo.history({ resourceType: 'Patient', id: a.id }, { count: 10, since: a.lastUpdated });
    t.same(keys(h.entries), [vkey(c), vkey(a)]);
    t.equal(h.total, 2);
  });

  t.test(`${name}: _at gives each resource's version current at that instant, omitting resources deleted or not yet created then`, async (t) => {
    const repo = await open(t, factory);
    const a1 = await repo.create(patient());
    const b1 = await repo.create(patient());
    const a2 = await repo.update(patient({ id: a1.id, active: true }));
    const b2 = (await repo.delete('Patient', b1.id))!;
    const c1 = await repo.create(patient());
    const o1 = await repo.create({ resourceType: 'Observation', status: 'final', code: { text: 'x' } } as never);
    const at = async (instant: string, scope = { resourceType: 'Patient' }) => keys((await repo.history(scope, { count: 10, at: instant })).entries);
    t.same(await at(minusMs(a1.lastUpdated)), [], 'before anything existed');
    t.same(await at(a1.lastUpdated), [vkey(a1)], 'at is inclusive');
    t.same(await at(b1.lastUpdated), [vkey(b1), vkey(a1)]);
    t.same(await at(a2.lastUpdated), [vkey(a2), vkey(b1)], 'the newer version of a replaces the older');
    t.same(await at(b2.lastUpdated), [vkey(a2)], 'b was deleted at that instant');
    t.same(await at(plusOneHour(c1.lastUpdated)), [vkey(c1), vkey(a2)], 'at with an offset');
    t.same(await at(o1.lastUpdated, {} as never), [vkey(o1), vkey(c1), vkey(a2)], 'system scope');
    t.same(await at(o1.lastUpdated, { resourceType: 'Patient', id: b1.id } as never), [], 'instance scope, deleted');
    const h = await repo.history({ resourceType: 'Patient' }, { count: 1, at: c1.lastUpdated });
    t.equal(h.total, 2, 'total counts resources at the instant, not the page');
    t.same(keys(h.entries), [vkey(c1)]);
  });

  t.test(`${name}: count and offset page through history exactly once; until pins the pages against later writes`, async (t) => {
    const repo = await open(t, factory);
    const written: StoredResource[] = [];
    for (let i = 0; i < 7; i++) written.push(await repo.create(patient({ active: i % 2 === 0 })));
    const all = keys(written).reverse();
    const until = written[6].lastUpdated;
    const pages: string[] = [];
    for (let offset = 0; offset < 7; offset += 3) {
      const p = await repo.history({ resourceType: 'Patient' }, { count: 3, offset, until });
      t.equal(p.total, 7, `total at offset ${offset}`);
      pages.push(...keys(p.entries));
      if (offset === 0) await repo.create(patient()); // written while the client pages
    }
    t.same(pages, all, 'every version once, newest first, despite the write between pages');
    const empty = await repo.history({}, { count: 0 });
    t.same(empty.entries, [], 'count 0 returns no entries');
    t.equal(empty.total, 8, 'but still the total');
    const past = await repo.history({}, { count: 5, offset: 50 });
    t.same(past, { entries: [], total: 8 }, 'an offset past the end is an empty page with the total');
  });
}
