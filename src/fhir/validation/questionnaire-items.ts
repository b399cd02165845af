/**
 * Rules on a Questionnaire's own items (https://hl7.org/fhir/R4/questionnaire.html#enableWhen), checked on
 * every Questionnaire in a resource (itself, contained, Bundle entries), as the HL7 Java validator checks them
 * (QuestionnaireValidator.validateQuestionnaireElement):
 *   - que-12 as its text reads, "If there are more than one enableWhen, enableBehavior must be specified":
 *     the R4 expression (`enableWhen.count() > 2 implies enableBehavior.exists()`) lets exactly two pass;
 *     R4B and R5 correct it to `> 1`, which is what the Java validator applies;
 *   - enableWhen.question names an item of the questionnaire; not the item itself, and not one of its own
 *     descendants (an item cannot be enabled by an answer that only exists once it is enabled); a question
 *     that comes after the item it enables is a warning.
 */
import type { Finding } from './structure.ts';
import { forEachObject, type ObjectVisitor } from './object-walk.ts';

interface Item { linkId?: string; item?: Item[]; enableWhen?: { question?: string }[]; enableBehavior?: string }

/** The rules as a visitor of ./object-walk.ts: every Questionnaire, wherever it sits (its items are walked here) */
export function questionnaireVisitor(out: Finding[]): ObjectVisitor {
  return (o, path) => {
    if (o.resourceType === 'Questionnaire') out.push(...checkQuestionnaire(o as { item?: Item[] }, String(path)));
  };
}

export function checkQuestionnaires(resource: unknown, at: string): Finding[] {
  const out: Finding[] = [];
  forEachObject(resource, at, [questionnaireVisitor(out)]);
  return out;
}

function checkQuestionnaire(q: { item?: Item[] }, at: string): Finding[] {
  const out: Finding[] = [];
  // document order of every item, to tell whether a question comes before the item it enables
  const order: Item[] = [];
  const flatten = (items: Item[] | undefined): void => (items ?? []).forEach((i) => (order.push(i), flatten(i.item)));
  flatten(q.item);
  const visit = (items: Item[] | undefined, path: string): void => {
    (items ?? []).forEach((item, i) => {
      const here = `${path}.item[${i}]`;
      const conditions = Array.isArray(item.enableWhen) ? item.enableWhen : [];
      if (conditions.length > 1 && item.enableBehavior === undefined) {
        out.push(finding('FHIR_INVARIANT', 'error', "que-12: If there are more than one enableWhen, enableBehavior must be specified", here));
      }
      for (const c of conditions) {
        const target = c.question;
        if (typeof target !== 'string') continue; // enableWhen.question 1..1: the structure check reports it
        if (find(item.item, target)) {
          out.push(finding('FHIR_INVARIANT', 'error', `enableWhen of item '${item.linkId}' refers to its own inner question '${target}': questions with an enableWhen cannot refer to an inner question for their enableWhen condition`, here));
          continue;
        }
        const tgt = find(q.item, target);
        if (!tgt) out.push(finding('FHIR_INVARIANT', 'error', `enableWhen of item '${item.linkId}' refers to question '${target}', which is not in the questionnaire`, here));
        else if (tgt === item) out.push(finding('FHIR_INVARIANT', 'error', `enableWhen of item '${item.linkId}' refers to the item itself`, here));
        else if (order.indexOf(tgt) > order.indexOf(item)) out.push(finding('FHIR_INVARIANT', 'warning', `The target of this enableWhen rule (${target}) comes after the question itself`, here));
      }
      visit(item.item, here);
    });
  };
  visit(q.item, at);
  return out;
}

/** The item with this linkId among `items` and their descendants */
function find(items: Item[] | undefined, linkId: string): Item | undefined {
  for (const i of items ?? []) {
    if (i.linkId === linkId) return i;
    const inner = find(i.item, linkId);
    if (inner) return inner;
  }
  return undefined;
}

const finding = (code: Finding['code'], severity: Finding['severity'], detail: string, expression: string): Finding =>
  ({ code, severity, details: { detail, expression } });
