/**
 * Layer 2: literal references (https://hl7.org/fhir/R4/references.html#literal) and the reference sites the
 * router needs (existence checks, urn:uuid rewriting).
 */
import t from 'tap';
import { errors, observation, patient, schemaLevel as v } from './helpers.ts';

const withRef = (reference: string) => observation({ subject: { reference } });

t.test('accepted literal references: relative, versioned, absolute, urn:uuid, urn:oid (references.html#literal)', async (t) => {
  for (const ref of [
    'Patient/p1', 'Patient/A-z.0', 'Patient/p1/_history/2', 'http://example.org/fhir/Patient/1',
    'https://other.example/fhir/Patient/1/_history/3', 'urn:uuid:3f8a7d6e-1b2c-4d5e-8f90-1234567890ab',
    'urn:oid:2.16.578.1.12.4.1.4.1',
  ]) t.same(errors(v, withRef(ref)), [], ref);
});

t.test('a malformed reference is FHIR_REFERENCE_INVALID at its reference element', async (t) => {
  for (const [ref, why] of [
    ['Patient', /expected Type\/id/], ['Patient/', /not a valid id/], ['Patient/a_b', /not a valid id/],
    ['/Patient/1', /R4 resource type|expected Type\/id/], ['Patient/1/_history', /expected Type\/id/],
    ['Patient/1/history/2', /expected Type\/id/], ['Patient/1/_history/x_y', /version id/],
    ['ftp://example.org/Patient/1', /http or https/], ['urn:uuid:not-a-uuid', /urn:uuid/], ['Patient/1 ', /whitespace/],
  ] as const) {
    t.match(errors(v, withRef(ref)), [{ code: 'FHIR_REFERENCE_INVALID', expression: 'Observation.subject.reference', message: why }], ref);
  }
});

t.test('a relative reference must name an R4 resource type', async (t) => {
  t.same(errors(v, withRef('Foo/1')), [{
    code: 'FHIR_REFERENCE_INVALID', expression: 'Observation.subject.reference',
    message: "'Foo/1' is not a valid reference: 'Foo' is not an R4 resource type",
  }]);
  t.match(errors(v, withRef('Bot/1')), [{ code: 'FHIR_REFERENCE_INVALID' }]);
});

t.test('#id must name a contained resource; # alone is the container (references.html#contained, ref-1)', async (t) => {
  const contained = [{ resourceType: 'Practitioner', id: 'x' }];
  t.same(errors(v, observation({ contained, performer: [{ reference: '#x' }] })), []);
  t.same(errors(v, observation({ contained: [{ resourceType: 'Patient', id: 'p', link: [{ other: { reference: '#' }, type: 'seealso' }] }], subject: { reference: '#p' } })), []);
  t.same(errors(v, observation({ performer: [{ reference: '#x' }] })), [{
    code: 'FHIR_REFERENCE_INVALID', expression: 'Observation.performer[0].reference',
    message: "'#x' is not a valid reference: no contained resource has id 'x'",
  }]);
});

t.test('a contained resource resolves #id against its container; a Bundle entry against itself', async (t) => {
  const contained = [
    { resourceType: 'Practitioner', id: 'a' },
    { resourceType: 'PractitionerRole', id: 'b', practitioner: { reference: '#a' } },
  ];
  t.same(errors(v, observation({ contained, performer: [{ reference: '#b' }] })), []);
  const bundle = {
    resourceType: 'Bundle', type: 'collection',
    entry: [
      { fullUrl: 'http://example.org/Observation/1', resource: observation({ id: '1', contained: [{ resourceType: 'Practitioner', id: 'a' }], performer: [{ reference: '#a' }] }) },
      { fullUrl: 'http://example.org/Observation/2', resource: observation({ id: '2', performer: [{ reference: '#a' }] }) },
    ],
  };
  t.same(errors(v, bundle), [{
    code: 'FHIR_REFERENCE_INVALID', expression: 'Bundle.entry[1].resource.performer[0].reference',
    message: "'#a' is not a valid reference: no contained resource has id 'a'",
  }]);
});

