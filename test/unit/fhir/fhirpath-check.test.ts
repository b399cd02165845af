/**
 * The semantic check of FHIRPath expressions against the R4 model (src/fhir/fhirpath-check.ts). Cases from
 * the official R4 FHIRPath suite's semantic tests (testSimpleFail, testSimpleWithWrongContext,
 * testPolymorphismB, testPolymorphismAsB, testPolymorphicsB, testDollarOrderNotAllowed), and valid paths of
 * the R4 definitions (Patient, Observation, HumanName, Period) that must never be reported.
 */
import t from 'tap';
import { checkFhirPath } from '../../../src/fhir/fhirpath-check.ts';

t.test('valid R4 paths are not reported', async (t) => {
  for (const [expr, type] of [
    ['Patient.name.given', 'Patient'],
    ['name.where(use = \'official\').family', 'Patient'],
    ['Patient.contact.name.family', 'Patient'],
    ['birthDate.extension.url', 'Patient'],
    ['Patient.meta.profile', 'Patient'],
    ['contained.id', 'Patient'],
    ['Observation.value.ofType(Quantity).unit', 'Observation'],
    ['(Observation.value as Period).start', 'Observation'],
    ['Observation.component.value.ofType(CodeableConcept).coding.code', 'Observation'],
    ['Bundle.entry.resource', 'Bundle'],
    ['name.take(2).given ~ name.take(2).last().given | name.take(2).first().given', 'Patient'],
    ['Patient.name.sort(-family, -given.first()).first().use', 'Patient'],
    ['%resource.id', 'Patient'],
    ['Patient.children().skip(1)', 'Patient'],
  ] as const) t.same(checkFhirPath(expr, type), [], expr);
});

t.test('an element that cannot exist is reported', async (t) => {
  t.match(checkFhirPath('name.given1', 'Patient'), [/HumanName\.given1/]);
  t.match(checkFhirPath('(Observation.value as Period).unit', 'Observation'), [/Period\.unit/]);
  t.match(checkFhirPath('Patient.contact.nam', 'Patient'), [/Patient\.contact\.nam/]);
});

t.test('a root type other than the context type is reported', async (t) => {
  t.match(checkFhirPath('Encounter.name.given', 'Patient'), [/Encounter.*Patient/]);
});

t.test('a concrete choice name is reported (R4 has no valueQuantity path)', async (t) => {
  t.match(checkFhirPath('Observation.valueQuantity.unit', 'Observation'), [/value\.ofType/]);
  t.match(checkFhirPath('Observation.valueQuantity.exists()', 'Observation'), [/valueQuantity/]);
});

t.test('order-dependent functions on unordered input, when asked', async (t) => {
  t.match(checkFhirPath('Patient.children().skip(1)', 'Patient', { orderedFunctions: true }), [/skip\(\)/]);
  t.same(checkFhirPath('Patient.name.skip(1)', 'Patient', { orderedFunctions: true }), []);
});

t.test('a syntax error is reported, not thrown', async (t) => {
  t.match(checkFhirPath('2 + 2 /', 'Patient'), [/^syntax/]);
});
