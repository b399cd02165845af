/**
 * Layer 1: the R4 JSON rules (https://hl7.org/fhir/R4/json.html) and primitive formats
 * (https://hl7.org/fhir/R4/datatypes.html), each with a valid and an invalid case.
 */
import t from 'tap';
import { ResourceValidator } from '../../../../src/fhir/validation/index.ts';
import { errors, observation, patient, schemaLevel as v } from './helpers.ts';

t.test('a well-formed Patient passes and has no issues (json.html)', async (t) => {
  t.same(v.validate(patient()).issues, []);
});

t.test('an unknown element is rejected with its path (json.html: unknown properties are errors)', async (t) => {
  t.same(errors(v, patient({ foo: 1 })), [{ code: 'FHIR_STRUCTURE', expression: 'Patient.foo', message: "Unknown element 'foo'" }]);
  t.match(errors(v, patient({ name: [{ family: 'N', givn: ['x'] }] })), [{ expression: 'Patient.name[0].givn' }]);
});

t.test('Medplum-only elements are unknown in R4 (Meta.project, Reference.resource)', async (t) => {
  t.match(errors(v, patient({ meta: { project: 'x' } })), [{ expression: 'Patient.meta.project' }]);
  t.match(errors(v, observation({ subject: { reference: 'Patient/1', resource: { resourceType: 'Patient' } } })),
    [{ expression: 'Observation.subject.resource' }]);
});

t.test('a string where a boolean belongs is a wrong JSON type (json.html#primitive)', async (t) => {
  t.same(errors(v, patient({ active: true })), []);
  t.same(errors(v, patient({ active: 'true' })), [{
    code: 'FHIR_STRUCTURE', expression: 'Patient.active', message: 'Expected a boolean (true or false), found a string (true)',
  }]);
  t.match(errors(v, patient({ name: 'Kari' })), [{ expression: 'Patient.name', message: /Expected an array of HumanName/ }]);
  t.match(errors(v, patient({ name: ['Kari'] })), [{ expression: 'Patient.name[0]', message: /Expected an object/ }]);
});

t.test('integers are JSON integers in range (datatypes.html#integer)', async (t) => {
  t.same(errors(v, patient({ multipleBirthInteger: 2 })), []);
  t.match(errors(v, patient({ multipleBirthInteger: 1.5 })), [{ expression: 'Patient.multipleBirthInteger' }]);
  t.match(errors(v, patient({ multipleBirthInteger: 2147483648 })), [{ message: /out of range/ }]);
});

t.test('Resource.id must match the id rule (datatypes.html#id, resource.html#id)', async (t) => {
  t.same(errors(v, patient({ id: 'A-z.09' })), []);
  t.same(errors(v, patient({ id: 'bad_id 1' })), [{
    code: 'FHIR_ID_INVALID', expression: 'Patient.id', message: "'bad_id 1' is not a valid FHIR id ([A-Za-z0-9-.]{1,64})",
  }]);
  t.match(errors(v, patient({ id: 'x'.repeat(65) })), [{ code: 'FHIR_ID_INVALID' }]);
});

