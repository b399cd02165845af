/**
 * $validate (https://hl7.org/fhir/R4/resource-operation-validate.html): 200 with an OperationOutcome whether
 * or not the resource is valid; 4xx only for a wrong request.
 */
import t from 'tap';
import { call, makeApp, patient } from './helpers.ts';

const severities = (res: { json: () => any }): string[] => res.json().issue.map((i: { severity: string }) => i.severity);
const errorCodeOf = (res: { json: () => any }): string => res.json().issue[0].details.coding[0].code;
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

const dmsPatient = {
  resourceType: 'StructureDefinition', url: 'http://helsebro.test/StructureDefinition/dms-patient', name: 'DmsPatient', status: 'draft',
  kind: 'resource', abstract: false, type: 'Patient', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient', derivation: 'constraint',
  differential: { element: [
    { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' }, min: 1 },
    { id: 'Patient.identifier:FNR', path: 'Patient.identifier', sliceName: 'FNR', min: 1, max: '1' },
    { id: 'Patient.identifier:FNR.system', path: 'Patient.identifier.system', min: 1, fixedUri: 'urn:oid:2.16.578.1.12.4.1.4.1' },
    { id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 },
  ] },
};

t.test('profiles the server holds are checked (snapshot from the differential); unknown ones are warnings', async (t) => {
  const app = await makeApp(t);
  t.equal((await call(app, { method: 'POST', url: '/fhir/StructureDefinition', body: dmsPatient })).statusCode, 201);
  const claims = (extra: Record<string, unknown>) => patient({ meta: { profile: [dmsPatient.url, 'http://example.org/ukjent'] }, ...extra });
  const ok = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: claims({}) });
  t.equal(ok.statusCode, 200);
  t.same(codes(ok), ['FHIR_PROFILE_UNKNOWN']);
  t.same(severities(ok), ['warning']);
  // a D-nummer instead of a fødselsnummer (synthetic: day + 40), and no birthDate
  const bad = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: claims({ identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.2', value: '41018000200' }], birthDate: undefined }) });
  t.equal(bad.statusCode, 200);
  const issues = bad.json().issue.filter((i: any) => i.severity === 'error');
  t.same(issues.map((i: any) => i.details.coding[0].code), ['FHIR_PROFILE_VIOLATION', 'FHIR_PROFILE_VIOLATION']);
  t.match(issues.map((i: any) => i.diagnostics).join('\n'), /Patient\.birthDate: minimum required = 1, but only found 0/);
  t.match(issues.map((i: any) => i.diagnostics).join('\n'), /Patient\.identifier:FNR: minimum required = 1, but only found 0/);
});

t.test('the profile parameter and the R4 core profiles (bodyweight)', async (t) => {
  const app = await makeApp(t);
  const obs = { resourceType: 'Observation', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] }, subject: { reference: 'Patient/p1' }, effectiveDateTime: '2026-11-23T10:00:00+01:00',
    valueQuantity: { value: 72, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } };
  const params = { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: obs }, { name: 'profile', valueUri: 'http://hl7.org/fhir/StructureDefinition/bodyweight' }] };
  const res = await call(app, { method: 'POST', url: '/fhir/Observation/$validate', body: params });
  t.equal(res.statusCode, 200);
  t.ok(res.json().issue.some((i: any) => i.severity === 'error' && i.details.coding[0].code === 'FHIR_PROFILE_VIOLATION' && /Observation\.code\.coding:BodyWeightCode: minimum required = 1/.test(i.diagnostics)),
    'bodyweight asks for a coding LOINC 29463-7 in Observation.code (the BodyWeightCode slice, by system and code)');
});

