/**
 * QuestionnaireResponse answers against item extensions and terminology (src/fhir/validation/questionnaire.ts
 * and ./questionnaire-answers.ts): SDC min/maxQuantity, questionnaire-unitOption and -unitValueSet,
 * questionnaire-referenceResource, questionnaire-optionExclusive, answerValueSet codes and displays, SDC
 * enableWhenExpression, and the type of the resource QuestionnaireResponse.questionnaire names. Synthetic forms.
 */
import type { CodeSystem, Questionnaire, QuestionnaireItem, QuestionnaireResponse, ValueSet } from '@medplum/fhirtypes';
import t from 'tap';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { validateQuestionnaireResponse } from '../../../../src/fhir/validation/questionnaire.ts';

const UCUM = 'http://unitsofmeasure.org';
const CORE = 'http://hl7.org/fhir/StructureDefinition/';
const SDC = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/';
const cs: CodeSystem = { resourceType: 'CodeSystem', url: 'http://helsebro.test/CodeSystem/bosted', status: 'active', content: 'complete',
  concept: [{ code: 'hjemme', display: 'Hjemme' }, { code: 'sykehjem', display: 'Sykehjem', designation: [{ language: 'en', value: 'Nursing home' }] }] };
const vs: ValueSet = { resourceType: 'ValueSet', url: 'http://helsebro.test/ValueSet/bosted', status: 'active', compose: { include: [{ system: cs.url }] } };

/** The messages of the answers given to one item */
function check(item: QuestionnaireItem, answer: NonNullable<QuestionnaireResponse['item']>[number]['answer'], opts = {}): string[] {
  const q: Questionnaire = { resourceType: 'Questionnaire', url: 'http://helsebro.test/Questionnaire/svar', status: 'active', item: [{ repeats: true, ...item }] };
  const qr: QuestionnaireResponse = { resourceType: 'QuestionnaireResponse', questionnaire: q.url, status: 'completed', item: [{ linkId: 'q', answer }] };
  return validateQuestionnaireResponse(qr, definitionsWith([q, cs, vs]), opts).filter((i) => i.severity === 'error').map((i) => i.message);
}

t.test('SDC min/maxQuantity: compared in the same units, or after UCUM conversion', async (t) => {
  const min = (value: number, system: string, code: string): QuestionnaireItem => ({ linkId: 'q', type: 'quantity', extension: [{ url: `${SDC}sdc-questionnaire-minQuantity`, valueQuantity: { value, system, code } }] });
  t.same(check(min(5, UCUM, 'kg'), [{ valueQuantity: { value: 5, system: UCUM, code: 'kg' } }]), [], 'the minimum itself is allowed');
  t.same(check(min(5, UCUM, 'kg'), [{ valueQuantity: { value: 4, system: UCUM, code: 'kg' } }]), ['The quantity 4 (UCUM#kg) is less than the allowed minimum of 5 (UCUM#kg)']);
  t.same(check(min(2, 'http://helsebro.test/enheter', 'pakke'), [{ valueQuantity: { value: 3, system: 'http://helsebro.test/enheter', code: 'pakke' } }]), [],
    'the same non-UCUM unit compares directly');
  t.same(check(min(1, UCUM, 'km'), [{ valueQuantity: { value: 900, system: UCUM, code: 'm' } }]), ['The quantity 900 (UCUM#m) is less than the allowed minimum of 1 (UCUM#km)']);
  t.same(check(min(1, UCUM, 'km'), [{ valueQuantity: { value: 2, system: UCUM, code: 'kg' } }]), ['The quantity 2 (UCUM#kg) cannot be compared to the allowed minimum of 1 (UCUM#km)'],
    'kilograms and kilometres have different dimensions');
});

t.test('questionnaire-unitOption and questionnaire-unitValueSet', async (t) => {
  const options: QuestionnaireItem = { linkId: 'q', type: 'quantity', extension: [
    { url: `${CORE}questionnaire-unitOption`, valueCoding: { system: UCUM, code: 'mg', display: 'milligram' } },
    { url: `${CORE}questionnaire-unitOption`, valueCoding: { system: UCUM, code: 'g' } }] };
  t.same(check(options, [{ valueQuantity: { value: 5, unit: 'mg', system: UCUM, code: 'mg' } }, { valueQuantity: { value: 1, system: UCUM, code: 'g' } }]), [],
    'matched on system and code; the unit text is free');
  t.same(check(options, [{ valueQuantity: { value: 5, system: UCUM, code: 'kg' } }]), ['The value 5 (UCUM#kg) has a unit that is not valid (allowed = milligram (UCUM#mg), (UCUM#g))']);
  // jurisdiction includes ISO 3166 (not held here) and UN M49: a UCUM unit cannot be in it, an ISO code may be
  const units: QuestionnaireItem = { linkId: 'q', type: 'quantity', extension: [{ url: `${CORE}questionnaire-unitValueSet`, valueCanonical: 'http://hl7.org/fhir/ValueSet/jurisdiction' }] };
  t.same(check(units, [{ valueQuantity: { value: 1, system: 'urn:iso:std:iso:3166', code: 'NO' } }]), [], 'not decidable here: not judged');
  t.same(check(units, [{ valueQuantity: { value: 1, system: UCUM, code: 'km' } }]), ["The value 1 (UCUM#km) has a unit that is not in the unit value set 'http://hl7.org/fhir/ValueSet/jurisdiction'"]);
});

