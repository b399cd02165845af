// batch and transaction. Spec: https://hl7.org/fhir/R4/http.html#transaction
import t from 'tap';
import { call, errorCode, FNR_SYSTEM, makeApp, patient, SYNTHETIC_FNR } from './helpers.ts';

const uuid = (n: number) => `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function encounterBundle() {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: uuid(2), resource: { resourceType: 'Encounter', status: 'in-progress', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: uuid(1) }, serviceProvider: { reference: uuid(3) } }, request: { method: 'POST', url: 'Encounter' } },
      { fullUrl: uuid(1), resource: patient(), request: { method: 'POST', url: 'Patient' } },
      { fullUrl: uuid(3), resource: { resourceType: 'Organization', name: 'Distriktsmedisinsk senter Nordkyst' }, request: { method: 'POST', url: 'Organization' } },
    ],
  };
}

t.test('a transaction creates every entry and rewrites urn:uuid references to the new ids', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { method: 'POST', url: '/fhir', body: encounterBundle() });
  t.equal(res.statusCode, 200);
  const out = res.json();
  t.equal(out.type, 'transaction-response');
  t.equal(out.entry.length, 3);
  t.same(out.entry.map((e: any) => e.response.status), ['201 Created', '201 Created', '201 Created']);
  const enc = out.entry[0].resource;
  const pat = out.entry[1].resource;
  const org = out.entry[2].resource;
  t.equal(enc.subject.reference, `Patient/${pat.id}`, 'entry order of the response follows the request');
  t.equal(enc.serviceProvider.reference, `Organization/${org.id}`);
  t.equal(out.entry[1].response.location, `http://test/fhir/Patient/${pat.id}/_history/1`);
  t.equal(out.entry[1].response.etag, 'W/"1"');
  t.equal(out.entry[1].response.lastModified, pat.meta.lastUpdated, 'lastModified keeps the milliseconds of meta.lastUpdated');
  const stored = (await call(app, { url: `/fhir/Encounter/${enc.id}` })).json();
  t.equal(stored.subject.reference, `Patient/${pat.id}`);
});

t.test('a transaction with one invalid entry fails whole: nothing is written', async (t) => {
  for (const store of [{ kind: 'memory' as const }, { kind: 'sqlite' as const, file: ':memory:' }]) {
    const app = await makeApp(t, { store });
    const bundle = encounterBundle();
    (bundle.entry[2].resource as any).unknownElement = true;
    const res = await call(app, { method: 'POST', url: '/fhir', body: bundle });
    t.equal(res.statusCode, 400, store.kind);
    t.equal(errorCode(res), 'FHIR_STRUCTURE');
    t.match(res.json().issue[0].expression[0], 'Bundle.entry[2]', 'the issue names the entry');
    for (const type of ['Patient', 'Encounter', 'Organization']) {
      t.equal((await call(app, { url: `/fhir/${type}` })).json().total, 0, `${store.kind}: no ${type} written`);
    }
  }
});

t.test('two entries acting on the same resource are refused', async (t) => {
  const app = await makeApp(t);
  const body = {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      { resource: { ...patient(), id: 'p1' }, request: { method: 'PUT', url: 'Patient/p1' } },
      { request: { method: 'DELETE', url: 'Patient/p1' } },
    ],
  };
  const res = await call(app, { method: 'POST', url: '/fhir', body });
  t.equal(res.statusCode, 400);
  t.equal(errorCode(res), 'FHIR_TRANSACTION_OVERLAP');
  t.equal((await call(app, { url: '/fhir/Patient/p1' })).statusCode, 404);
});