t.test('profile enforcement on write: off by default, 422 when on, stated in the CapabilityStatement', async (t) => {
  const off = await makeApp(t);
  await call(off, { method: 'POST', url: '/fhir/StructureDefinition', body: dmsPatient });
  const claims = patient({ meta: { profile: [dmsPatient.url] }, birthDate: undefined });
  t.equal((await call(off, { method: 'POST', url: '/fhir/Patient', body: claims })).statusCode, 201, 'off: accepted');
  const on = await makeApp(t, { enforceProfiles: true });
  await call(on, { method: 'POST', url: '/fhir/StructureDefinition', body: dmsPatient });
  const refused = await call(on, { method: 'POST', url: '/fhir/Patient', body: claims });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().issue[0].details.coding[0].code, 'FHIR_PROFILE_VIOLATION');
  t.equal((await call(on, { method: 'POST', url: '/fhir/Patient', body: patient({ meta: { profile: [dmsPatient.url] } }) })).statusCode, 201, 'a conforming one is stored');
  t.equal((await call(on, { method: 'PUT', url: '/fhir/Patient/p9', body: { ...claims, id: 'p9' } })).statusCode, 422, 'update too');
  t.match((await call(on, { url: '/fhir/metadata' })).json().rest[0].documentation, /Profiles: a write must meet every profile in meta\.profile/);
  t.notMatch((await call(off, { url: '/fhir/metadata' })).json().rest[0].documentation, /Profiles:/);
});

t.test('$validate judges Coding.display and markdown (datatypes.html#Coding, #markdown); enforcement refuses only the error', async (t) => {
  const app = await makeApp(t);
  // v2 table 0131 (contact role): code C is displayed 'Emergency Contact', with a German and a Dutch designation
  const contact = (display: string) => patient({ contact: [{ relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'C', display }] }], name: { family: 'Nilsen' } }] });
  const wrong = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: contact('Nabo') });
  t.equal(wrong.statusCode, 200);
  t.same(codes(wrong), ['FHIR_DISPLAY_INVALID']);
  t.same([severities(wrong), wrong.json().issue[0].expression], [['error'], ['Patient.contact[0].relationship[0].coding[0].display']]);
  t.match(wrong.json().issue[0].diagnostics, /Wrong Display Name 'Nabo' for http:\/\/terminology\.hl7\.org\/CodeSystem\/v2-0131#C\. Valid display is one of 3 choices: 'Emergency Contact' or 'Ansprechpartner in Notfällen' \(de\) or 'Contact bij nood' \(nl\)/, 'the display and every designation are valid (no validation language)');
  t.same(codes(await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: contact('emergency  contact') })), ['FHIR_VALIDATION_OK'], 'compared ignoring case and runs of spaces');
  // Annotation.text is markdown: embedded HTML is a warning
  const obs = { resourceType: 'Observation', status: 'final', code: { text: 'Puls' }, note: [{ text: 'Målt <b>etter</b> hvile' }] };
  const html = await call(app, { method: 'POST', url: '/fhir/Observation/$validate', body: obs });
  t.same([codes(html), severities(html), html.json().issue[0].expression], [['FHIR_MARKDOWN_HTML'], ['warning'], ['Observation.note[0].text']]);
  const on = await makeApp(t, { enforceProfiles: true });
  t.equal((await call(on, { method: 'POST', url: '/fhir/Observation', body: obs })).statusCode, 201, 'a warning does not refuse the write');
  const refused = await call(on, { method: 'POST', url: '/fhir/Patient', body: contact('Nabo') });
  t.same([refused.statusCode, errorCodeOf(refused)], [422, 'FHIR_DISPLAY_INVALID']);
  t.equal((await call(app, { method: 'POST', url: '/fhir/Patient', body: contact('Nabo') })).statusCode, 201, 'without enforcement the write path does not run it');
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

t.test('a Norwegian identifier that breaks its rule: 422 on write, an error issue in $validate', async (t) => {
  const app = await makeApp(t);
  // 20036914712: Skatteetaten's own example of an invalid check digit (test-identifiers.csv)
  const bad = patient({ identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '20036914712' }] });
  const write = await call(app, { method: 'POST', url: '/fhir/Patient', body: bad });
  t.equal(write.statusCode, 422);
  t.same([codes(write)[0], write.json().issue[0].expression], ['FHIR_IDENTIFIER_INVALID', ['Patient.identifier[0]']]);
  const check = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: bad });
  t.equal(check.statusCode, 200);
  t.same(codes(check), ['FHIR_IDENTIFIER_INVALID']);
});
