/**
 * The FHIRPath facade (src/fhir/fhirpath.ts). Expected values come from the FHIRPath N1 specification and
 * FHIR R4's fhirpath.html (variables), not from the engine's own output; the whole official suite runs in
 * `npm run conformance:fhirpath`.
 */
import t from 'tap';
import { compileFhirPath, evalFhirPath, fhirPathTypes, plainValues } from '../../../src/fhir/fhirpath.ts';

const patient = {
  resourceType: 'Patient',
  id: 'pas-1',
  name: [{ family: 'Nordmann', given: ['Kari', 'Eva'] }, { family: 'Ås' }],
  gender: 'female',
  birthDate: '1974-12-25',
};

t.test('navigation keeps document order (N1 §5: collections are ordered)', async (t) => {
  t.same(plainValues(evalFhirPath('Patient.name.given', patient)), ['Kari', 'Eva']);
  t.same(plainValues(evalFhirPath('name.family', patient)), ['Nordmann', 'Ås']);
});

t.test('descendants() walks every node (ele-1 depends on it)', async (t) => {
  // name[0], its family and two givens, name[1] and its family: 6 nodes; plus gender, birthDate and id: 9
  t.same(plainValues(evalFhirPath('descendants().count()', patient)), [9]);
  t.same(plainValues(evalFhirPath("descendants().where($this = 'Eva').exists()", patient)), [true]);
});

t.test('date arithmetic by calendar units (N1 §6.6.1)', async (t) => {
  t.same(plainValues(evalFhirPath('@1973-12-25 + 1 day', undefined)), ['1973-12-26']);
  t.same(plainValues(evalFhirPath('birthDate + 1 year', patient)), ['1975-12-25']);
});

t.test('result types: FHIR element types and System literal types', async (t) => {
  t.same(fhirPathTypes(evalFhirPath('birthDate', patient)), ['FHIR.date']);
  t.same(fhirPathTypes(evalFhirPath('gender', patient)), ['FHIR.code']);
  t.same(fhirPathTypes(evalFhirPath('1 + 1', undefined)), ['System.Integer']);
});

t.test('FHIR R4 variables (fhirpath.html#variables)', async (t) => {
  t.same(plainValues(evalFhirPath('%`vs-administrative-gender`', patient)), ['http://hl7.org/fhir/ValueSet/administrative-gender']);
  t.same(plainValues(evalFhirPath('%`ext-patient-birthTime`', patient)), ['http://hl7.org/fhir/StructureDefinition/patient-birthTime']);
  t.same(plainValues(evalFhirPath('%sct', undefined)), ['http://snomed.info/sct']);
  t.same(plainValues(evalFhirPath('%loinc', undefined)), ['http://loinc.org']);
  t.same(plainValues(evalFhirPath('%ucum', undefined)), ['http://unitsofmeasure.org']);
  t.throws(() => evalFhirPath('%nosuchvariable', patient), 'an unknown variable is an error, not an empty result');
});

t.test('%resource is the input resource unless the caller passes one', async (t) => {
  t.same(plainValues(evalFhirPath('%resource.gender', patient)), ['female']);
  t.same(plainValues(evalFhirPath('%rootResource.id', patient)), ['pas-1']);
  const other = { resourceType: 'Patient', gender: 'male' };
  t.same(plainValues(compileFhirPath('%resource.gender')(patient, { resource: other })), ['male']);
});

t.test('a base path types a partial input', async (t) => {
  // A HumanName on its own: with the base the engine knows `given` is a FHIR string
  const fn = compileFhirPath('given', 'Patient.name');
  t.same(fhirPathTypes(fn(patient.name[0])), ['FHIR.string', 'FHIR.string']);
});

t.test('compiled once per expression and base', async (t) => {
  t.equal(compileFhirPath('name.given.first()'), compileFhirPath('name.given.first()'));
  t.not(compileFhirPath('given', 'Patient.name'), compileFhirPath('given'));
});

