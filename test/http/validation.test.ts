// The structure check on every write and referential integrity.
// Spec: https://hl7.org/fhir/R4/json.html , datatypes.html , references.html#literal
import t from 'tap';
import { call, errorCode, makeApp, patient } from './helpers.ts';

t.test('unknown elements, wrong types, impossible dates and malformed references are 400 naming the element', async (t) => {
  const app = await makeApp(t);
  const cases: [string, unknown, string, RegExp][] = [
    ['unknown element', patient({ favouriteColour: 'blue' }), 'FHIR_STRUCTURE', /favouriteColour/],
    ['wrong type', patient({ active: 'yes' }), 'FHIR_STRUCTURE', /Patient\.active/],
    ['impossible date', patient({ birthDate: '2023-02-31' }), 'FHIR_STRUCTURE', /Patient\.birthDate/],
    ['malformed id of a contained resource', patient({ contained: [{ resourceType: 'Practitioner', id: 'has space' }] }), 'FHIR_ID_INVALID', /Patient\.contained\[0\]\.id/],
    ['malformed reference', patient({ generalPractitioner: [{ reference: 'not a reference' }] }), 'FHIR_REFERENCE_INVALID', /Patient\.generalPractitioner\[0\]/],
  ];
  for (const [name, body, code, expr] of cases) {
    const res = await call(app, { method: 'PUT', url: '/fhir/Patient/p1', body: { ...(body as object), id: 'p1' } });
    t.equal(res.statusCode, 400, name);
    const codes = res.json().issue.map((i: any) => i.details?.coding?.[0]?.code);
    t.ok(codes.includes(code), `${name}: ${code} in ${codes}`);
    t.match(JSON.stringify(res.json().issue.map((i: any) => i.expression)), expr, `${name}: expression`);
  }
});

t.test('a reference to a resource that does not exist is 422 by default and allowed in lenient mode', async (t) => {
  const strict = await makeApp(t);
  const res = await call(strict, { method: 'POST', url: '/fhir/Patient', body: patient({ generalPractitioner: [{ reference: 'Practitioner/fastlege-404' }] }) });
  t.equal(res.statusCode, 422);
  t.equal(errorCode(res), 'FHIR_REFERENCE_NOT_FOUND');
  t.same(res.json().issue[0].expression, ['Patient.generalPractitioner[0]']);
  const gp = (await call(strict, { method: 'POST', url: '/fhir/Practitioner', body: { resourceType: 'Practitioner', name: [{ family: 'Lege' }] } })).json();
  const ok = await call(strict, { method: 'POST', url: '/fhir/Patient', body: patient({ generalPractitioner: [{ reference: `Practitioner/${gp.id}` }] }) });
  t.equal(ok.statusCode, 201, 'an existing target is accepted');
  const lenient = await makeApp(t, { referentialIntegrity: 'lenient' });
  const feed = await call(lenient, { method: 'POST', url: '/fhir/Patient', body: patient({ generalPractitioner: [{ reference: 'Practitioner/arrives-later' }] }) });
  t.equal(feed.statusCode, 201, 'feeds that arrive out of order are accepted in lenient mode');
});

t.test('at validation level full, cardinality is checked (Observation without status)', async (t) => {
  const app = await makeApp(t, { validation: 'full' });
  const res = await call(app, { method: 'POST', url: '/fhir/Observation', body: { resourceType: 'Observation', code: { text: 'Blodtrykk' } } });
  t.equal(res.statusCode, 400);
  t.match(JSON.stringify(res.json().issue), /status/);
});
