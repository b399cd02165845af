// The direct path of a transaction (src/fhir/bundle/transaction-direct.ts): Bundles of creates and updates by
// id are written as one store job. It must answer exactly as the general path does
// (https://hl7.org/fhir/R4/http.html#transaction: all or nothing, entry order kept in the response, urn:uuid
// references rewritten; http.html#concurrency: If-Match), on every store, also with the writer thread.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, errorCode, makeApp, patient } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'helsebro-txdirect-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const STORES = () => [
  { kind: 'memory' as const },
  { kind: 'sqlite' as const, file: ':memory:' },
  // a file at FULL with the wall clock: the writer thread carries the write job
  { kind: 'sqlite' as const, file: join(dir, `s${++n}.db`) },
];
const uuid = (k: number) => `urn:uuid:00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
const tx = (entry: any[]) => ({ resourceType: 'Bundle', type: 'transaction', entry });

/** A PUT listed first, then POSTs that reference each other and the PUT */
function mixed(): { resourceType: string; type: string; entry: any[] } {
  return tx([
    { fullUrl: 'http://test/fhir/Organization/dms-kyst', resource: { resourceType: 'Organization', id: 'dms-kyst', name: 'Kystby DMS' }, request: { method: 'PUT', url: 'Organization/dms-kyst' } },
    { fullUrl: uuid(1), resource: { ...patient(), managingOrganization: { reference: 'http://test/fhir/Organization/dms-kyst' } }, request: { method: 'POST', url: 'Patient' } },
    { fullUrl: uuid(2), resource: { resourceType: 'Encounter', status: 'in-progress', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: uuid(1) }, serviceProvider: { reference: 'Organization/dms-kyst' } }, request: { method: 'POST', url: 'Encounter' } },
  ]);
}

t.test('creates and updates: the same answer as the general path, on every store', async (t) => {
  for (const store of STORES()) {
    const app = await makeApp(t, { store });
    const direct = (await call(app, { method: 'POST', url: '/fhir', body: mixed() })).json();
    // The same Bundle with a GET entry added takes the general path (./transaction.ts)
    const general = (await call(app, { method: 'POST', url: '/fhir', body: { ...mixed(), entry: [...mixed().entry, { request: { method: 'GET', url: 'Organization/dms-kyst' } }] } })).json();
    const shape = (b: any) => b.entry.slice(0, 3).map((e: any) => [e.response.status, e.resource.resourceType, e.response.location.replace(/\/[^/]+\/_history\/\d+$/, '')]);
    t.same(shape(direct), [['201 Created', 'Organization', 'http://test/fhir/Organization'], ['201 Created', 'Patient', 'http://test/fhir/Patient'], ['201 Created', 'Encounter', 'http://test/fhir/Encounter']], `${store.kind}: PUT as create, then two creates, in request order`);
    t.same(shape(general).slice(1), shape(direct).slice(1), `${store.kind}: the general path answers the same`);
    t.equal(general.entry[0].response.status, '200 OK', 'the second time the PUT updates');
    const [org, pat, enc] = direct.entry.map((e: any) => e.resource);
    t.equal(enc.subject.reference, `Patient/${pat.id}`, 'urn:uuid rewritten to the new id');
    t.equal(pat.managingOrganization.reference, 'Organization/dms-kyst', "an absolute reference equal to an entry's fullUrl becomes Type/id (http.html#trules)");
    t.equal(enc.serviceProvider.reference, 'Organization/dms-kyst', 'a relative one is kept');
    t.equal(direct.entry[1].fullUrl, `http://test/fhir/Patient/${pat.id}`);
    t.ok(pat.meta.lastUpdated < enc.meta.lastUpdated && enc.meta.lastUpdated < org.meta.lastUpdated, 'POSTs are written before PUTs, as in the general path');
    const stored = await call(app, { url: `/fhir/Encounter/${enc.id}` });
    t.equal(stored.body, JSON.stringify(enc), `${store.kind}: the stored version is the one answered`);
  }
});

t.test('an entry the store refuses (If-Match) fails the whole Bundle and is named', async (t) => {
  for (const store of STORES()) {
    const app = await makeApp(t, { store });
    await call(app, { method: 'PUT', url: '/fhir/Organization/dms-kyst', body: { resourceType: 'Organization', id: 'dms-kyst', name: 'v1' } });
    const body = mixed();
    (body.entry[0] as any).request.ifMatch = 'W/"5"';
    const res = await call(app, { method: 'POST', url: '/fhir', body });
    t.equal(res.statusCode, 412, store.kind);
    t.equal(errorCode(res), 'FHIR_PRECONDITION_FAILED');
    t.equal(res.json().issue[0].expression[0], 'Bundle.entry[0]', 'the PUT is named by its place in the request, though written last');
    t.equal((await call(app, { url: '/fhir/Patient' })).json().total, 0, `${store.kind}: no Patient written`);
    t.equal((await call(app, { url: '/fhir/Encounter' })).json().total, 0, `${store.kind}: no Encounter written`);
    t.equal((await call(app, { url: '/fhir/Organization/dms-kyst' })).json().name, 'v1', 'the Organization keeps its version');
  }
});

t.test('a reference to a missing resource, two writes of one id: refused before anything is written', async (t) => {
  for (const store of STORES()) {
    const app = await makeApp(t, { store });
    const missing = mixed();
    (missing.entry[2].resource as any).subject = { reference: 'Patient/finnes-ikke' };
    const res = await call(app, { method: 'POST', url: '/fhir', body: missing });
    t.equal(res.statusCode, 422, store.kind);
    t.equal(errorCode(res), 'FHIR_REFERENCE_NOT_FOUND');
    t.equal(res.json().issue[0].expression[0], 'Bundle.entry[2]');
    t.equal((await call(app, { url: '/fhir/Organization' })).json().total, 0, `${store.kind}: nothing written`);
    const twice = tx([
      { resource: { resourceType: 'Organization', id: 'o', name: 'a' }, request: { method: 'PUT', url: 'Organization/o' } },
      { resource: { resourceType: 'Organization', id: 'o', name: 'b' }, request: { method: 'PUT', url: 'Organization/o' } },
    ]);
    const overlap = await call(app, { method: 'POST', url: '/fhir', body: twice });
    t.equal(errorCode(overlap), 'FHIR_TRANSACTION_OVERLAP', store.kind);
    t.equal((await call(app, { url: '/fhir/Organization/o' })).statusCode, 404);
  }
});
