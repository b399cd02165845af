// read, vread, create, update, delete and history over HTTP. Spec: https://hl7.org/fhir/R4/http.html
import t from 'tap';
import { call, errorCode, makeApp, patient } from './helpers.ts';
import { MemoryRepository } from '../../src/store/memory/repository.ts';

t.test('create answers 201 with Location, ETag and Last-Modified, assigns id and meta, ignores a client id', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ id: 'client-chosen' }) });
  t.equal(res.statusCode, 201);
  const body = res.json();
  t.not(body.id, 'client-chosen', 'http.html#create: the server ignores a client id');
  t.match(body.id, /^[A-Za-z0-9\-.]{1,64}$/);
  t.equal(body.meta.versionId, '1');
  t.match(body.meta.lastUpdated, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  t.equal(res.headers.etag, 'W/"1"');
  t.equal(res.headers.location, `http://test/fhir/Patient/${body.id}/_history/1`);
  t.equal(res.headers['last-modified'], new Date(body.meta.lastUpdated).toUTCString());
  t.match(res.headers['content-type'], /^application\/fhir\+json/);
  t.equal(body.name[0].family, 'Ødegård', 'non-ASCII survives the round trip');
});

t.test('read serves the stored JSON byte for byte; vread serves each version', async (t) => {
  const app = await makeApp(t);
  const created = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() });
  const id = created.json().id;
  const read = await call(app, { url: `/fhir/Patient/${id}` });
  t.equal(read.statusCode, 200);
  t.equal(read.body, created.body, 'the same bytes as the create response');
  const upd = await call(app, { method: 'PUT', url: `/fhir/Patient/${id}`, body: { ...patient({ gender: 'male' }), id } });
  t.equal(upd.statusCode, 200);
  t.equal(upd.json().meta.versionId, '2');
  t.equal((await call(app, { url: `/fhir/Patient/${id}/_history/1` })).json().gender, 'female');
  t.equal((await call(app, { url: `/fhir/Patient/${id}/_history/2` })).json().gender, 'male');
  const missing = await call(app, { url: `/fhir/Patient/${id}/_history/9` });
  t.equal(missing.statusCode, 404);
  t.equal(errorCode(missing), 'FHIR_VERSION_NOT_FOUND');
});

t.test('HEAD answers like GET without a body', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
  const res = await call(app, { method: 'HEAD', url: `/fhir/Patient/${id}` });
  t.equal(res.statusCode, 200);
  t.equal(res.headers.etag, 'W/"1"');
  t.equal(res.body, '');
});

t.test('update-as-create makes a resource at a client-chosen id (201), then updates it (200)', async (t) => {
  const app = await makeApp(t);
  const first = await call(app, { method: 'PUT', url: '/fhir/Patient/dms-pasient-1', body: { ...patient(), id: 'dms-pasient-1' } });
  t.equal(first.statusCode, 201);
  t.equal(first.headers.location, 'http://test/fhir/Patient/dms-pasient-1/_history/1');
  const second = await call(app, { method: 'PUT', url: '/fhir/Patient/dms-pasient-1', body: { ...patient(), id: 'dms-pasient-1' } });
  t.equal(second.statusCode, 200);
  t.equal(second.json().meta.versionId, '2');
});

t.test('delete: 204, then read is 410, history keeps a tombstone, and an update brings the resource back', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
  const del = await call(app, { method: 'DELETE', url: `/fhir/Patient/${id}` });
  t.equal(del.statusCode, 204);
  const gone = await call(app, { url: `/fhir/Patient/${id}` });
  t.equal(gone.statusCode, 410);
  t.equal(errorCode(gone), 'FHIR_GONE');
  t.equal((await call(app, { url: `/fhir/Patient/${id}/_history/2` })).statusCode, 410, 'vread of the tombstone is 410');
  const again = await call(app, { method: 'DELETE', url: `/fhir/Patient/${id}` });
  t.equal(again.statusCode, 204, 'deleting a deleted resource is idempotent');
  const never = await call(app, { method: 'DELETE', url: '/fhir/Patient/never-was' });
  t.equal(never.statusCode, 204, 'deleting what never existed is 204 too');
  const hist = (await call(app, { url: `/fhir/Patient/${id}/_history` })).json();
  t.equal(hist.type, 'history');
  t.equal(hist.total, 2);
  t.same(hist.entry.map((e: any) => e.request.method), ['DELETE', 'POST'], 'newest first; the delete has no resource');
  t.notOk(hist.entry[0].resource);
  const back = await call(app, { method: 'PUT', url: `/fhir/Patient/${id}`, body: { ...patient(), id } });
  t.equal(back.statusCode, 201, 'an update after a delete re-creates');
  t.equal(back.json().meta.versionId, '3');
});

