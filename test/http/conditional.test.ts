// Conditional create, update, delete and read. Spec: https://hl7.org/fhir/R4/http.html#ccreate ,
// #cond-update , #3.1.0.7.1 (conditional delete), #cread (conditional read)
import t from 'tap';
import { call, errorCode, FNR_SYSTEM, makeApp, patient, SYNTHETIC_FNR } from './helpers.ts';

const byFnr = (fnr: string) => `identifier=${encodeURIComponent(`${FNR_SYSTEM}|${fnr}`)}`;
const withFnr = (fnr: string, extra: Record<string, unknown> = {}) => patient({ identifier: [{ system: FNR_SYSTEM, value: fnr }], ...extra });

t.test('conditional create: the first creates (201), the second finds it (200, same id)', async (t) => {
  const app = await makeApp(t);
  const headers = { 'if-none-exist': byFnr(SYNTHETIC_FNR[0]) };
  const a = await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[0]), headers });
  const b = await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[0]), headers });
  t.equal(a.statusCode, 201);
  t.equal(b.statusCode, 200);
  t.equal(b.json().id, a.json().id);
});

t.test('two concurrent conditional creates make exactly one resource', async (t) => {
  for (const store of [{ kind: 'memory' as const }, { kind: 'sqlite' as const, file: ':memory:' }]) {
    const app = await makeApp(t, { store });
    const headers = { 'if-none-exist': byFnr(SYNTHETIC_FNR[1]) };
    const results = await Promise.all(Array.from({ length: 8 }, () => call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[1]), headers })));
    t.same(results.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 201], `${store.kind}: one 201, the rest 200`);
    const found = (await call(app, { url: `/fhir/Patient?${byFnr(SYNTHETIC_FNR[1])}` })).json();
    t.equal(found.total, 1, `${store.kind}: one resource`);
  }
});

t.test('conditional create matching several resources is 412', async (t) => {
  const app = await makeApp(t);
  await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[0]) });
  await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[0]) });
  const res = await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[0]), headers: { 'if-none-exist': byFnr(SYNTHETIC_FNR[0]) } });
  t.equal(res.statusCode, 412);
  t.equal(errorCode(res), 'FHIR_MULTIPLE_MATCHES');
});

t.test('conditional update: no match creates, one match updates, several is 412', async (t) => {
  const app = await makeApp(t);
  const url = `/fhir/Patient?${byFnr(SYNTHETIC_FNR[0])}`;
  const created = await call(app, { method: 'PUT', url, body: withFnr(SYNTHETIC_FNR[0]) });
  t.equal(created.statusCode, 201);
  const updated = await call(app, { method: 'PUT', url, body: withFnr(SYNTHETIC_FNR[0], { gender: 'other' }) });
  t.equal(updated.statusCode, 200);
  t.equal(updated.json().id, created.json().id);
  t.equal(updated.json().meta.versionId, '2');
  const wrongId = await call(app, { method: 'PUT', url, body: withFnr(SYNTHETIC_FNR[0], { id: 'someone-else' }) });
  t.equal(wrongId.statusCode, 400);
  t.equal(errorCode(wrongId), 'FHIR_ID_MISMATCH');
  await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[0]) });
  const many = await call(app, { method: 'PUT', url, body: withFnr(SYNTHETIC_FNR[0]) });
  t.equal(many.statusCode, 412);
  t.equal(errorCode(many), 'FHIR_MULTIPLE_MATCHES');
});

t.test('conditional update with no match will not overwrite an existing resource named by the body id', async (t) => {
  const app = await makeApp(t);
  await call(app, { method: 'PUT', url: '/fhir/Patient/taken', body: withFnr(SYNTHETIC_FNR[0], { id: 'taken' }) });
  const res = await call(app, { method: 'PUT', url: `/fhir/Patient?${byFnr(SYNTHETIC_FNR[1])}`, body: withFnr(SYNTHETIC_FNR[1], { id: 'taken' }) });
  t.equal(res.statusCode, 412);
  t.equal(errorCode(res), 'FHIR_CONDITIONAL_ID_CONFLICT');
});

