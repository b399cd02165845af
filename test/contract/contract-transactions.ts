// Contract: withTransaction and concurrent writers. https://hl7.org/fhir/R4/http.html#transaction (all or
// nothing), https://hl7.org/fhir/R4/http.html#ccreate (conditional create must not race),
// https://hl7.org/fhir/R4/http.html#concurrency (versions), DESIGN.md house rule 8.
import type { Test } from 'tap';
import type { Repository } from '../../src/store/repository.ts';
import { FNR, ids, open, patient, plan, rejectsWith, sleep, withIdentifier, type Factory } from './contract-helpers.ts';

const byFnr = (code: string) => plan('Patient', { filters: [{ kind: 'token', param: 'identifier', values: [{ system: FNR, code }] }] });

/** The conditional-create shape the router runs inside a transaction */
async function createIfNone(tx: Repository, code: string): Promise<string> {
  const found = await tx.search({ ...byFnr(code), count: 2 });
  await sleep(5); // let the other caller's transaction try to interleave
  if (found.entries.length > 0) return found.entries[0].id;
  return (await tx.create(withIdentifier(FNR, code))).id;
}

export function transactionContract(t: Test, name: string, factory: Factory): void {
  t.test(`${name}: withTransaction commits every write together and returns fn's value`, async (t) => {
    const repo = await open(t, factory);
    const result = await repo.withTransaction(async (tx) => {
      const a = await tx.create(patient());
      const b = await tx.update(patient({ id: 'tx-b' }));
      return [a.id, b.id];
    });
    t.equal((await repo.read('Patient', result[0])).versionId, '1');
    t.equal((await repo.read('Patient', 'tx-b')).versionId, '1');
    t.equal((await repo.history({}, { count: 10 })).total, 2);
  });

  t.test(`${name}: a throw in withTransaction rolls back every write and rethrows the same error`, async (t) => {
    const repo = await open(t, factory);
    const boom = new Error('boom');
    let createdId = '';
    await t.rejects(
      repo.withTransaction(async (tx) => {
        createdId = (await tx.create(withIdentifier(FNR, 'rolled-back'))).id;
        await tx.update(patient({ id: 'also-rolled-back' }));
        throw boom;
      }),
      boom,
    );
    await rejectsWith(t, repo.read('Patient', createdId), 'FHIR_NOT_FOUND');
    await rejectsWith(t, repo.read('Patient', 'also-rolled-back'), 'FHIR_NOT_FOUND');
    t.same(await repo.history({}, { count: 10 }), { entries: [], total: 0 });
    t.equal((await repo.search(byFnr('rolled-back'))).total, 0, 'no index rows survive');
    const after = await repo.update(patient({ id: 'also-rolled-back' }));
    t.equal(after.versionId, '1', 'version numbering is not consumed by a rollback');
  });

  t.test(`${name}: a rolled-back update leaves reads at the committed version (no stale cache either way)`, async (t) => {
    const repo = await open(t, factory);
    const v1 = await repo.update(patient({ id: 'hot', active: false }));
    t.equal((await repo.read('Patient', 'hot')).raw, v1.raw);
    t.equal((await repo.read('Patient', 'hot')).raw, v1.raw, 'read twice: hot in any cache');
    await t.rejects(
      repo.withTransaction(async (tx) => {
        const v2 = await tx.update(patient({ id: 'hot', active: true }));
        t.equal((await tx.read('Patient', 'hot')).raw, v2.raw, 'the transaction sees its own write');
        throw new Error('undo');
      }),
    );
    t.equal((await repo.read('Patient', 'hot')).raw, v1.raw, 'after rollback: version 1');
    await rejectsWith(t, repo.vread('Patient', 'hot', '2'), 'FHIR_VERSION_NOT_FOUND');
    const v2 = await repo.withTransaction((tx) => tx.update(patient({ id: 'hot', active: true })));
    t.equal(v2.versionId, '2');
    t.equal((await repo.read('Patient', 'hot')).raw, v2.raw, 'after commit: version 2, not the cached 1');
    await repo.withTransaction((tx) => tx.delete('Patient', 'hot'));
    await rejectsWith(t, repo.read('Patient', 'hot'), 'FHIR_GONE', 'a committed delete is seen at once');
  });

  t.test(`${name}: readers outside a transaction see only committed data; the transaction sees its own writes`, async (t) => {
    const repo = await open(t, factory);
    await repo.update(withIdentifier(FNR, 'before', { id: 'iso' }));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inside!: () => void;
    const reached = new Promise<void>((r) => (inside = r));
    const done = repo.withTransaction(async (tx) => {
      await tx.update(withIdentifier(FNR, 'after', { id: 'iso' }));
      const made = await tx.create(withIdentifier(FNR, 'new'));
      t.equal((await tx.read('Patient', 'iso')).versionId, '2');
      t.equal((await tx.vread('Patient', made.id, '1')).id, made.id);
      t.same(ids((await tx.search(byFnr('after'))).entries), ['iso'], 'tx search sees the tx write');
      t.equal((await tx.history({ resourceType: 'Patient', id: 'iso' }, { count: 5 })).total, 2, 'tx history too');
      inside();
      await gate;
      return made.id;
    });
    await reached;
    t.equal((await repo.read('Patient', 'iso')).versionId, '1', 'outside: the committed version');
    t.equal((await repo.search(byFnr('after'))).total, 0, 'outside search: no uncommitted index rows');
    t.equal((await repo.search(byFnr('before'))).total, 1);
    t.equal((await repo.history({}, { count: 10 })).total, 1, 'outside history: no uncommitted versions');
    release();
    const madeId = await done;
    t.equal((await repo.read('Patient', 'iso')).versionId, '2', 'after commit');
    t.equal((await repo.read('Patient', madeId)).versionId, '1');
    t.equal((await repo.search(byFnr('after'))).total, 1);
  });

  t.test(`${name}: two concurrent "search identifier, create if none" transactions leave exactly one resource (http.html#ccreate)`, async (t) => {
    const repo = await open(t, factory);
    const results = await Promise.all([1, 2, 3, 4].map(() => repo.withTransaction((tx) => createIfNone(tx, '01818000282'))));
    const page = await repo.search(byFnr('01818000282'));
    t.equal(page.total, 1, 'one resource');
    t.same(new Set(results), new Set([page.entries[0].id]), 'every caller got that one');
  });

  t.test(`${name}: concurrent updates of one id get distinct, consecutive versions`, async (t) => {
    const repo = await open(t, factory);
    await repo.update(patient({ id: 'busy' }));
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => repo.update(patient({ id: 'busy', birthDate: `19${10 + i}-01-01` }))));
    const versions = results.map((r) => Number(r.versionId)).sort((a, b) => a - b);
    t.same(versions, Array.from({ length: 25 }, (_, i) => i + 2), 'versions 2..26, none twice');
    const h = await repo.history({ resourceType: 'Patient', id: 'busy' }, { count: 100 });
    t.equal(h.total, 26);
    t.equal(new Set(h.entries.map((e) => e.lastUpdated)).size, 26, 'distinct lastUpdated');
    t.equal((await repo.read('Patient', 'busy')).versionId, '26');
  });

  t.test(`${name}: a failing write among concurrent writes rejects alone; its neighbours commit`, async (t) => {
    const repo = await open(t, factory);
    await repo.update(patient({ id: 'target' }));
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) writes.push(repo.create(withIdentifier(FNR, `n${i}`)));
    writes.push(repo.update(patient({ id: 'target', active: true }), { ifMatch: '99' }));
    writes.push(repo.delete('Patient', 'target', { ifMatch: '42' }));
    for (let i = 10; i < 20; i++) writes.push(repo.create(withIdentifier(FNR, `n${i}`)));
    const settled = await Promise.allSettled(writes);
    const rejected = settled.map((s, i) => [s.status, i] as const).filter(([s]) => s === 'rejected').map(([, i]) => i);
    t.same(rejected, [10, 11], 'only the two stale writes fail');
    t.match((settled[10] as PromiseRejectedResult).reason, { code: 'FHIR_PRECONDITION_FAILED' });
    t.match((settled[11] as PromiseRejectedResult).reason, { code: 'FHIR_PRECONDITION_FAILED' });
    t.equal((await repo.search(plan('Patient', { filters: [{ kind: 'token', param: 'identifier', values: [{ system: FNR }] }] }))).total, 20, 'all 20 creates are stored');
    t.equal((await repo.read('Patient', 'target')).versionId, '1', 'the failed update wrote nothing');
  });

  t.test(`${name}: a write that fails inside a transaction is undone alone when fn carries on`, async (t) => {
    const repo = await open(t, factory);
    await repo.update(patient({ id: 'k' }));
    await repo.withTransaction(async (tx) => {
      await tx.create(patient(), { id: 'kept' });
      await rejectsWith(t, tx.update(patient({ id: 'k' }), { ifMatch: '5' }), 'FHIR_PRECONDITION_FAILED');
      await tx.update(patient({ id: 'k', active: true }), { ifMatch: '1' });
    });
    t.equal((await repo.read('Patient', 'kept')).versionId, '1');
    t.equal((await repo.read('Patient', 'k')).versionId, '2');
  });

  t.test(`${name}: a nested withTransaction that throws undoes only its own writes`, async (t) => {
    const repo = await open(t, factory);
    await repo.withTransaction(async (tx) => {
      await tx.create(patient(), { id: 'outer' });
      await t.rejects(
        tx.withTransaction(async (inner) => {
          await inner.create(patient(), { id: 'inner' });
          throw new Error('inner fails');
        }),
      );
      await rejectsWith(t, tx.read('Patient', 'inner'), 'FHIR_NOT_FOUND', 'undone inside the outer transaction');
      await tx.withTransaction((inner) => inner.create(patient(), { id: 'inner-ok' }));
    });
    t.equal((await repo.read('Patient', 'outer')).versionId, '1');
    t.equal((await repo.read('Patient', 'inner-ok')).versionId, '1');
    await rejectsWith(t, repo.read('Patient', 'inner'), 'FHIR_NOT_FOUND');
  });

  t.test(`${name}: writing through the store instead of the tx repository fails at once instead of deadlocking`, async (t) => {
    const repo = await open(t, factory);
    await t.rejects(
      repo.withTransaction(async () => {
        await repo.create(patient());
      }),
      /tx repository/,
    );
    await t.rejects(repo.withTransaction(() => repo.withTransaction(async () => 1)), /tx repository/);
    t.equal((await repo.history({}, { count: 1 })).total, 0);
    t.ok(await repo.create(patient()), 'the store still writes afterwards');
  });

  t.test(`${name}: a tx repository refuses use after its transaction ended`, async (t) => {
    const repo = await open(t, factory);
    let leaked!: Repository;
    await repo.withTransaction(async (tx) => {
      leaked = tx;
    });
    await t.rejects(leaked.create(patient()), /ended/);
    await t.rejects(leaked.read('Patient', 'x'), /ended/);
    t.equal((await repo.history({}, { count: 1 })).total, 0);
  });
}
