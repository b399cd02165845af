// Contract: read, vread, create, update, delete. https://hl7.org/fhir/R4/http.html
import type { Test } from 'tap';
import { serialiseVersion, ID_PATTERN } from '../../src/store/serialise.ts';
import { open, patient, rejectsWith, type Factory } from './contract-helpers.ts';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function crudContract(t: Test, name: string, factory: Factory): void {
  t.test(`${name}: create assigns id, versionId 1 and lastUpdated, and raw is the exact serialised JSON (resource.html#Meta)`, async (t) => {
    const repo = await open(t, factory);
    const body = patient({ id: 'client-chosen', meta: { profile: ['http://example.org/p'], versionId: '9' }, active: true });
    const s = await repo.create(body);
    t.not(s.id, 'client-chosen', 'create ignores the id in the body (http.html#create)');
    t.match(s.id, ID_PATTERN);
    t.equal(s.versionId, '1');
    t.match(s.lastUpdated, INSTANT);
    t.equal(s.deleted, false);
    t.equal(s.resourceType, 'Patient');
    t.equal(s.raw, serialiseVersion(body, s.id, '1', s.lastUpdated), 'raw is serialiseVersion of what was written');
    const meta = JSON.parse(s.raw).meta;
    t.same(meta, { versionId: '1', lastUpdated: s.lastUpdated, profile: ['http://example.org/p'] }, 'server owns versionId/lastUpdated, the rest of meta is kept');
    const r = await repo.read('Patient', s.id);
    t.equal(r.raw, s.raw, 'read serves the same bytes');
    t.equal(r.versionId, '1');
    t.equal(r.lastUpdated, s.lastUpdated);
  });

  t.test(`${name}: create with opts.id uses it; an invalid id is FHIR_ID_INVALID; a taken id, even deleted, is FHIR_PRECONDITION_FAILED (datatypes.html#id)`, async (t) => {
    const repo = await open(t, factory);
    const s = await repo.create(patient(), { id: 'pat-1' });
    t.equal(s.id, 'pat-1');
    await rejectsWith(t, repo.create(patient(), { id: 'not valid!' }), 'FHIR_ID_INVALID');
    await rejectsWith(t, repo.create(patient(), { id: 'x'.repeat(65) }), 'FHIR_ID_INVALID');
    await rejectsWith(t, repo.create(patient(), { id: 'pat-1' }), 'FHIR_PRECONDITION_FAILED', { type: 'Patient', id: 'pat-1', versionId: '1' });
    await repo.delete('Patient', 'pat-1');
    await rejectsWith(t, repo.create(patient(), { id: 'pat-1' }), 'FHIR_PRECONDITION_FAILED', { versionId: '2' });
    t.equal((await repo.history({ resourceType: 'Patient', id: 'pat-1' }, { count: 10 })).total, 2, 'the refused creates wrote nothing');
  });

  t.test(`${name}: read of an id that never existed is FHIR_NOT_FOUND (http.html#read)`, async (t) => {
    const repo = await open(t, factory);
    await rejectsWith(t, repo.read('Patient', 'nope'), 'FHIR_NOT_FOUND', { type: 'Patient', id: 'nope' });
  });

  t.test(`${name}: the same id under two types is two resources (http.html#read: [type]/[id])`, async (t) => {
    const repo = await open(t, factory);
    await repo.update(patient({ id: 'shared' }));
    await repo.update(patient({ id: 'shared', active: false }));
    const o = await repo.update({ resourceType: 'Observation', id: 'shared', status: 'final', code: { text: 'x' } } as never);
    t.equal(o.versionId, '1', 'Observation/shared starts its own numbering');
    t.equal(o.created, true);
    t.equal((await repo.read('Patient', 'shared')).versionId, '2');
    await repo.delete('Observation', 'shared');
    t.equal((await repo.read('Patient', 'shared')).versionId, '2', 'deleting Observation/shared leaves Patient/shared');
    await rejectsWith(t, repo.read('Observation', 'shared'), 'FHIR_GONE');
    t.equal((await repo.history({ resourceType: 'Patient', id: 'shared' }, { count: 10 })).total, 2);
  });

  t.test(`${name}: update writes the next version; update of an unknown id creates it (update-as-create, http.html#update)`, async (t) => {
    const repo = await open(t, factory);
    const c = await repo.update(patient({ id: 'u1', active: true }));
    t.equal(c.created, true);
    t.equal(c.versionId, '1');
    const u = await repo.update(patient({ id: 'u1', active: false }));
    t.equal(u.created, false);
    t.equal(u.versionId, '2');
    t.ok(u.lastUpdated > c.lastUpdated, 'lastUpdated moves forward');
    t.equal(u.raw, serialiseVersion(patient({ id: 'u1', active: false }), 'u1', '2', u.lastUpdated));
    t.equal(JSON.parse((await repo.read('Patient', 'u1')).raw).active, false);
    t.equal(JSON.parse((await repo.vread('Patient', 'u1', '1')).raw).active, true, 'the old version is kept');
  });

  t.test(`${name}: update with upsert=false needs a live resource: unknown is FHIR_NOT_FOUND, deleted is FHIR_GONE`, async (t) => {
    const repo = await open(t, factory);
    await rejectsWith(t, repo.update(patient({ id: 'none' }), { upsert: false }), 'FHIR_NOT_FOUND');
    await rejectsWith(t, repo.read('Patient', 'none'), 'FHIR_NOT_FOUND', 'nothing was written');
    await repo.update(patient({ id: 'gone' }));
    await repo.delete('Patient', 'gone');
    await rejectsWith(t, repo.update(patient({ id: 'gone' }), { upsert: false }), 'FHIR_GONE');
    const ok = await repo.update(patient({ id: 'gone' }));
    t.equal(ok.versionId, '3', 'with upsert (the default) the same update succeeds');
  });

  t.test(`${name}: update without an id is FHIR_ID_MISSING and with a malformed id FHIR_ID_INVALID`, async (t) => {
    const repo = await open(t, factory);
    await rejectsWith(t, repo.update(patient()), 'FHIR_ID_MISSING');
    await rejectsWith(t, repo.update(patient({ id: 'a/b' })), 'FHIR_ID_INVALID');
  });

  t.test(`${name}: If-Match on update must name the current version, else FHIR_PRECONDITION_FAILED and nothing is written (http.html#concurrency)`, async (t) => {
    const repo = await open(t, factory);
    await repo.update(patient({ id: 'im' }));
    const v2 = await repo.update(patient({ id: 'im', active: true }), { ifMatch: '1' });
    t.equal(v2.versionId, '2');
    await rejectsWith(t, repo.update(patient({ id: 'im' }), { ifMatch: '1' }), 'FHIR_PRECONDITION_FAILED', {
      type: 'Patient', id: 'im', expected: '1', versionId: '2',
    });
    await rejectsWith(t, repo.update(patient({ id: 'fresh' }), { ifMatch: '1' }), 'FHIR_PRECONDITION_FAILED', 'no version can match a resource that does not exist');
    t.equal((await repo.history({ resourceType: 'Patient', id: 'im' }, { count: 10 })).total, 2);
    await rejectsWith(t, repo.read('Patient', 'fresh'), 'FHIR_NOT_FOUND');
  });

  t.test(`${name}: delete writes a tombstone version; read is FHIR_GONE; vread of it is deleted with raw '' (http.html#delete)`, async (t) => {
    const repo = await open(t, factory);
    const c = await repo.create(patient());
    const tomb = await repo.delete('Patient', c.id);
    t.ok(tomb);
    t.equal(tomb!.versionId, '2');
    t.equal(tomb!.deleted, true);
    t.equal(tomb!.raw, '');
    t.ok(tomb!.lastUpdated > c.lastUpdated);
    await rejectsWith(t, repo.read('Patient', c.id), 'FHIR_GONE', { type: 'Patient', id: c.id });
    const v = await repo.vread('Patient', c.id, '2');
    t.equal(v.deleted, true);
    t.equal(v.raw, '');
    t.equal((await repo.vread('Patient', c.id, '1')).raw, c.raw, 'earlier versions stay readable');
  });

  t.test(`${name}: delete is idempotent: unknown or already deleted answers undefined and writes nothing (http.html#delete)`, async (t) => {
    const repo = await open(t, factory);
    t.equal(await repo.delete('Patient', 'never'), undefined);
    await rejectsWith(t, repo.read('Patient', 'never'), 'FHIR_NOT_FOUND', 'no tombstone for a resource that never existed');
    const c = await repo.create(patient());
    await repo.delete('Patient', c.id);
    t.equal(await repo.delete('Patient', c.id), undefined);
    t.equal(await repo.delete('Patient', c.id, { ifMatch: '7' }), undefined, 'nothing to delete wins over If-Match');
    t.equal((await repo.history({}, { count: 10 })).total, 2, 'create + one tombstone');
  });

  t.test(`${name}: delete with If-Match must name the current version (http.html#concurrency)`, async (t) => {
    const repo = await open(t, factory);
    const c = await repo.create(patient());
    await rejectsWith(t, repo.delete('Patient', c.id, { ifMatch: '2' }), 'FHIR_PRECONDITION_FAILED', { expected: '2', versionId: '1' });
    t.equal((await repo.read('Patient', c.id)).versionId, '1', 'still there');
    const tomb = await repo.delete('Patient', c.id, { ifMatch: '1' });
    t.equal(tomb?.versionId, '2');
  });

  t.test(`${name}: update after delete resurrects with the next number: delete v2, update -> v3, created (http.html#update)`, async (t) => {
    const repo = await open(t, factory);
    const c = await repo.create(patient());
    await repo.delete('Patient', c.id);
    const u = await repo.update(patient({ id: c.id, active: true }));
    t.equal(u.versionId, '3');
    t.equal(u.created, true);
    t.equal((await repo.read('Patient', c.id)).versionId, '3');
    const v2 = await repo.update(patient({ id: c.id }), { ifMatch: '3' });
    t.equal(v2.created, false);
  });

  t.test(`${name}: vread: each version by number; unknown version FHIR_VERSION_NOT_FOUND; unknown resource FHIR_NOT_FOUND (http.html#vread)`, async (t) => {
    const repo = await open(t, factory);
    const v1 = await repo.update(patient({ id: 'vr', gender: 'female' }));
    const v2 = await repo.update(patient({ id: 'vr', gender: 'male' }));
    t.equal((await repo.vread('Patient', 'vr', '1')).raw, v1.raw);
    t.equal((await repo.vread('Patient', 'vr', '2')).raw, v2.raw);
    for (const bad of ['3', '0', 'abc', '01', '']) {
      await rejectsWith(t, repo.vread('Patient', 'vr', bad), 'FHIR_VERSION_NOT_FOUND', { versionId: bad });
    }
    await rejectsWith(t, repo.vread('Patient', 'other', '1'), 'FHIR_NOT_FOUND');
  });

  t.test(`${name}: lastUpdated is strictly increasing across writes of any resource (datatypes.html#instant)`, async (t) => {
    const repo = await open(t, factory);
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) {
      const s = i % 3 === 0 ? await repo.create(patient()) : await repo.update(patient({ id: 'mono', active: i % 2 === 0 }));
      seen.push(s.lastUpdated);
      t.equal(JSON.parse(s.raw).meta.lastUpdated, s.lastUpdated);
    }
    t.ok(seen.every((x, i) => i === 0 || x > seen[i - 1]), 'each write later than the one before');
  });
}
