/**
 * A Questionnaire's enableWhen rules (src/fhir/validation/questionnaire-items.ts, through the structure check
 * of index.ts): que-12 as its text states it, and what enableWhen.question may name
 * (https://hl7.org/fhir/R4/questionnaire.html#enableWhen). Synthetic DMS intake form.
 */
import t from 'tap';
import { checkQuestionnaires } from '../../../../src/fhir/validation/questionnaire-items.ts';
import { errors, schemaLevel } from './helpers.ts';

const form = (item: unknown[]) => ({ resourceType: 'Questionnaire', status: 'active', item });
const yes = (question: string) => ({ question, operator: '=', answerBoolean: true });

t.test('que-12: two or more enableWhen need an enableBehavior', async (t) => {
  const base = [{ linkId: 'fall', type: 'boolean' }, { linkId: 'svimmel', type: 'boolean' }];
  t.same(errors(schemaLevel, form([...base, { linkId: 'tiltak', type: 'string', enableWhen: [yes('fall'), yes('svimmel')], enableBehavior: 'any' }])), []);
  t.same(errors(schemaLevel, form([...base, { linkId: 'tiltak', type: 'string', enableWhen: [yes('fall')] }])), [], 'one condition needs no behaviour');
  // exactly two: the R4 expression (count() > 2) would let this pass; its text and R4B/R5 do not
  t.same(errors(schemaLevel, form([...base, { linkId: 'tiltak', type: 'string', enableWhen: [yes('fall'), yes('svimmel')] }])), [
    { code: 'FHIR_INVARIANT', expression: 'Questionnaire.item[2]', message: 'que-12: If there are more than one enableWhen, enableBehavior must be specified' },
  ]);
});

t.test('enableWhen.question names another item that is not inside the item', async (t) => {
  t.same(errors(schemaLevel, form([{ linkId: 'fall', type: 'boolean' }, { linkId: 'når', type: 'date', enableWhen: [yes('fall')] }])), []);
  t.same(errors(schemaLevel, form([{ linkId: 'gruppe', type: 'group', enableWhen: [yes('fall')], item: [{ linkId: 'fall', type: 'boolean' }] }])).map((e) => e.expression),
    ['Questionnaire.item[0]'], 'an inner question cannot enable its own group');
  t.same(errors(schemaLevel, form([{ linkId: 'når', type: 'date', enableWhen: [yes('ukjent')] }])).map((e) => e.message),
    ["enableWhen of item 'når' refers to question 'ukjent', which is not in the questionnaire"]);
  t.same(errors(schemaLevel, form([{ linkId: 'når', type: 'boolean', enableWhen: [yes('når')] }])).map((e) => e.message), ["enableWhen of item 'når' refers to the item itself"]);
  const later = checkQuestionnaires(form([{ linkId: 'når', type: 'date', enableWhen: [yes('fall')] }, { linkId: 'fall', type: 'boolean' }]), 'Questionnaire');
  t.same(later.map((f) => `${f.severity} ${f.details.expression}`), ['warning Questionnaire.item[0]'], 'a question after the item it enables is only a warning');
});

t.test('contained Questionnaires are checked too', async (t) => {
  const qr = { resourceType: 'QuestionnaireResponse', status: 'completed', questionnaire: '#q', contained: [{ id: 'q', ...form([{ linkId: 'a', type: 'boolean', enableWhen: [yes('b')] }]) }] };
  t.same(errors(schemaLevel, qr).map((e) => e.expression), ['QuestionnaireResponse.contained[0].item[0]']);
});