t.test('reference answers: the resource type is an R4 one, and one the item allows', async (t) => {
  const item: QuestionnaireItem = { linkId: 'q', type: 'reference', extension: [{ url: `${CORE}questionnaire-referenceResource`, valueCode: 'Practitioner' }] };
  t.same(check(item, [{ valueReference: { reference: 'Practitioner/lege1' } }]), []);
  t.same(check(item, [{ valueReference: { reference: 'Organization/dms' } }]), ["The resource type 'Organization' in the reference Organization/dms is not allowed (allowed = Practitioner)"]);
  t.same(check({ linkId: 'q', type: 'reference' }, [{ valueReference: { reference: 'Hest/1' } }]), ['The resource type Hest in the reference Hest/1 is not valid']);
  const absolute = [{ valueReference: { reference: 'https://fhir.example.org/Hest/1' } }];
  t.same(check({ linkId: 'q', type: 'reference' }, absolute), [], 'an absolute URL is not read as RESTful unless the caller says so');
  t.same(check({ linkId: 'q', type: 'reference' }, absolute, { assumeValidRestReferences: true }), ['The resource type Hest in the reference https://fhir.example.org/Hest/1 is not valid']);
});

t.test('questionnaire-optionExclusive: that option is the only answer', async (t) => {
  const item: QuestionnaireItem = { linkId: 'q', type: 'choice', answerOption: [
    { valueCoding: { system: cs.url, code: 'hjemme' } },
    { valueCoding: { system: cs.url, code: 'sykehjem' }, extension: [{ url: `${CORE}questionnaire-optionExclusive`, valueBoolean: true }] }] };
  t.same(check(item, [{ valueCoding: { system: cs.url, code: 'sykehjem' } }]), []);
  t.same(check(item, [{ valueCoding: { system: cs.url, code: 'hjemme' } }, { valueCoding: { system: cs.url, code: 'sykehjem' } }]),
    ["Selected answer http://helsebro.test/CodeSystem/bosted#sykehjem is an exclusive option - can't select anything else at the same time"]);
});

t.test('answerValueSet: the code is in the value set, with its display or a designation', async (t) => {
  const item: QuestionnaireItem = { linkId: 'q', type: 'choice', answerValueSet: vs.url };
  t.same(check(item, [{ valueCoding: { system: cs.url, code: 'sykehjem', display: 'Sykehjem' } }, { valueCoding: { system: cs.url, code: 'sykehjem', display: 'Nursing home' } }]), []);
  t.same(check(item, [{ valueCoding: { system: cs.url, code: 'sykehjem', display: 'Hjemme' } }]),
    ["Wrong Display Name 'Hjemme' for http://helsebro.test/CodeSystem/bosted#sykehjem. Valid display is 'Sykehjem' or 'Nursing home'"]);
  t.same(check(item, [{ valueCoding: { system: cs.url, code: 'hotell' } }]), ['The code http://helsebro.test/CodeSystem/bosted::hotell is not in the set of permitted values']);
  t.same(check({ linkId: 'q', type: 'string', answerValueSet: vs.url }, [{ valueString: 'hjemme' }, { valueString: 'Hjemme' }]),
    ["The value 'Hjemme' is not in the list of allowed values (value set 'http://helsebro.test/ValueSet/bosted')"], 'a string bound to a value set is one of its codes');
});

t.test('SDC enableWhenExpression decides whether an item is enabled', async (t) => {
  const q: Questionnaire = { resourceType: 'Questionnaire', url: 'http://helsebro.test/Questionnaire/uttrykk', status: 'active', item: [
    { linkId: 'fall', type: 'boolean' },
    { linkId: 'når', type: 'date', extension: [{ url: `${SDC}sdc-questionnaire-enableWhenExpression`,
      valueExpression: { language: 'text/fhirpath', expression: "%resource.item.where(linkId='fall').answer.value = true" } }] },
    { linkId: 'alder', type: 'integer', extension: [{ url: `${SDC}sdc-questionnaire-enableWhenExpression`,
      valueExpression: { language: 'text/fhirpath', expression: '%patient.birthDate.exists()' } }] },
  ] };
  const d = definitionsWith([q]);
  const run = (fall: boolean) => validateQuestionnaireResponse({ resourceType: 'QuestionnaireResponse', questionnaire: q.url, status: 'completed', item: [
    { linkId: 'fall', answer: [{ valueBoolean: fall }] }, { linkId: 'når', answer: [{ valueDate: '2026-11-20' }] }, { linkId: 'alder', answer: [{ valueInteger: 80 }] }] }, d).map((i) => i.message);
  t.same(run(true), []);
  // %patient is launch context a validator does not have: 'alder' counts as enabled, not as disabled
  t.same(run(false), ["Item has answer, even though it is not enabled (item id = 'når')"]);
});

t.test('QuestionnaireResponse.questionnaire must name a Questionnaire', async (t) => {
  const qr: QuestionnaireResponse = { resourceType: 'QuestionnaireResponse', questionnaire: vs.url, status: 'completed' };
  t.same(validateQuestionnaireResponse(qr, definitionsWith([vs])).map((i) => `${i.expression}: ${i.message}`),
    ["QuestionnaireResponse.questionnaire: Canonical URL 'http://helsebro.test/ValueSet/bosted' refers to a resource that has the wrong type. Found ValueSet expecting one of [Questionnaire]"]);
});
