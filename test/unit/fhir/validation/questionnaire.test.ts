/**
 * QuestionnaireResponse against its Questionnaire (src/fhir/validation/questionnaire.ts): the rules of
 * https://hl7.org/fhir/R4/questionnaireresponse.html and questionnaire.html#enableWhen, on a small
 * DMS-flavoured form (synthetic).
 */
import type { Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import t from 'tap';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { validateQuestionnaireResponse } from '../../../../src/fhir/validation/questionnaire.ts';

const q: Questionnaire = {
  resourceType: 'Questionnaire', url: 'http://helsebro.test/Questionnaire/utskrivningsklar', status: 'active',
  item: [
    { linkId: 'klar', text: 'Utskrivningsklar?', type: 'boolean', required: true },
    { linkId: 'dato', text: 'Dato', type: 'date', enableWhen: [{ question: 'klar', operator: '=', answerBoolean: true }], required: true },
    { linkId: 'tiltak', text: 'Tiltak', type: 'choice', repeats: true, answerOption: [
      { valueCoding: { system: 'http://helsebro.test/tiltak', code: 'hjemmesykepleie' } },
      { valueCoding: { system: 'http://helsebro.test/tiltak', code: 'korttidsopphold' } },
    ] },
    { linkId: 'kommentar', text: 'Kommentar', type: 'string', maxLength: 10 },
    { linkId: 'info', text: 'Les dette', type: 'display' },
  ],
};
const defs = definitionsWith([q]);
const qr = (item: QuestionnaireResponse['item']): QuestionnaireResponse => ({ resourceType: 'QuestionnaireResponse', questionnaire: q.url, status: 'completed', item });
const messages = (r: QuestionnaireResponse) => validateQuestionnaireResponse(r, defs).map((i) => `${i.severity} ${i.expression}: ${i.message}`);

t.test('a conforming response', async (t) => {
  t.same(messages(qr([
    { linkId: 'klar', answer: [{ valueBoolean: true }] },
    { linkId: 'dato', answer: [{ valueDate: '2026-11-24' }] },
    { linkId: 'tiltak', answer: [{ valueCoding: { system: 'http://helsebro.test/tiltak', code: 'hjemmesykepleie' } }, { valueCoding: { system: 'http://helsebro.test/tiltak', code: 'korttidsopphold' } }] },
  ])), []);
});

t.test('required items, enabled by enableWhen; answers to an item that is not enabled', async (t) => {
  t.same(messages(qr([{ linkId: 'klar', answer: [{ valueBoolean: true }] }])), ["error QuestionnaireResponse: No response answer found for required item 'dato'"]);
  t.same(messages(qr([{ linkId: 'klar', answer: [{ valueBoolean: false }] }])), [], 'dato is not enabled, so not required');
  t.same(messages(qr([{ linkId: 'klar', answer: [{ valueBoolean: false }] }, { linkId: 'dato', answer: [{ valueDate: '2026-11-24' }] }])),
    ["error QuestionnaireResponse.item[1]: Item has answer, even though it is not enabled (item id = 'dato')"]);
  t.same(messages(qr([])), ["error QuestionnaireResponse: No response answer found for required item 'klar'"]);
});

t.test("a question's nested items sit in its answers (questionnaireresponse.html: answer.item)", async (t) => {
  const nested: Questionnaire = {
    resourceType: 'Questionnaire', url: 'http://helsebro.test/Questionnaire/legemidler', status: 'active',
    item: [{ linkId: 'bruker', type: 'boolean', required: true, item: [{ linkId: 'hvilke', type: 'string', required: true }] }],
  };
  const d = definitionsWith([nested]);
  const run = (item: QuestionnaireResponse['item']) => validateQuestionnaireResponse({ resourceType: 'QuestionnaireResponse', questionnaire: nested.url, status: 'completed', item }, d).map((i) => `${i.expression}: ${i.message}`);
  t.same(run([{ linkId: 'bruker', answer: [{ valueBoolean: true, item: [{ linkId: 'hvilke', answer: [{ valueString: 'Paracet' }] }] }] }]), []);
  t.same(run([{ linkId: 'bruker', answer: [{ valueBoolean: true }] }]), ["QuestionnaireResponse.item[0].answer[0]: No response answer found for required item 'hvilke'"], 'looked for in the answer');
});

t.test('linkIds, answer types, options, lengths, repeats, display items', async (t) => {
  const base = [{ linkId: 'klar', answer: [{ valueBoolean: false }] }];
  t.same(messages(qr([...base, { linkId: 'ukjent', answer: [{ valueString: 'x' }] }])), ["error QuestionnaireResponse: LinkId 'ukjent' not found in questionnaire"]);
  t.same(messages(qr([{ linkId: 'klar', answer: [{ valueString: 'ja' }] }])), ['error QuestionnaireResponse.item[0].answer[0].value.ofType(String): Answer value must be of the type Boolean not String']);
  t.same(messages(qr([...base, { linkId: 'tiltak', answer: [{ valueCoding: { system: 'http://helsebro.test/tiltak', code: 'sykehjem' } }] }])),
    ['error QuestionnaireResponse.item[1].answer[0].value.ofType(Coding): The coding {"system":"http://helsebro.test/tiltak","code":"sykehjem"} is not in the set of permitted values']);
  t.same(messages(qr([...base, { linkId: 'kommentar', answer: [{ valueString: 'altfor lang tekst' }] }])),
    ["error QuestionnaireResponse.item[1].answer[0].value.ofType(String): The answer 'altfor lang tekst' is longer then the allowed maximum length of 10"]);
  t.same(messages(qr([...base, { linkId: 'kommentar', answer: [{ valueString: 'en' }, { valueString: 'to' }] }])), ['error QuestionnaireResponse.item[1]: Only one response answer item with this linkId allowed']);
  t.same(messages(qr([...base, { linkId: 'info', answer: [{ valueString: 'lest' }] }])), ["error QuestionnaireResponse.item[1]: Items of type 'display' cannot have answers"]);
});

t.test('no questionnaire to check against: nothing is judged', async (t) => {
  t.same(validateQuestionnaireResponse({ ...qr([]), questionnaire: 'http://example.org/Questionnaire/ukjent' }, defs), []);
});

t.test('SDC limits: maxDecimalPlaces, minQuantity with UCUM, urn:uuid answers', async (t) => {
  const sdc = (name: string, value: Record<string, unknown>) => ({ url: `http://hl7.org/fhir/StructureDefinition/${name}`, ...value });
  const form: Questionnaire = { resourceType: 'Questionnaire', url: 'http://helsebro.test/Questionnaire/maal', status: 'active', item: [
    { linkId: 'vekt', type: 'decimal', extension: [sdc('maxDecimalPlaces', { valueInteger: 1 })] },
    // minQuantity is an SDC extension (http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-minQuantity), not a core one
    { linkId: 'avstand', type: 'quantity', extension: [{ url: 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-minQuantity', valueQuantity: { value: 1, unit: 'km', system: 'http://unitsofmeasure.org', code: 'km' } }] },
    { linkId: 'lenke', type: 'url' },
  ] };
  const d = definitionsWith([form]);
  const r = (item: QuestionnaireResponse['item']) => validateQuestionnaireResponse({ resourceType: 'QuestionnaireResponse', questionnaire: form.url, status: 'completed', item }, d).map((i) => i.message);
  t.same(r([{ linkId: 'vekt', answer: [{ valueDecimal: 72.5 }] }]), []);
  t.same(r([{ linkId: 'vekt', answer: [{ valueDecimal: 72.55 }] }]), ['The value 72.55 has too many decimal places (limit = 1)']);
  t.same(r([{ linkId: 'avstand', answer: [{ valueQuantity: { value: 1500, unit: 'm', system: 'http://unitsofmeasure.org', code: 'm' } }] }]), [], '1500 m is over 1 km');
  t.same(r([{ linkId: 'avstand', answer: [{ valueQuantity: { value: 500, unit: 'm', system: 'http://unitsofmeasure.org', code: 'm' } }] }]), ['The quantity 500 m (UCUM#m) is less than the allowed minimum of 1 km (UCUM#km)']);
  t.same(r([{ linkId: 'avstand', answer: [{ valueQuantity: { value: 5, unit: 'Kg' } }] }]), ['The quantity 5 Kg cannot be compared to the allowed minimum of 1 km (UCUM#km) because no formal units are specified']);
  t.same(r([{ linkId: 'lenke', answer: [{ valueUri: 'urn:uuid:3F0C1A52-8C2D-4B4E-9F0A-1A2B3C4D5E6F' }] }]), ['UUIDs must be valid and lowercase (3F0C1A52-8C2D-4B4E-9F0A-1A2B3C4D5E6F)']);
});
