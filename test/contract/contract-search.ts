// Contract: search(plan) over current versions. https://hl7.org/fhir/R4/search.html
import type { Test } from 'tap';
import type { DatePrefix, Filter } from '../../src/search/plan.ts';
import { FNR, HPR, ids, open, patient, plan, plusMicros, withIdentifier, withOffset, type Factory } from './contract-helpers.ts';

const ident = (...values: { system?: string; code?: string }[]): Filter => ({ kind: 'token', param: 'identifier', values });

export function searchContract(t: Test, name: string, factory: Factory): void {
  t.test(`${name}: search sees only current, non-deleted versions of the plan's type (search.html#table)`, async (t) => {
    const repo = await open(t, factory);
    const a = await repo.create(withIdentifier(FNR, '1'));
    await repo.update(withIdentifier(FNR, '1', { id: a.id, active: true }));
    const b = await repo.create(withIdentifier(FNR, '2'));
    await repo.delete('Patient', b.id);
    await repo.create({ resourceType: 'Practitioner', identifier: [{ system: FNR, value: '1' }] } as never);
    const page = await repo.search(plan('Patient'));
    t.same(ids(page.entries), [a.id]);
    t.equal(page.entries[0].versionId, '2', 'the current version');
    t.equal(page.entries[0].raw, (await repo.read('Patient', a.id)).raw);
    t.equal(page.total, 1);
    const byIdent = await repo.search(plan('Patient', { filters: [ident({ system: FNR, code: '1' })] }));
    t.same(ids(byIdent.entries), [a.id], 'the Practitioner with the same identifier is another type');
  });

  t.test(`${name}: the inner search of a chain or _has sees only live resources (search.html#chaining, #has)`, async (t) => {
    const repo = await open(t, factory);
    const { parseSearch } = await import('../../src/search/parse.ts');
    const q = (type: string, query: string) => parseSearch(type, new URLSearchParams(query), { lenient: false, defaultCount: 20, maxCount: 100 }).plan;
    const p = await repo.create({ resourceType: 'Patient', name: [{ family: 'Ødegård' }] } as never);
    const o = await repo.create({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] }, subject: { reference: `Patient/${p.id}` } } as never);
    const has = q('Patient', '_has:Observation:subject:code=http://loinc.org|718-7');
    const chain = q('Observation', 'subject:Patient.family=%C3%B8deg');
    t.same(ids((await repo.search(has)).entries), [p.id], '_has: the Observation points at the Patient');
    t.same(ids((await repo.search(chain)).entries), [o.id], 'chain: the subject is named Ødegård');
    await repo.delete('Observation', o.id);
    t.same(ids((await repo.search(has)).entries), [], '_has: a deleted Observation no longer counts');
    const o2 = await repo.create({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${p.id}` } } as never);
    t.same(ids((await repo.search(chain)).entries), [o2.id]);
    await repo.delete('Patient', p.id);
    t.same(ids((await repo.search(chain)).entries), [], 'chain: the deleted Patient matches no name');
    t.same(ids((await repo.search(q('Observation', 'subject:Patient.family:missing=false'))).entries), [], 'nor :missing=false');
  });

  t.test(`${name}: _id matches any of its values (search.html#id)`, async (t) => {
    const repo = await open(t, factory);
    const [a, b] = [await repo.create(patient()), await repo.create(patient()), await repo.create(patient())];
    const page = await repo.search(plan('Patient', { filters: [{ kind: 'id', values: [b.id, a.id, 'missing'] }] }));
    t.same(ids(page.entries), [a.id, b.id].sort());
    t.equal(page.total, 2);
  });

  t.test(`${name}: identifier token forms: code, system|code, |code, system| (search.html#token)`, async (t) => {
    const repo = await open(t, factory);
    const fnr = await repo.create(withIdentifier(FNR, '123'));
    const hpr = await repo.create(withIdentifier(HPR, '123'));
    const bare = await repo.create(withIdentifier(undefined, '123'));
    const other = await repo.create(withIdentifier(FNR, '456'));
    const q = async (f: Filter) => ids((await repo.search(plan('Patient', { filters: [f] }))).entries).sort();
    t.same(await q(ident({ code: '123' })), [fnr.id, hpr.id, bare.id].sort(), 'code alone: any system');
    t.same(await q(ident({ system: FNR, code: '123' })), [fnr.id]);
    t.same(await q(ident({ system: '', code: '123' })), [bare.id], '|code: only identifiers without a system');
    t.same(await q(ident({ system: FNR })), [fnr.id, other.id].sort(), 'system|: any value in that system');
    t.same(await q(ident({ system: HPR, code: '456' })), []);
    t.same(await q(ident({ system: FNR, code: '456' }, { system: HPR, code: '123' })), [other.id, hpr.id].sort(), 'values are OR-ed');
    t.same(await q(ident({ code: '12' })), [], 'no partial match');
    const mixed = await repo.create(withIdentifier(FNR, 'AbC'));
    t.same(await q(ident({ code: 'abc' })), [], 'identifier values match case-sensitively');
    t.same(await q(ident({ code: 'AbC' })), [mixed.id]);
  });

  t.test(`${name}: filters are AND-ed (search.html#combining)`, async (t) => {
    const repo = await open(t, factory);
    const two = await repo.create(patient({ identifier: [{ system: FNR, value: '1' }, { system: HPR, value: '9' }] }));
    const one = await repo.create(withIdentifier(FNR, '1'));
    const both = [ident({ system: FNR, code: '1' }), ident({ system: HPR, code: '9' })];
    t.same(ids((await repo.search(plan('Patient', { filters: both }))).entries), [two.id]);
    const idAndToken = [ident({ system: FNR, code: '1' }), { kind: 'id', values: [one.id] } as Filter];
    t.same(ids((await repo.search(plan('Patient', { filters: idAndToken }))).entries), [one.id]);
  });

  t.test(`${name}: the token index follows the current version: update, delete and resurrection re-index`, async (t) => {
    const repo = await open(t, factory);
    const c = await repo.create(withIdentifier(FNR, 'old'));
    const find = async (code: string) => ids((await repo.search(plan('Patient', { filters: [ident({ system: FNR, code })] }))).entries);
    t.same(await find('old'), [c.id]);
    await repo.update(withIdentifier(FNR, 'new', { id: c.id }));
    t.same(await find('old'), [], 'the old value no longer matches');
    t.same(await find('new'), [c.id]);
    await repo.delete('Patient', c.id);
    t.same(await find('new'), [], 'a deleted resource matches nothing');
    await repo.update(withIdentifier(FNR, 'again', { id: c.id }));
    t.same(await find('again'), [c.id], 'update after delete indexes again');
    t.same(await find('new'), []);
  });

  t.test(`${name}: _lastUpdated prefixes over the range [low, high) (search.html#prefix, #date)`, async (t) => {
    const repo = await open(t, factory);
    const a = await repo.create(patient());
    const b = await repo.create(patient());
    const c = await repo.create(patient());
    const low = b.lastUpdated;
    const high = plusMicros(b.lastUpdated, 1);
    // (sets, sorted: the default order is by id, and ids made in one millisecond are not in creation order)
    const q = async (prefix: DatePrefix, l = low, h = high) =>
      ids((await repo.search(plan('Patient', { filters: [{ kind: 'lastUpdated', values: [{ prefix, low: l, high: h }] }] }))).entries).sort();
    t.same(await q('eq'), [b.id]);
    t.same(await q('ap'), [b.id], 'ap is treated as eq');
    t.same(await q('ne'), [a.id, c.id].sort());
    t.same(await q('gt'), [c.id]);
    t.same(await q('sa'), [c.id]);
    t.same(await q('lt'), [a.id]);
    t.same(await q('eb'), [a.id]);
    t.same(await q('ge'), [b.id, c.id].sort());
    t.same(await q('le'), [a.id, b.id].sort());
    const wide = plusMicros(c.lastUpdated, 1);
    t.same(await q('eq', a.lastUpdated, wide), [a.id, b.id, c.id].sort(), 'a wide range holds all three');
    const offsetForm = (iso: string) => withOffset(iso, 2);
    t.same(await q('eq', offsetForm(low), offsetForm(high)), [b.id], 'bounds with an offset compare as instants');
    const two = await repo.search(plan('Patient', {
      filters: [{ kind: 'lastUpdated', values: [{ prefix: 'lt', low: b.lastUpdated, high }, { prefix: 'ge', low: c.lastUpdated, high: wide }] }],
    }));
    t.same(ids(two.entries).sort(), [a.id, c.id].sort(), 'values are OR-ed');
  });

  t.test(`${name}: order: default by _id ascending; _sort on _id and _lastUpdated both ways (search.html#sort)`, async (t) => {
    const repo = await open(t, factory);
    for (const id of ['z', 'a', 'm']) await repo.create(patient(), { id });
    await repo.update(patient({ id: 'z', active: true })); // z is now the most recently updated
    const order = async (sort: { param: '_id' | '_lastUpdated'; descending: boolean }[]) => ids((await repo.search(plan('Patient', { sort }))).entries);
    t.same(await order([]), ['a', 'm', 'z'], 'default: by id');
    t.same(await order([{ param: '_id', descending: false }]), ['a', 'm', 'z']);
    t.same(await order([{ param: '_id', descending: true }]), ['z', 'm', 'a']);
    t.same(await order([{ param: '_lastUpdated', descending: true }]), ['z', 'm', 'a']);
    t.same(await order([{ param: '_lastUpdated', descending: false }]), ['a', 'm', 'z']);
  });

  t.test(`${name}: count and offset page a stable order; total counts every match when asked (search.html#count, #total)`, async (t) => {
    const repo = await open(t, factory);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await repo.create(withIdentifier(FNR, i < 5 ? 'group' : 'other'))).id);
    const filters = [ident({ system: FNR, code: 'group' })];
    const seen: string[] = [];
    for (let offset = 0; offset < 5; offset += 2) {
      const p = await repo.search(plan('Patient', { filters, count: 2, offset }));
      t.equal(p.total, 5, `total at offset ${offset}`);
      seen.push(...ids(p.entries));
    }
    t.same(seen, made.slice(0, 5).sort(), 'pages join up with no repeat and no gap, in id order');
    const capped = await repo.search(plan('Patient', { filters, count: 2, totalLimit: 3 }));
    t.equal(capped.total, undefined, 'more matches than totalLimit: the total is left out, not guessed');
    t.equal(capped.entries.length, 2, 'the page itself is whole');
    t.equal((await repo.search(plan('Patient', { filters, count: 2, totalLimit: 5 }))).total, 5, 'up to the limit the total is exact');
    const countOnly = await repo.search(plan('Patient', { filters, count: 0 }));
    t.same(countOnly.entries, []);
    t.equal(countOnly.total, 5, '_summary=count: total without entries');
    const past = await repo.search(plan('Patient', { filters, count: 2, offset: 10 }));
    t.same(past.entries, []);
    t.equal(past.total, 5);
    const noTotal = await repo.search(plan('Patient', { filters, count: 2, total: false }));
    t.equal(noTotal.entries.length, 2, 'without total the page is still served');
  });
}
