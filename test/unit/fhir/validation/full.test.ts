/**
 * Layer 3 ('full'): cardinality, choice types and invariants from the R4 StructureDefinitions
 * (https://hl7.org/fhir/R4/conformance-rules.html), with the Medplum issues we drop or re-grade.
 */
import t from 'tap';
import { ResourceValidator } from '../../../../src/fhir/validation/index.ts';
import { errors, fullLevel as full, observation, patient, schemaLevel } from './helpers.ts';

t.test('the default level is full', async (t) => {
  t.equal(new ResourceValidator().level, 'full');
});

t.test('warmUp compiles the named types and indexes the definitions ahead of the first request', async (t) => {
  const times = ResourceValidator.warmUp(['Patient', 'Observation', 'Encounter']);
  t.ok(times.schemaLoadMs > 0 && times.compileMs >= 0 && times.indexMs > 0, JSON.stringify(times));
  t.throws(() => ResourceValidator.warmUp(['Bot'], 'schema'));
});

t.test('a missing 1..1 element is a cardinality error at full only (Observation.status is 1..1)', async (t) => {
  t.same(errors(full, observation()), []);
  const noStatus = observation({ status: undefined });
  t.same(errors(schemaLevel, noStatus), []);
  t.same(errors(full, noStatus), [{ code: 'FHIR_STRUCTURE', expression: 'Observation.status', message: "Missing required element 'status'" }]);
});

t.test('a schema-required element is reported by layer 1 at both levels (Observation.code)', async (t) => {
  for (const v of [schemaLevel, full]) {
    t.same(errors(v, observation({ code: undefined })), [{ code: 'FHIR_STRUCTURE', expression: 'Observation.code', message: "Missing required element 'code'" }]);
  }
});

t.test('a failed invariant is FHIR_INVARIANT with its key (obs-6, pat-1)', async (t) => {
  t.same(errors(full, observation({ valueString: '72' })), []);
  t.same(errors(full, observation({ valueString: '72', dataAbsentReason: { text: 'n/a' } })), [{
    code: 'FHIR_INVARIANT', expression: 'Observation',
    message: 'Constraint obs-6 not met: dataAbsentReason SHALL only be present if Observation.value[x] is not present',
  }]);
  t.match(errors(full, patient({ contact: [{ gender: 'male' }] })), [{ code: 'FHIR_INVARIANT', expression: 'Patient.contact[0]', message: /pat-1/ }]);
  t.match(errors(full, patient({ contact: [{ name: { family: 'N' } }] })), []);
});

t.test('two choices of one element are an error, not Medplum\'s warning (json.html#choice)', async (t) => {
  t.same(errors(full, patient({ deceasedBoolean: true })), []);
  t.match(errors(full, patient({ deceasedBoolean: true, deceasedDateTime: '2020-01-01' })), [{
    code: 'FHIR_STRUCTURE', expression: 'Patient.deceasedDateTime', message: /Conflicting choice/,
  }]);
});

t.test('contained and Bundle entry resources are checked at full too', async (t) => {
  const referenced = { extension: [{ url: 'http://helsebro.test/x', valueReference: { reference: '#o' } }] };
  t.match(errors(full, patient({ ...referenced, contained: [observation({ id: 'o', status: undefined })] })), [{ expression: 'Patient.contained[0].status' }]);
  const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 'urn:uuid:3f8a7d6e-1b2c-4d5e-8f90-1234567890ab', resource: observation(), request: { method: 'POST', url: 'Observation' } }] };
  t.same(errors(full, bundle), []);
  const noRequest = { ...bundle, entry: [{ ...bundle.entry[0], request: undefined }] };
  t.match(errors(full, noRequest), [{ code: 'FHIR_INVARIANT', message: /bdl-3/ }]);
});