t.test('Prefer return=minimal and return=OperationOutcome', async (t) => {
  const app = await makeApp(t);
  const min = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient(), headers: { prefer: 'return=minimal' } });
  t.equal(min.statusCode, 201);
  t.equal(min.body, '');
  t.ok(min.headers.location);
  const oo = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient(), headers: { prefer: 'return=OperationOutcome' } });
  t.equal(oo.statusCode, 201);
  t.equal(oo.json().resourceType, 'OperationOutcome');
  t.equal(oo.json().issue[0].severity, 'information');
});

t.test('history of type and system, with _count paging and _since', async (t) => {
  const app = await makeApp(t);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id);
  await call(app, { method: 'POST', url: '/fhir/Organization', body: { resourceType: 'Organization', name: 'Helse Nord RHF' } });
  const type = (await call(app, { url: '/fhir/Patient/_history?_count=2' })).json();
  t.equal(type.total, 5);
  t.equal(type.entry.length, 2);
  t.equal(type.entry[0].resource.id, ids[4], 'newest first');
  const next = type.link.find((l: any) => l.relation === 'next').url.replace('http://test', '');
  const page2 = (await call(app, { url: next })).json();
  t.same(page2.entry.map((e: any) => e.resource.id), [ids[2], ids[1]], 'the next page continues where the first stopped');
  const system = (await call(app, { url: '/fhir/_history' })).json();
  t.equal(system.total, 6);
  const since = (await call(app, { url: `/fhir/Patient/${ids[0]}` })).json().meta.lastUpdated;
  const after = (await call(app, { url: `/fhir/Patient/_history?_since=${encodeURIComponent(since)}` })).json();
  t.equal(after.total, 5, '_since includes the instant given (http.html#history: versions created at or after it)');
  const bad = await call(app, { url: '/fhir/Patient/_history?_since=yesterday' });
  t.equal(bad.statusCode, 400);
  t.equal(errorCode(bad), 'FHIR_PARAM_INVALID');
  t.equal((await call(app, { url: '/fhir/Patient/nobody/_history' })).statusCode, 404);
});

t.test('history paging and _since are exact when every write shares one millisecond (lastUpdated microseconds)', async (t) => {
  // A stopped wall clock: every lastUpdated is in the same millisecond, told apart by its microsecond digits
  const app = await makeApp(t, { repository: new MemoryRepository({ now: () => Date.parse('2026-12-01T08:00:00.000Z') }) });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id);
  const first = (await call(app, { url: '/fhir/Patient/_history?_count=2' })).json();
  t.same(first.entry.map((e: any) => e.resource.id), [ids[4], ids[3]]);
  t.equal(first.entry[0].resource.meta.lastUpdated, '2026-12-01T08:00:00.000004Z');
  const late = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id; // written while the client pages
  const next = first.link.find((l: any) => l.relation === 'next').url.replace('http://test', '');
  t.match(next, /_until=2026-12-01T08%3A00%3A00.000004Z/, 'the pin is the newest entry, to the microsecond');
  t.same((await call(app, { url: next })).json().entry.map((e: any) => e.resource.id), [ids[2], ids[1]], 'page 2 neither skips nor repeats');
  const since = encodeURIComponent('2026-12-01T08:00:00.000002Z');
  t.same((await call(app, { url: `/fhir/Patient/_history?_since=${since}` })).json().total, 4, '_since to the microsecond: .000002 to .000005, the instant itself included');
  const gt = (await call(app, { url: `/fhir/Patient?_lastUpdated=gt${since}&_count=10` })).json();
  t.same(gt.entry.map((e: any) => e.resource.id).sort(), [ids[3], ids[4], late].sort(),
    '_lastUpdated=gt the meta.lastUpdated last seen: the rest of that millisecond is not skipped');
  const eq = (await call(app, { url: `/fhir/Patient?_lastUpdated=${since}` })).json();
  t.same(eq.entry.map((e: any) => e.resource.id), [ids[2]], 'eq an exact lastUpdated: that version only');
  const ms = (await call(app, { url: `/fhir/Patient?_lastUpdated=2026-12-01T08:00:00.000Z&_count=10` })).json();
  t.equal(ms.entry.length, 6, 'a millisecond value denotes its whole millisecond (search.html#date: precision is a range)');
});

t.test('_pretty indents and _format=json is accepted', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
  const res = await call(app, { url: `/fhir/Patient/${id}?_pretty=true&_format=json` });
  t.equal(res.statusCode, 200);
  t.match(res.body, /\n  "resourceType": "Patient"/);
});

t.test('history _at gives each resource as it was at that instant (http.html#history)', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
  const v1 = (await call(app, { url: `/fhir/Patient/${id}` })).json().meta.lastUpdated;
  await call(app, { method: 'PUT', url: `/fhir/Patient/${id}`, body: { ...patient({ gender: 'male' }), id } });
  const at = (await call(app, { url: `/fhir/Patient/_history?_at=${encodeURIComponent(v1)}` })).json();
  t.equal(at.total, 1);
  t.equal(at.entry[0].resource.meta.versionId, '1');
  t.equal(at.entry[0].resource.gender, 'female');
});