t.test('conditional delete: one match deletes, several is 412, none is 204', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[0]) })).json().id;
  const del = await call(app, { method: 'DELETE', url: `/fhir/Patient?${byFnr(SYNTHETIC_FNR[0])}` });
  t.equal(del.statusCode, 204);
  t.equal((await call(app, { url: `/fhir/Patient/${id}` })).statusCode, 410);
  t.equal((await call(app, { method: 'DELETE', url: `/fhir/Patient?${byFnr(SYNTHETIC_FNR[0])}` })).statusCode, 204);
  await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[1]) });
  await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[1]) });
  const many = await call(app, { method: 'DELETE', url: `/fhir/Patient?${byFnr(SYNTHETIC_FNR[1])}` });
  t.equal(many.statusCode, 412);
  t.equal((await call(app, { url: `/fhir/Patient?${byFnr(SYNTHETIC_FNR[1])}` })).json().total, 2, 'nothing was deleted');
  const noCondition = await call(app, { method: 'DELETE', url: '/fhir/Patient' });
  t.equal(noCondition.statusCode, 400);
  t.equal(errorCode(noCondition), 'FHIR_CONDITION_REQUIRED');
});

t.test('conditional read: If-None-Match and If-Modified-Since answer 304', async (t) => {
  const app = await makeApp(t);
  const created = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() });
  const id = created.json().id;
  const etag = await call(app, { url: `/fhir/Patient/${id}`, headers: { 'if-none-match': 'W/"1"' } });
  t.equal(etag.statusCode, 304);
  t.equal(etag.body, '');
  t.equal((await call(app, { url: `/fhir/Patient/${id}`, headers: { 'if-none-match': 'W/"0"' } })).statusCode, 200);
  const lm = created.headers['last-modified'] as string;
  t.equal((await call(app, { url: `/fhir/Patient/${id}`, headers: { 'if-modified-since': lm } })).statusCode, 304);
  const earlier = new Date(Date.parse(lm) - 60_000).toUTCString();
  t.equal((await call(app, { url: `/fhir/Patient/${id}`, headers: { 'if-modified-since': earlier } })).statusCode, 200);
});

t.test('If-None-Exist is read with or without a leading "?" or "Patient?"', async (t) => {
  const app = await makeApp(t);
  const first = await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[0]) });
  for (const prefix of ['', '?', 'Patient?']) {
    const res = await call(app, { method: 'POST', url: '/fhir/Patient', body: withFnr(SYNTHETIC_FNR[0]), headers: { 'if-none-exist': `${prefix}${byFnr(SYNTHETIC_FNR[0])}` } });
    t.equal(res.statusCode, 200, `prefix '${prefix}'`);
    t.equal(res.json().id, first.json().id);
  }
});

t.test('conditions use the whole search engine: a string, a chain and a _list condition', async (t) => {
  const app = await makeApp(t);
  const org = (await call(app, { method: 'POST', url: '/fhir/Organization', body: { resourceType: 'Organization', name: 'Nord-Troms DMS' } })).json();
  const p = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ managingOrganization: { reference: `Organization/${org.id}` } }) })).json();
  const byName = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient(), headers: { 'if-none-exist': 'family=%C3%98deg%C3%A5rd&given=%C3%A5se' } });
  t.equal(byName.statusCode, 200, 'found by folded name: no second Patient');
  t.equal(byName.json().id, p.id);
  const byChain = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient(), headers: { 'if-none-exist': 'organization.name=nord-troms' } });
  t.equal(byChain.json().id, p.id, 'found through a chain');
  await call(app, { method: 'PUT', url: '/fhir/List/l1', body: { resourceType: 'List', id: 'l1', status: 'current', mode: 'working', entry: [{ item: { reference: `Patient/${p.id}` } }] } });
  const byList = await call(app, { method: 'DELETE', url: '/fhir/Patient?_list=l1' });
  t.ok(byList.statusCode === 200 || byList.statusCode === 204, `conditional delete through _list answers ${byList.statusCode}`);
  t.equal((await call(app, { url: `/fhir/Patient/${p.id}` })).statusCode, 410, 'the listed patient is deleted');
});
