/**
 * Reference targets when the caller says what exists (ValidateOptions.referenceExists,
 * src/fhir/validation/reference-targets.ts), and contained resources left unvalidated (contained: 'ignore').
 * references.html#literal: a relative Type/id names a resource on the server; Parameters and Bundles carry
 * resources that refer to each other (parameters.html, bundle.html#references).
 */
import t from 'tap';
import { errors, schemaLevel as v } from './helpers.ts';

const coverage = (beneficiary: string) => ({ resourceType: 'Coverage', id: 'c1', status: 'active', beneficiary: { reference: beneficiary }, payor: [{ reference: '#payer' }], contained: [{ resourceType: 'Organization', id: 'payer', name: 'Helfo' }] });
const params = (beneficiary: string) => ({ resourceType: 'Parameters', parameter: [
  { name: 'MemberPatient', resource: { resourceType: 'Patient', id: '1' } },
  { name: 'CoverageToMatch', resource: coverage(beneficiary) },
] });
const none = () => false;
const run = (r: unknown, referenceExists?: (ref: string) => boolean) => v.validate(r, referenceExists ? { referenceExists } : {}).issues
  .filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.expression?.[0]}`);

t.test('without referenceExists nothing is looked up', async (t) => {
  t.same(run(params('Patient/2')), []);
});

t.test('a relative reference resolves inside the Parameters, or through referenceExists', async (t) => {
  t.same(run(params('Patient/1'), none), [], 'Patient/1 is sent alongside');
  t.same(run(params('Patient/2'), none), ['FHIR_REFERENCE_NOT_FOUND Parameters.parameter[1].resource.beneficiary']);
  t.same(run(params('Patient/2'), (ref) => ref === 'Patient/2'), [], 'the store has it');
  t.same(run(params('Patient/1/_history/3'), none), [], 'a versioned reference names the same resource');
});

t.test('local, absolute and Bundle-entry references are not looked up', async (t) => {
  t.same(run(coverage('https://fhir.helse.test/Patient/9'), none), []);
  t.same(run({ resourceType: 'Bundle', type: 'collection', entry: [
    { fullUrl: 'https://fhir.helse.test/Patient/7', resource: { resourceType: 'Patient', id: '7' } },
    { fullUrl: 'https://fhir.helse.test/Coverage/c1', resource: coverage('Patient/7') },
  ] }, none), []);
});

t.test("contained: 'ignore' leaves contained resources unvalidated", async (t) => {
  const bad = { resourceType: 'Condition', subject: { reference: 'Patient/1' }, contained: [{ resourceType: 'Practitioner', id: 'x'.repeat(65) }] };
  t.match(errors(v, bad), [{ code: 'FHIR_ID_INVALID', expression: 'Condition.contained[0].id' }]);
  t.same(v.validate(bad, { contained: 'ignore' }).issues.filter((i) => i.severity === 'error'), []);
  // the resource itself is still checked
  t.match(v.validate({ ...bad, id: 'y'.repeat(65) }, { contained: 'ignore' }).issues, [{ code: 'FHIR_ID_INVALID' }]);
});
