/**
 * $validate (https://hl7.org/fhir/R4/resource-operation-validate.html): 200 with an OperationOutcome whether
 * or not the resource is valid; 4xx only for a wrong request.
 */
import t from 'tap';
import { call, makeApp, patient } from './helpers.ts';

const severities = (res: { json: () => any }): string[] => res.json().issue.map((i: { severity: string }) => i.severity);
const codes = (res: { json: () => any }): string[] => res.json().issue.map((i: any) => i.details?.coding?.[0]?.code);

t.test('a valid resource: 200, one information issue; nothing is stored', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: patient() });
  t.equal(res.statusCode, 200);
  t.equal(res.json().resourceType, 'OperationOutcome');
  t.same(severities(res), ['information']);
  t.same(codes(res), ['FHIR_VALIDATION_OK']);
  const search = await call(app, { url: '/fhir/Patient?_summary=count' });
  t.equal(search.json().total, 0, 'validation writes nothing');
});

t.test('an invalid resource: still 200, with the errors a create would meet', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: patient({ gender: 42, birthDate: '1969-02-30' }) });
  t.equal(res.statusCode, 200);
  t.ok(severities(res).every((s) => s === 'error'));
  t.ok(res.json().issue.some((i: any) => i.expression?.[0] === 'Patient.gender'));
  t.ok(res.json().issue.some((i: any) => i.expression?.[0] === 'Patient.birthDate'));
});

t.test('a Parameters body with mode=create also checks that references resolve (the server setting)', async (t) => {
  const app = await makeApp(t);
  const obs = { resourceType: 'Observation', status: 'final', code: { text: 'Puls' }, subject: { reference: 'Patient/finnes-ikke' } };
  const params = (mode: string) => ({ resourceType: 'Parameters', parameter: [{ name: 'resource', resource: obs }, { name: 'mode', valueCode: mode }] });
  const create = await call(app, { method: 'POST', url: '/fhir/Observation/$validate', body: params('create') });
  t.equal(create.statusCode, 200);
  t.same(codes(create), ['FHIR_REFERENCE_NOT_FOUND']);
  const profile = await call(app, { method: 'POST', url: '/fhir/Observation/$validate', body: params('profile') });
  t.same(codes(profile), ['FHIR_VALIDATION_OK'], 'mode=profile checks content only');
});

t.test('instance level: update checks the id; delete takes no resource and needs the instance', async (t) => {
  const app = await makeApp(t);
  const created = await call(app, { method: 'PUT', url: '/fhir/Patient/pas-1', body: patient({ id: 'pas-1' }) });
  t.equal(created.statusCode, 201);
  const body = (mode: string, resource?: unknown) => ({ resourceType: 'Parameters', parameter: [...(resource ? [{ name: 'resource', resource }] : []), { name: 'mode', valueCode: mode }] });
  const ok = await call(app, { method: 'POST', url: '/fhir/Patient/pas-1/$validate', body: body('update', patient({ id: 'pas-1' })) });
  t.same(codes(ok), ['FHIR_VALIDATION_OK']);
  const wrongId = await call(app, { method: 'POST', url: '/fhir/Patient/pas-1/$validate', body: body('update', patient({ id: 'pas-2' })) });
  t.equal(wrongId.statusCode, 200);
  t.same(codes(wrongId), ['FHIR_ID_MISMATCH']);
  const del = await call(app, { method: 'POST', url: '/fhir/Patient/pas-1/$validate', body: body('delete') });
  t.same(codes(del), ['FHIR_VALIDATION_OK']);
  const gone = await call(app, { method: 'POST', url: '/fhir/Patient/pas-9/$validate', body: body('delete') });
  t.equal(gone.statusCode, 200);
  t.same(codes(gone), ['FHIR_NOT_FOUND']);
  const withResource = await call(app, { method: 'POST', url: '/fhir/Patient/pas-1/$validate', body: body('delete', patient({ id: 'pas-1' })) });
  t.equal(withResource.statusCode, 400, 'delete takes no resource');
});

t.test('profiles: unknown ones and known ones are warnings that say what was not checked', async (t) => {
  const app = await makeApp(t);
  const sd = { resourceType: 'StructureDefinition', url: 'http://helsebro.test/StructureDefinition/dms-patient', name: 'DmsPatient', status: 'draft', kind: 'resource', abstract: false, type: 'Patient', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient', derivation: 'constraint', differential: { element: [{ id: 'Patient.name', path: 'Patient.name', min: 1 }] } };
  t.equal((await call(app, { method: 'POST', url: '/fhir/StructureDefinition', body: sd })).statusCode, 201);
  const claims = patient({ meta: { profile: ['http://helsebro.test/StructureDefinition/dms-patient', 'http://example.org/ukjent'] } });
  const res = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: claims });
  t.equal(res.statusCode, 200);
  t.same(codes(res), ['FHIR_PROFILE_NOT_CHECKED', 'FHIR_PROFILE_UNKNOWN']);
  t.same(severities(res), ['warning', 'warning']);
});

t.test('a wrong request is 4xx', async (t) => {
  const app = await makeApp(t);
  t.equal((await call(app, { method: 'POST', url: '/fhir/Patient/$validate' })).statusCode, 400, 'no resource');
  t.equal((await call(app, { method: 'POST', url: '/fhir/Observation/$validate', body: patient() })).statusCode, 400, 'type mismatch');
  const badMode = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: patient() }, { name: 'mode', valueCode: 'upsert' }] } });
  t.equal(badMode.statusCode, 400);
  t.equal((await call(app, { method: 'POST', url: '/fhir/Patient/$nosuch', body: patient() })).statusCode, 404);
});

t.test('the CapabilityStatement lists $validate on every type', async (t) => {
  const app = await makeApp(t);
  const cs = (await call(app, { url: '/fhir/metadata' })).json();
  const patientOps = cs.rest[0].resource.find((r: any) => r.type === 'Patient').operation;
  t.same(patientOps, [{ name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' }]);
});