t.test('dates must exist in the calendar (datatypes.html#date)', async (t) => {
  t.same(errors(v, patient({ birthDate: '2024-02-29' })), []);
  t.same(errors(v, patient({ birthDate: '2023-02-29' })), [{
    code: 'FHIR_STRUCTURE', expression: 'Patient.birthDate', message: "Invalid date '2023-02-29': 2023-02 has 28 days",
  }]);
  t.match(errors(v, patient({ birthDate: '2023-02-31' })), [{ expression: 'Patient.birthDate' }]);
  t.match(errors(v, patient({ deceasedDateTime: '2023-04-31T10:00:00Z' })), [{ message: /Invalid dateTime '2023-04-31/ }]);
  t.match(errors(v, patient({ birthDate: '2023-13-01' })), [{ message: /Invalid date '2023-13-01'/ }]);
});

t.test('an instant needs a timezone (datatypes.html#instant)', async (t) => {
  t.same(errors(v, observation({ issued: '2023-01-01T10:00:00Z' })), []);
  t.match(errors(v, observation({ issued: '2023-01-01T10:00:00' })), [{
    code: 'FHIR_STRUCTURE', expression: 'Observation.issued', message: /Invalid instant .*timezone/,
  }]);
  t.match(errors(v, observation({ effectiveDateTime: '2023-01-01T10:00' })), [{ expression: 'Observation.effectiveDateTime' }]);
});

t.test('a code outside a required binding is rejected (terminologies.html#required)', async (t) => {
  t.match(errors(v, patient({ gender: 'f' })), [{ expression: 'Patient.gender', message: /expected one of male \| female/ }]);
});

t.test('empty strings, arrays and objects are not allowed (json.html)', async (t) => {
  t.match(errors(v, patient({ name: [{ family: '' }] })), [{ expression: 'Patient.name[0].family', message: /Empty strings/ }]);
  t.match(errors(v, patient({ telecom: [] })), [{ expression: 'Patient.telecom', message: /Empty arrays/ }]);
  t.match(errors(v, patient({ maritalStatus: {} })), [{ expression: 'Patient.maritalStatus', message: /Empty objects/ }]);
  t.match(errors(v, patient({ implicitRules: '' })), [{ expression: 'Patient.implicitRules' }]);
});

t.test('text with a no-break space is a valid string (datatypes.html#string uses XML Schema \\s)', async (t) => {
  t.same(errors(v, patient({ name: [{ family: 'Nord\u00a0mann ' }] })), []);
});

t.test('primitive extensions in `_x` are accepted (json.html#primitive)', async (t) => {
  const ext = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1970-01-01T08:00:00+01:00' }] };
  t.same(errors(v, patient({ _birthDate: ext })), []);
  t.same(errors(v, patient({ birthDate: undefined, _birthDate: ext })), []);
  t.match(errors(v, patient({ _birthDate: { foo: 1 } })), [{ expression: 'Patient.birthDate.foo' }]);
  t.match(errors(v, patient({ _active: ext, _id: ext })), [{ expression: 'Patient._id', message: "Unknown element '_id'" }]);
});

t.test('null in a primitive array needs an extension at the same index (json.html#primitive)', async (t) => {
  const ext = { extension: [{ url: 'http://example.org/x', valueString: 'y' }] };
  t.same(errors(v, patient({ name: [{ given: [null, 'Eva'], _given: [ext, null] }] })), []);
  t.match(errors(v, patient({ name: [{ given: [null, 'Eva'] }] })), [{ expression: 'Patient.name[0].given[0]' }]);
  t.match(errors(v, patient({ name: [{ given: ['Eva'], _given: [null] }] })), []);
  t.match(errors(v, patient({ name: [{ _given: [null] }] })), [{ expression: 'Patient.name[0].given[0]' }]);
});

t.test('contained resources are validated as their own type, reported under contained[n] (references.html#contained)', async (t) => {
  const contained = [{ resourceType: 'Organization', id: 'o1', name: 'DMS' }];
  t.same(errors(v, patient({ contained, managingOrganization: { reference: '#o1' } })), []);
  t.same(errors(v, patient({ contained: [{ resourceType: 'Organization', id: 'o1', nme: 'DMS' }], managingOrganization: { reference: '#o1' } })), [
    { code: 'FHIR_STRUCTURE', expression: 'Patient.contained[0].nme', message: "Unknown element 'nme'" },
  ]);
  t.match(errors(v, patient({ contained: [{ resourceType: 'Organization', id: 'o_1' }] })), [{ code: 'FHIR_ID_INVALID', expression: 'Patient.contained[0].id' }]);
  t.match(errors(v, patient({ contained: [{ resourceType: 'Project', id: 'x' }] })), [{ expression: 'Patient.contained[0].resourceType' }]);
  t.match(errors(v, patient({ contained: [{ id: 'x' }] })), [{ message: /no resourceType/ }]);
});

t.test('Bundle entry resources are validated with their entry path (bundle.html)', async (t) => {
  const bundle = (resource: unknown) => ({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'http://example.org/Patient/p1', resource }] });
  t.same(errors(v, bundle(patient())), []);
  t.same(errors(v, bundle(patient({ active: 'yes' }))), [{
    code: 'FHIR_STRUCTURE', expression: 'Bundle.entry[0].resource.active', message: 'Expected a boolean (true or false), found a string (yes)',
  }]);
  const params = { resourceType: 'Parameters', parameter: [{ name: 'p', part: [{ name: 'q', resource: observation({ status: 'done' }) }] }] };
  t.match(errors(v, params), [{ expression: 'Parameters.parameter[0].part[0].resource.status' }]);
});

t.test('a body that is not an R4 resource is FHIR_NOT_A_RESOURCE (json.html#resources)', async (t) => {
  t.match(errors(v, [patient()]), [{ code: 'FHIR_NOT_A_RESOURCE', message: /expected a JSON object, found an array/ }]);
  t.match(errors(v, { id: 'x' }), [{ code: 'FHIR_NOT_A_RESOURCE', message: /no resourceType/ }]);
  t.match(errors(v, { resourceType: 'Bot' }), [{ code: 'FHIR_NOT_A_RESOURCE', expression: 'resourceType', message: /'Bot' is not an R4 resource type/ }]);
  t.equal(ResourceValidator.resourceTypes.size, 146);
  t.ok(ResourceValidator.resourceTypes.has('Patient'));
  t.notOk(ResourceValidator.resourceTypes.has('SubscriptionStatus'));
});

t.test('every error is reported, not only the first', async (t) => {
  const found = errors(v, patient({ id: 'a b', active: 'no', birthDate: '2023-02-30', foo: 1 }));
  t.same(found.map((f) => f.expression).sort(), ['Patient.active', 'Patient.birthDate', 'Patient.foo', 'Patient.id']);
});

t.test('a resource nested beyond the stack is an error, not a crash', async (t) => {
  let b: unknown = patient();
  for (let i = 0; i < 20000; i++) b = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: b }] };
  t.match(errors(v, b), [{ code: 'FHIR_STRUCTURE', message: /too deeply nested/ }]);
});

t.test('base64Binary: R4 alphabet in groups of four, whitespace allowed; large values stay linear (datatypes.html#base64Binary)', async (t) => {
  const binary = (data: string) => ({ resourceType: 'Binary', contentType: 'text/plain', data });
  t.same(errors(v, binary('QUFB QUFB\nQUE=')), []);
  t.match(errors(v, binary('%%%2@()()')), [{ expression: 'Binary.data' }]);
  const started = performance.now();
  t.same(errors(v, binary('QUFB'.repeat(1_000_000))), []);
  t.match(errors(v, binary(`${'QUFB '.repeat(200_000)}!`)), [{ expression: 'Binary.data' }]);
  t.ok(performance.now() - started < 2000, 'linear time');
});
