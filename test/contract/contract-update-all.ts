// Contract: Repository.updateAll, the one write job of a transaction's direct path
// (src/fhir/bundle/transaction-direct.ts): every update (also as create) in order, all or nothing
// (https://hl7.org/fhir/R4/http.html#transaction), If-Match per item (http.html#concurrency).
import type { Test } from 'tap';
import { UpdateAllError } from '../../src/store/repository.ts';
import { FhirError } from '../../src/errors/fhir-error.ts';
import { FNR, open, patient, plan, rejectsWith, withIdentifier, type Factory } from './contract-helpers.ts';

export function updateAllContract(t: Test, name: string, factory: Factory): void {
  t.test(`${name}: updateAll writes every item in order, creating or updating each`, async (t) => {
    const repo = await open(t, factory);
    await repo.update(patient({ id: 'ua-old', active: false }));
    const out = await repo.updateAll([
      { resource: withIdentifier(FNR, 'ua-1', { id: 'ua-new' }) },
      { resource: patient({ id: 'ua-old', active: true }), opts: { ifMatch: '1' } },
    ]);
    t.same(out.map((s) => [s.id, s.versionId, s.created]), [['ua-new', '1', true], ['ua-old', '2', false]]);
    t.ok(out[0].lastUpdated < out[1].lastUpdated, 'lastUpdated in item order');
    t.equal((await repo.read('Patient', 'ua-old')).raw, out[1].raw, 'a read serves the written version');
    t.same((await repo.search(plan('Patient', { filters: [{ kind: 'token', param: 'identifier', values: [{ system: FNR, code: 'ua-1' }] }] }))).entries.map((e) => e.id), ['ua-new'], 'index rows written');
  });

  t.test(`${name}: updateAll writes nothing when one item fails, and names it`, async (t) => {
    const repo = await open(t, factory);
    const v1 = await repo.update(patient({ id: 'ua-kept', active: false }));
    t.equal((await repo.read('Patient', 'ua-kept')).raw, v1.raw, 'read once: in any cache');
    const err = await repo.updateAll([
      { resource: patient({ id: 'ua-a' }) },
      { resource: patient({ id: 'ua-kept', active: true }) },
      { resource: patient({ id: 'ua-kept-2' }), opts: { ifMatch: '7' } },
    ]).then(() => undefined, (e: unknown) => e);
    t.ok(err instanceof UpdateAllError, 'an UpdateAllError');
    t.equal((err as UpdateAllError).index, 2, 'the third item failed');
    t.ok((err as UpdateAllError).cause instanceof FhirError, 'its cause is the coded error of that write');
    t.equal(((err as UpdateAllError).cause as FhirError).code, 'FHIR_PRECONDITION_FAILED', '412: the expected version is not the current one (http.html#concurrency)');
    await rejectsWith(t, repo.read('Patient', 'ua-a'), 'FHIR_NOT_FOUND');
    t.equal((await repo.read('Patient', 'ua-kept')).raw, v1.raw, 'the updated item is back at its committed version');
    t.equal((await repo.history({}, { count: 10 })).total, 1, 'no version of the group was kept');
  });

  t.test(`${name}: concurrent updateAll groups and single writes all commit, each group whole`, async (t) => {
    const repo = await open(t, factory);
    const groups = Array.from({ length: 12 }, (_, g) => repo.updateAll(Array.from({ length: 5 }, (_, k) => ({ resource: patient({ id: `g${g}-${k}` }) }))));
    const singles = Array.from({ length: 12 }, (_, i) => repo.create(patient({ gender: i % 2 ? 'female' : 'male' })));
    const done = await Promise.all([...groups, ...singles]);
    t.equal(done.length, 24);
    t.equal((await repo.history({}, { count: 100 })).total, 12 * 5 + 12);
    for (let g = 0; g < 12; g++) t.equal((await repo.read('Patient', `g${g}-4`)).versionId, '1');
  });
}