t.test('conditional entries: ifNoneExist maps a urn:uuid to the existing resource; conditional references resolve', async (t) => {
  const app = await makeApp(t);
  const existing = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ identifier: [{ system: FNR_SYSTEM, value: SYNTHETIC_FNR[0] }] }) })).json();
  await call(app, { method: 'POST', url: '/fhir/Organization', body: { resourceType: 'Organization', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: '974795787' }], name: 'Sykehuset' } });
  const body = {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      { fullUrl: uuid(1), resource: patient({ identifier: [{ system: FNR_SYSTEM, value: SYNTHETIC_FNR[0] }] }), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${FNR_SYSTEM}|${SYNTHETIC_FNR[0]}` } },
      { resource: { resourceType: 'Encounter', status: 'planned', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: uuid(1) }, serviceProvider: { reference: 'Organization?identifier=urn:oid:2.16.578.1.12.4.1.4.101|974795787' } }, request: { method: 'POST', url: 'Encounter' } },
    ],
  };
  const res = await call(app, { method: 'POST', url: '/fhir', body });
  t.equal(res.statusCode, 200);
  const out = res.json();
  t.equal(out.entry[0].response.status, '200 OK', 'the matched conditional create is not a new resource');
  t.equal(out.entry[0].resource.id, existing.id);
  t.equal(out.entry[1].resource.subject.reference, `Patient/${existing.id}`);
  t.match(out.entry[1].resource.serviceProvider.reference, /^Organization\/[A-Za-z0-9\-.]+$/);
  t.equal((await call(app, { url: '/fhir/Patient' })).json().total, 1);
  const noMatch = await call(app, { method: 'POST', url: '/fhir', body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Encounter', status: 'planned', class: { code: 'AMB' }, subject: { reference: 'Patient?identifier=nobody' } }, request: { method: 'POST', url: 'Encounter' } }] } });
  t.equal(noMatch.statusCode, 400);
  t.equal(errorCode(noMatch), 'FHIR_CONDITIONAL_REF_NO_MATCH');
});

t.test('entries run DELETE, POST, PUT, GET in that order', async (t) => {
  const app = await makeApp(t);
  await call(app, { method: 'PUT', url: '/fhir/Patient/old', body: { ...patient(), id: 'old' } });
  const body = {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      { request: { method: 'GET', url: 'Patient/old' } },
      { resource: { ...patient(), id: 'new' }, request: { method: 'PUT', url: 'Patient/new' } },
      { request: { method: 'DELETE', url: 'Patient/old' } },
    ],
  };
  const res = await call(app, { method: 'POST', url: '/fhir', body });
  t.equal(res.statusCode, 410, 'GET of a resource deleted earlier in the same transaction fails the transaction with that entry\'s status');
  t.equal(errorCode(res), 'FHIR_GONE');
  t.equal((await call(app, { url: '/fhir/Patient/new' })).statusCode, 404, 'and rolls back the PUT');
  t.equal((await call(app, { url: '/fhir/Patient/old' })).statusCode, 200, 'and the DELETE');
});

t.test('batch: entries are independent; a failing entry reports its own error', async (t) => {
  const app = await makeApp(t);
  const body = {
    resourceType: 'Bundle', type: 'batch',
    entry: [
      { resource: patient(), request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Patient', bogus: 1 }, request: { method: 'POST', url: 'Patient' } },
      { request: { method: 'GET', url: 'Patient/nope' } },
    ],
  };
  const res = await call(app, { method: 'POST', url: '/fhir', body });
  t.equal(res.statusCode, 200);
  const out = res.json();
  t.equal(out.type, 'batch-response');
  t.equal(out.entry[0].response.status, '201 Created');
  t.match(out.entry[1].response.status, /^400/);
  t.equal(out.entry[1].response.outcome.resourceType, 'OperationOutcome');
  t.match(out.entry[2].response.status, /^404/);
  t.equal((await call(app, { url: '/fhir/Patient' })).json().total, 1);
});

t.test('a Bundle that is neither batch nor transaction, or an entry without request, is 400', async (t) => {
  const app = await makeApp(t);
  const coll = await call(app, { method: 'POST', url: '/fhir', body: { resourceType: 'Bundle', type: 'collection' } });
  t.equal(coll.statusCode, 400);
  t.equal(errorCode(coll), 'FHIR_BUNDLE_INVALID');
  const noReq = await call(app, { method: 'POST', url: '/fhir', body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: patient() }] } });
  t.equal(noReq.statusCode, 400);
  t.equal(errorCode(noReq), 'FHIR_BUNDLE_INVALID');
});

t.test('a PATCH entry carries its JSON Patch in a Binary; a conditional DELETE entry deletes its single match', async (t) => {
  const app = await makeApp(t);
  const p = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json();
  await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ identifier: [{ system: FNR_SYSTEM, value: SYNTHETIC_FNR[1] }] }) });
  const patchDoc = Buffer.from(JSON.stringify([{ op: 'replace', path: '/gender', value: 'male' }])).toString('base64');
  const body = {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      { resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patchDoc }, request: { method: 'PATCH', url: `Patient/${p.id}` } },
      { request: { method: 'DELETE', url: `Patient?identifier=${FNR_SYSTEM}|${SYNTHETIC_FNR[1]}` } },
    ],
  };
  const res = await call(app, { method: 'POST', url: '/fhir', body });
  t.equal(res.statusCode, 200, res.body);
  const out = res.json();
  t.equal(out.entry[0].response.status, '200 OK');
  t.equal(out.entry[0].resource.gender, 'male');
  t.equal(out.entry[1].response.status, '204 No Content');
  t.equal((await call(app, { url: `/fhir/Patient?identifier=${FNR_SYSTEM}|${SYNTHETIC_FNR[1]}` })).json().total, 0);
});