t.test('conditional references only when allowConditionalReferences is passed (http.html#trules)', async (t) => {
  const ref = 'Patient?identifier=urn:oid:2.16.578.1.12.4.1.4.1|13031353453';
  t.match(errors(v, withRef(ref)), [{ code: 'FHIR_REFERENCE_INVALID', message: /only allowed in a transaction/ }]);
  t.same(errors(v, withRef(ref), { allowConditionalReferences: true }), []);
  t.match(errors(v, withRef('Foo?x=1'), { allowConditionalReferences: true }), [{ message: /'Foo' is not an R4 resource type/ }]);
  t.match(errors(v, withRef('Patient?'), { allowConditionalReferences: true }), [{ message: /needs search parameters/ }]);
});

t.test('only Reference.reference is a reference: Expression.reference and RelatedArtifact.resource are not', async (t) => {
  const plan = {
    resourceType: 'PlanDefinition', status: 'draft',
    action: [{ condition: [{ kind: 'applicability', expression: { language: 'text/fhirpath', expression: 'true', reference: 'http://example.org/x' } }] }],
    relatedArtifact: [{ type: 'citation', resource: 'http://example.org/Library/1' }],
  };
  const res = v.validate(plan);
  t.same(res.issues, []);
  t.same(res.references, []);
});

t.test('every reference site is returned with its FHIRPath, including contained and Bundle entries', async (t) => {
  const obs = observation({
    contained: [{ resourceType: 'PractitionerRole', id: 'r', organization: { reference: 'Organization/o' } }],
    encounter: { reference: 'urn:uuid:3f8a7d6e-1b2c-4d5e-8f90-1234567890ab' },
    performer: [{ reference: '#r' }, { display: 'no reference here' }],
    _status: { extension: [{ url: 'http://example.org/x', valueReference: { reference: 'Device/d' } }] },
  });
  const byPath = (a: { expression: string }, b: { expression: string }) => a.expression.localeCompare(b.expression);
  t.same(v.validate(obs).references.sort(byPath), [
    { reference: 'Organization/o', expression: 'Observation.contained[0].organization' },
    { reference: 'urn:uuid:3f8a7d6e-1b2c-4d5e-8f90-1234567890ab', expression: 'Observation.encounter' },
    { reference: '#r', expression: 'Observation.performer[0]' },
    { reference: 'Device/d', expression: 'Observation.status.extension[0].valueReference' },
    { reference: 'Patient/p1', expression: 'Observation.subject' },
  ]);
  const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 'urn:uuid:3f8a7d6e-1b2c-4d5e-8f90-1234567890ab', resource: patient({ id: undefined, generalPractitioner: [{ reference: 'Practitioner/1' }] }), request: { method: 'POST', url: 'Patient' } }] };
  t.same(v.validate(bundle).references, [{ reference: 'Practitioner/1', expression: 'Bundle.entry[0].resource.generalPractitioner[0]' }]);
});

t.test('assertValid returns the reference sites of a valid resource and throws with all errors otherwise', async (t) => {
  t.same(v.assertValid(observation()), [{ reference: 'Patient/p1', expression: 'Observation.subject' }]);
  const bad = observation({ subject: { reference: 'Foo/1' }, performer: [{ reference: '#x' }], status: 'done' });
  t.throws(() => v.assertValid(bad), { code: 'FHIR_STRUCTURE', status: 400 });
  try {
    v.assertValid(bad);
  } catch (e: any) {
    t.same(e.issues.map((i: any) => i.code).sort(), ['FHIR_REFERENCE_INVALID', 'FHIR_REFERENCE_INVALID', 'FHIR_STRUCTURE']);
  }
  try {
    v.assertValid(withRef('Foo/1'));
  } catch (e: any) {
    t.equal(e.code, 'FHIR_REFERENCE_INVALID');
    t.equal(e.message, "'Foo/1' is not a valid reference: 'Foo' is not an R4 resource type");
  }
});