t.test('dom-3: a contained resource is referred to from the resource, its narrative, or refers to its container', async (t) => {
  const o = observation({ id: 'o' });
  t.match(errors(full, patient({ contained: [o] })), [{ code: 'FHIR_INVARIANT', expression: 'Patient', message: /^Constraint dom-3 not met/ }]);
  t.same(errors(full, patient({ contained: [o], extension: [{ url: 'http://helsebro.test/x', valueReference: { reference: '#o' } }] })), []);
  const div = '<div xmlns="http://www.w3.org/1999/xhtml"><a href="#o">the observation</a></div>';
  t.same(errors(full, patient({ contained: [o], text: { status: 'generated', div } })), []);
  t.same(errors(full, patient({ contained: [observation({ id: 'o', subject: { reference: '#' } })] })), []);
});

t.test('bdl-3, bdl-4, bdl-7 (natively) and bdl-8 (the FHIRPath fast path) as the R4 text reads them', async (t) => {
  const entry = (n: number, extra: Record<string, unknown> = {}) => ({ fullUrl: `http://helsebro.test/fhir/Observation/${n}`, resource: observation({ id: String(n) }), ...extra });
  const collection = { resourceType: 'Bundle', type: 'collection' };
  t.same(errors(full, { ...collection, entry: [entry(1), entry(2)] }), []);
  t.match(errors(full, { ...collection, entry: [entry(1), entry(1)] }), [{ message: /bdl-7/ }]);
  t.match(errors(full, { ...collection, entry: [entry(1, { request: { method: 'POST', url: 'Observation' } })] }), [{ message: /bdl-3/ }]);
  t.match(errors(full, { ...collection, entry: [entry(1, { response: { status: '201' } })] }), [{ message: /bdl-4/ }]);
  t.match(errors(full, { ...collection, entry: [{ ...entry(1), fullUrl: 'http://helsebro.test/fhir/Observation/1/_history/1' }] }), [{ message: /bdl-8/ }]);
});

t.test('layer 3 runs only when layers 1 and 2 found no error (one round of issues, not two)', async (t) => {
  t.same(errors(full, observation({ status: undefined, foo: 1 })), [{ code: 'FHIR_STRUCTURE', expression: 'Observation.foo', message: "Unknown element 'foo'" }]);
});

t.test('suppressed: valid R4 elements Medplum\'s altered definitions do not know (EvidenceVariable.characteristic)', async (t) => {
  const ev = {
    resourceType: 'EvidenceVariable', status: 'active',
    characteristic: [{ definitionCodeableConcept: { text: 'smoker' }, participantEffectiveDateTime: '2020-01-01', timeFromStart: { value: 1, unit: 'a' } }],
  };
  t.same(errors(full, ev), []);
});

t.test('suppressed: whitespace-only strings and >1 MB base64 are not rejected (R4 string regex; HTTP limits size)', async (t) => {
  t.same(errors(full, patient({ name: [{ text: ' ' }] })), []);
  t.same(errors(full, { resourceType: 'Binary', contentType: 'application/octet-stream', data: 'QUFB'.repeat(400_000) }), []);
});

t.test('warnings are returned but never thrown (reference target type is only a warning)', async (t) => {
  const obs = observation({ subject: { reference: 'Medication/m' } });
  const res = full.validate(obs);
  t.ok(res.issues.length > 0 && res.issues.every((i) => i.severity === 'warning'), JSON.stringify(res.issues));
  t.same(full.assertValid(obs), [{ reference: 'Medication/m', expression: 'Observation.subject' }]);
});

t.test('assertValid at full throws every error with the first one\'s code', async (t) => {
  const bad = observation({ status: undefined, valueString: 'x', dataAbsentReason: { text: 'n/a' } });
  try {
    full.assertValid(bad);
    t.fail('should throw');
  } catch (e: any) {
    t.equal(e.name, 'FhirError');
    t.equal(e.code, e.issues[0].code);
    t.same(e.issues.map((i: any) => i.code).sort(), ['FHIR_INVARIANT', 'FHIR_STRUCTURE']);
    t.ok(e.issues.every((i: any) => i.severity === 'error'));
  }
});