t.test('a syntax error is thrown at compile time', async (t) => {
  t.throws(() => compileFhirPath('2 + 2 /'));
  t.throws(() => compileFhirPath('2 + 2 /* not finished'));
});

t.test('date arithmetic keeps the operand offset and precision (N1 §6.6.1; tests testPlusDate3, testPlusDate5)', async (t) => {
  t.same(plainValues(evalFhirPath('@1973-12-25T00:00:00.000+10:00 + 7 days', undefined)), ['1974-01-01T00:00:00.000+10:00']);
  t.same(plainValues(evalFhirPath('@1973-12-25T00:00:00.000+10:00 + 1 second', undefined)), ['1973-12-25T00:00:01.000+10:00']);
  t.same(plainValues(evalFhirPath('@2024-03-01T23:30Z - 1 hour', undefined)), ['2024-03-01T22:30Z']);
  // Norwegian summer time offset, across midnight
  t.same(plainValues(evalFhirPath('@2024-06-30T23:00:00+02:00 + 2 hours', undefined)), ['2024-07-01T01:00:00+02:00']);
});

t.test('precision() (N1 §5.11; tests PrecisionYear, PrecisionTimeMinutes, PrecisionDateTimeMilliseconds)', async (t) => {
  t.same(plainValues(evalFhirPath('@2014.precision()', undefined)), [4]);
  t.same(plainValues(evalFhirPath('@T10:30.precision()', undefined)), [4]);
  t.same(plainValues(evalFhirPath('@2014-01-05T10:30:00.000.precision()', undefined)), [17]);
});

t.test('conformsTo() on the base definitions (tests testConformsTo1-3)', async (t) => {
  t.same(plainValues(evalFhirPath("conformsTo('http://hl7.org/fhir/StructureDefinition/Patient')", patient)), [true]);
  t.same(plainValues(evalFhirPath("conformsTo('http://hl7.org/fhir/StructureDefinition/Person')", patient)), [false]);
  t.same(plainValues(evalFhirPath("conformsTo('http://hl7.org/fhir/StructureDefinition/DomainResource')", patient)), [true]);
  t.throws(() => evalFhirPath("conformsTo('http://trash')", patient));
});

t.test('iif() takes one Boolean criterion on at most one input item (N1 §5.5.1; testIif6, testIif10, testCollectionBoolean1)', async (t) => {
  t.same(plainValues(evalFhirPath("iif(gender = 'female', 'k', 'm')", patient)), ['k']);
  t.same(plainValues(evalFhirPath("iif({}, 'yes', 'no')", patient)), ['no'], 'an empty criterion is false');
  t.same(plainValues(evalFhirPath("iif(false, 'yes')", patient)), [], 'no otherwise-result: empty');
  t.throws(() => evalFhirPath('iif(1 | 2 | 3, true, false)', patient));
  t.throws(() => evalFhirPath("iif('non boolean criteria', 'a', 'b')", patient));
  t.throws(() => evalFhirPath("('item1' | 'item2').iif(true, 'a', 'b')", patient));
});

t.test('quantity equivalence at the precision of the coarser operand (N1 §6.1.2; testQuantity4)', async (t) => {
  t.same(plainValues(evalFhirPath("4 'g' ~ 4040 'mg'", undefined)), [true]);
  t.same(plainValues(evalFhirPath("4040 'mg' ~ 4 'g'", undefined)), [true]);
  t.same(plainValues(evalFhirPath("4 'g' ~ 4600 'mg'", undefined)), [false], '4.6 g is 5 g at the precision of 4 g');
  t.same(plainValues(evalFhirPath("4 'g' ~ 4 'm'", undefined)), [false], 'different dimensions');
});

t.test('a dateTime with an offset and one without compare as empty (N1 §6.1.1; testEquality23)', async (t) => {
  t.same(plainValues(evalFhirPath('@2012-04-15T15:00:00Z = @2012-04-15T10:00:00', undefined)), []);
  t.same(plainValues(evalFhirPath('@2012-04-15T15:00:00Z = @2012-04-15T17:00:00+02:00', undefined)), [true]);
});
