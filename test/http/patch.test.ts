// patch with JSON Patch and FHIRPath Patch. Spec: https://hl7.org/fhir/R4/http.html#patch ,
// https://hl7.org/fhir/R4/fhirpatch.html , RFC 6902
import t from 'tap';
import { call, errorCode, makeApp, patient } from './helpers.ts';

const JSON_PATCH = { 'content-type': 'application/json-patch+json' };

t.test('JSON Patch replaces an element and makes a new version', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
  const res = await call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, headers: JSON_PATCH, body: [{ op: 'replace', path: '/gender', value: 'male' }] });
  t.equal(res.statusCode, 200);
  t.equal(res.json().gender, 'male');
  t.equal(res.json().meta.versionId, '2');
});

t.test('a failed JSON Patch test is 422; a malformed patch is 400; a patch that breaks the structure is 400', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
  const failed = await call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, headers: JSON_PATCH, body: [{ op: 'test', path: '/gender', value: 'male' }, { op: 'remove', path: '/name' }] });
  t.equal(failed.statusCode, 422);
  t.equal(errorCode(failed), 'FHIR_PATCH_FAILED');
  const malformed = await call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, headers: JSON_PATCH, body: [{ op: 'frobnicate', path: '/gender' }] });
  t.equal(malformed.statusCode, 400);
  t.equal(errorCode(malformed), 'FHIR_PATCH_INVALID');
  const broken = await call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, headers: JSON_PATCH, body: [{ op: 'add', path: '/favouriteColour', value: 'blue' }] });
  t.equal(broken.statusCode, 400);
  t.equal(errorCode(broken), 'FHIR_STRUCTURE');
  const idChange = await call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, headers: JSON_PATCH, body: [{ op: 'replace', path: '/id', value: 'other' }] });
  t.equal(idChange.statusCode, 400);
  t.equal(errorCode(idChange), 'FHIR_ID_MISMATCH');
  t.equal((await call(app, { url: `/fhir/Patient/${id}` })).json().meta.versionId, '1', 'no failed patch wrote a version');
  t.equal((await call(app, { method: 'PATCH', url: '/fhir/Patient/none', headers: JSON_PATCH, body: [] })).statusCode, 404);
});

t.test('PATCH honours If-Match', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
  const res = await call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, headers: { ...JSON_PATCH, 'if-match': 'W/"7"' }, body: [{ op: 'replace', path: '/gender', value: 'male' }] });
  t.equal(res.statusCode, 412);
});

t.test('FHIRPath Patch: add, replace with where(), insert, move and delete', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, {
    method: 'POST', url: '/fhir/Patient',
    body: patient({ telecom: [{ system: 'phone', value: '11111111' }, { system: 'email', value: 'a@example.org' }] }),
  })).json().id;
  const op = (parts: any[]) => ({ name: 'operation', part: parts });
  const body = {
    resourceType: 'Parameters',
    parameter: [
      op([{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: "Patient.telecom.where(system = 'phone').value" }, { name: 'value', valueString: '22222222' }]),
      op([{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'active' }, { name: 'value', valueBoolean: true }]),
      op([{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'address' }, { name: 'value', part: [{ name: 'city', valueString: 'Tromsø' }] }]),
      op([{ name: 'type', valueCode: 'insert' }, { name: 'path', valueString: 'Patient.name[0].given' }, { name: 'index', valueInteger: 0 }, { name: 'value', valueString: 'Kari' }]),
      op([{ name: 'type', valueCode: 'move' }, { name: 'path', valueString: 'Patient.telecom' }, { name: 'source', valueInteger: 1 }, { name: 'destination', valueInteger: 0 }]),
      op([{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: 'Patient.birthDate' }]),
    ],
  };
  const res = await call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, body });
  t.equal(res.statusCode, 200, res.body);
  const p = res.json();
  t.same(p.telecom, [{ system: 'email', value: 'a@example.org' }, { system: 'phone', value: '22222222' }]);
  t.equal(p.active, true, 'a 0..1 element is added as a value');
  t.same(p.address, [{ city: 'Tromsø' }], 'a 0..* element is added as an array');
  t.same(p.name[0].given, ['Kari', 'Åse']);
  t.notOk(p.birthDate);
});

t.test('FHIRPath Patch errors: a path matching several elements, an unsupported function', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ telecom: [{ system: 'phone', value: '1' }, { system: 'phone', value: '2' }] }) })).json().id;
  const one = (path: string) => ({ resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: path }, { name: 'value', valueString: 'x' }] }] });
  const many = await call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, body: one('Patient.telecom.value') });
  t.equal(many.statusCode, 422);
  t.equal(errorCode(many), 'FHIR_PATCH_FAILED');
  const fn = await call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, body: one('Patient.telecom.descendants()') });
  t.equal(fn.statusCode, 400);
  t.equal(errorCode(fn), 'FHIR_PATCH_INVALID');
});

t.test('concurrent patches without If-Match are all applied: none overwrites another unseen', async (t) => {
  for (const store of [{ kind: 'memory' as const }, { kind: 'sqlite' as const, file: ':memory:' }]) {
    const app = await makeApp(t, { store });
    const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
    const given = ['Per', 'Pål', 'Espen', 'Kari'];
    const results = await Promise.all(given.map((g) => call(app, { method: 'PATCH', url: `/fhir/Patient/${id}`, headers: JSON_PATCH, body: [{ op: 'add', path: '/name/0/given/-', value: g }] })));
    t.same(results.map((r) => r.statusCode), [200, 200, 200, 200], store.kind);
    const final = (await call(app, { url: `/fhir/Patient/${id}` })).json();
    t.same([...final.name[0].given].sort(), ['Espen', 'Kari', 'Per', 'Pål', 'Åse'].sort(), `${store.kind}: every given name is there`);
    t.equal(final.meta.versionId, '5');
  }
});
