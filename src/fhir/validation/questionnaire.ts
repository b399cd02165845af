/**
 * A QuestionnaireResponse against the Questionnaire it answers (https://hl7.org/fhir/R4/questionnaireresponse.html,
 * "the response must conform to the questionnaire", and https://hl7.org/fhir/R4/questionnaire.html#enableWhen),
 * with the SDC extensions the HL7 validator also applies (minLength, maxLength, regex, minValue, maxValue,
 * maxSize, mimeType, minOccurs, maxOccurs; http://hl7.org/fhir/uv/sdc/).
 *
 * Rules, each an error as the Java validator grades it:
 *   - every response item's linkId is an item of the questionnaire at that level;
 *   - a required item (and a required group: its sub-items) is answered when it is enabled;
 *   - an item that is not enabled (enableWhen, enableBehavior all/any) has no answers;
 *   - display items have no answers, group items no answers but sub-items, a non-repeating item one answer;
 *   - an answer's type is the item's (boolean -> valueBoolean, choice -> valueCoding, open-choice ->
 *     valueCoding or valueString, ...), and it is one of the answerOptions when there are any (an option
 *     marked questionnaire-optionExclusive is the only answer), or in the answerValueSet (a Coding with the
 *     display of its code) when that can be told here;
 *   - SDC enableWhenExpression (and the Finnish Kanta form of it) decides whether an item is enabled: a FHIRPath
 *     expression on the response; one that needs launch context (%patient, ...) or fails leaves it enabled;
 *   - quantity units, reference types and codes: ./questionnaire-answers.ts.
 * The canonical in QuestionnaireResponse.questionnaire names a Questionnaire: one that resolves to another
 * type is an error. Without the questionnaire (not held, not contained) nothing else is judged here.
 */
import type { Questionnaire, QuestionnaireItem, QuestionnaireItemEnableWhen, QuestionnaireResponse, QuestionnaireResponseItem, QuestionnaireResponseItemAnswer } from '@medplum/fhirtypes';
import { isDeepStrictEqual } from 'node:util';
import { evalFhirPath, plainValues } from '../fhirpath.ts';
import { expand, type Definitions, type ProfileIssue } from './profile.ts';
import { displayIssues, membership, quantityIssues, referenceIssues } from './questionnaire-answers.ts';

type Json = Record<string, unknown>;

/** The answer[x] names each item type allows */
const ANSWER_TYPES: Record<string, string[]> = {
  boolean: ['valueBoolean'], decimal: ['valueDecimal'], integer: ['valueInteger'], date: ['valueDate'], dateTime: ['valueDateTime'],
  time: ['valueTime'], string: ['valueString'], text: ['valueString'], url: ['valueUri'], choice: ['valueCoding'],
  'open-choice': ['valueCoding', 'valueString'], attachment: ['valueAttachment'], reference: ['valueReference'], quantity: ['valueQuantity'],
};

const SDC = 'http://hl7.org/fhir/StructureDefinition/';
const ext = (item: QuestionnaireItem, name: string): Json | undefined =>
  (item.extension as Json[] | undefined)?.find((e) => e.url === `${SDC}${name}`);

export interface QuestionnaireResponseOptions {
  /** read the resource type of absolute reference answers as RESTful URLs ([base]/[type]/[id]) */
  assumeValidRestReferences?: boolean;
}

export function validateQuestionnaireResponse(qr: QuestionnaireResponse, defs: Definitions, opts: QuestionnaireResponseOptions = {}): ProfileIssue[] {
  const url = qr.questionnaire;
  if (!url) return [];
  const q = url.startsWith('#')
    ? (qr.contained?.find((c) => c.resourceType === 'Questionnaire' && `#${c.id}` === url) as Questionnaire | undefined)
    : defs.questionnaire?.(url);
  if (!q) {
    const other = url.startsWith('#') ? undefined : defs.resource?.(url);
    if (!other || other.resourceType === 'Questionnaire') return [];
    return [{ severity: 'error', expression: 'QuestionnaireResponse.questionnaire', rule: 'questionnaire',
      message: `Canonical URL '${url}' refers to a resource that has the wrong type. Found ${other.resourceType} expecting one of [Questionnaire]` }];
  }
  const issues: ProfileIssue[] = [];
  const answersByLinkId = new Map<string, QuestionnaireResponseItemAnswer[]>();
  collect(qr.item ?? [], answersByLinkId);
  const checker = new Check(issues, answersByLinkId, defs, qr, opts.assumeValidRestReferences ?? false);
  checker.items(qr.item ?? [], q.item ?? [], 'QuestionnaireResponse', true);
  return issues;
}

function collect(items: QuestionnaireResponseItem[], out: Map<string, QuestionnaireResponseItemAnswer[]>): void {
  for (const i of items) {
    out.set(i.linkId, [...(out.get(i.linkId) ?? []), ...(i.answer ?? [])]);
    collect(i.item ?? [], out);
    for (const a of i.answer ?? []) collect(a.item ?? [], out);
  }
}

class Check {
  readonly #issues: ProfileIssue[];
  readonly #answers: Map<string, QuestionnaireResponseItemAnswer[]>;
  readonly #defs: Definitions;
  readonly #qr: QuestionnaireResponse;
  readonly #restful: boolean;

  constructor(issues: ProfileIssue[], answers: Map<string, QuestionnaireResponseItemAnswer[]>, defs: Definitions, qr: QuestionnaireResponse, restful: boolean) {
    this.#issues = issues;
    this.#answers = answers;
    this.#defs = defs;
    this.#qr = qr;
    this.#restful = restful;
  }

  #error(expression: string, message: string, rule = 'questionnaire'): void {
    this.#issues.push({ severity: 'error', expression, rule, message });
  }

  /**
   * The response items of one level against the questionnaire items of that level; `required` false: the
   * required ones are looked for elsewhere (a question's children sit in its answers)
   */
  items(given: QuestionnaireResponseItem[], defined: QuestionnaireItem[], path: string, enabledParent: boolean, required = true): void {
    given.forEach((item, i) => {
      const def = defined.find((d) => d.linkId === item.linkId);
      const at = `${path}.item[${i}]`;
      if (!def) {
        this.#error(path, `LinkId '${item.linkId}' not found in questionnaire`);
        return;
      }
      this.#item(item, def, at, enabledParent);
    });
    for (const def of defined) {
      if (!required || !def.required || def.type === 'display') continue;
      if (!enabledParent || !this.#enabled(def)) continue;
      const present = given.filter((g) => g.linkId === def.linkId);
      const answered = present.some((g) => (def.type === 'group' ? (g.item?.length ?? 0) > 0 : (g.answer?.length ?? 0) > 0));
      if (!answered) {
        const at = present.length ? `${path}.item[${given.indexOf(present[0])}]` : path;
        this.#error(at, def.type === 'group' ? 'No sub-items found for required group' : `No response answer found for required item '${def.linkId}'`);
      }
    }
    const counts = new Map<string, number>();
    for (const g of given) counts.set(g.linkId, (counts.get(g.linkId) ?? 0) + 1);
    for (const def of defined) {
      if ((counts.get(def.linkId) ?? 0) > 1 && !def.repeats) this.#error(`${path}.item[${given.findIndex((g) => g.linkId === def.linkId)}]`, 'Only one response item with this linkId allowed');
    }
  }

  #item(item: QuestionnaireResponseItem, def: QuestionnaireItem, at: string, enabledParent: boolean): void {
    const answers = item.answer ?? [];
    const enabled = enabledParent && this.#enabled(def);
    if (!enabled && answers.length > 0) this.#error(at, `Item has answer, even though it is not enabled (item id = '${def.linkId}')`);
    if (def.type === 'display' && answers.length > 0) this.#error(at, "Items of type 'display' cannot have answers");
    if (def.type === 'group' && answers.length > 0) this.#error(at, 'Items of type group should not have answers');
    // 'question' is the abstract item type: an item of that type takes no answers
    if ((def.type as string) === 'question' && answers.length > 0) this.#error(at, 'Items of type question should not have answers');
    if (def.type !== 'group' && def.type !== 'display') {
      if (!def.repeats && answers.length > 1) this.#error(at, 'Only one response answer item with this linkId allowed');
      const min = Number(ext(def, 'questionnaire-minOccurs')?.valueInteger ?? NaN);
      const max = Number(ext(def, 'questionnaire-maxOccurs')?.valueInteger ?? NaN);
      // an item given in the response is held to its minimum even with no answers (the Java reading)
      if (Number.isFinite(min) && answers.length < min) this.#error(at, `The minimum number of answers is ${min} but this has ${answers.length} answers`);
      if (Number.isFinite(max) && answers.length > max) this.#error(at, `The maximum number of answers is ${max} but this has ${answers.length} answers`);
    }
    answers.forEach((a, k) => {
      this.#answer(a, def, `${at}.answer[${k}]`, answers.length);
      this.items(a.item ?? [], def.item ?? [], `${at}.answer[${k}]`, enabled);
    });
    // questionnaireresponse.html: a question's nested items go in answer.item (item.item is for groups), so an
    // answered question's required children were looked for in its answers
    this.items(item.item ?? [], def.item ?? [], at, enabled, def.type === 'group' || answers.length === 0);
  }

  #answer(a: QuestionnaireResponseItemAnswer, def: QuestionnaireItem, at: string, count: number): void {
    const key = Object.keys(a).find((k) => k.startsWith('value'));
    if (!key) return;
    const value = (a as Json)[key];
    // a choice's answers take the types of its options (answerOption.value[x]: integer, date, time, string, Coding)
    const optionTypes = (def.answerOption ?? []).flatMap((o) => Object.keys(o).filter((k) => k.startsWith('value')));
    const allowed = ANSWER_TYPES[def.type] && (def.type === 'choice' || def.type === 'open-choice') ? [...new Set([...ANSWER_TYPES[def.type], ...optionTypes])] : ANSWER_TYPES[def.type];
    if (allowed && !allowed.includes(key)) {
      const message = `Answer value must be of the type ${allowed.map((x) => x.slice(5)).join(' or ')} not ${key.slice(5)}`;
      // text for a choice is what open-choice is for: the Java validator warns here (choice-invalid-type-qr)
      if (def.type === 'choice' && key === 'valueString') this.#issues.push({ severity: 'warning', expression: `${at}.value.ofType(String)`, rule: 'questionnaire', message });
      else this.#error(`${at}.value.ofType(${key.slice(5)})`, message);
      return;
    }
    const vat = `${at}.value.ofType(${key.slice(5)})`;
    if (def.answerOption?.length) {
      const options = def.answerOption.map((o) => Object.entries(o).find(([k]) => k.startsWith('value'))).filter((x): x is [string, unknown] => x !== undefined);
      const same = options.filter(([k]) => k === key);
      if (same.length === 0 && !(def.type === 'open-choice' && key === 'valueString')) {
        this.#error(at, `Option list has no option values of type ${key.slice(5).toLowerCase()}`);
      } else if (same.length > 0 && !same.some(([, v]) => optionMatches(key, v, value)) && !(def.type === 'open-choice' && key === 'valueString')) {
        this.#error(vat, `The ${key.slice(5).toLowerCase()} ${show(value)} is not in the set of permitted values`);
      }
      // questionnaire-optionExclusive: an option that excludes every other answer to the item
      const chosen = def.answerOption.find((o) => (o as Json)[key] !== undefined && optionMatches(key, (o as Json)[key], value));
      const exclusive = ((chosen?.extension ?? []) as unknown as Json[]).some((e) => e.url === `${SDC}questionnaire-optionExclusive` && e.valueBoolean === true);
      if (exclusive && count > 1) this.#error(at, `Selected answer ${optionLabel(value)} is an exclusive option - can't select anything else at the same time`);
    } else if (def.answerValueSet && key === 'valueCoding') {
      const c = value as { system?: string; code?: string; display?: string };
      if (c.code && membership(def.answerValueSet, c.system, c.code, this.#defs) === 'no') {
        this.#error(at, `The code ${c.system ?? ''}::${c.code} is not in the set of permitted values`);
      } else if (c.code) this.#issues.push(...displayIssues(c, vat, this.#defs));
    } else if (def.answerValueSet && key === 'valueString' && def.type !== 'open-choice') {
      // a string item bound to a value set: the text is one of its codes (the Java validator's reading)
      const codes = expand(def.answerValueSet, this.#defs);
      if (codes && ![...codes].some((k) => k.endsWith(`|${String(value)}`))) {
        this.#error(vat, `The value '${String(value)}' is not in the list of allowed values (value set '${def.answerValueSet}')`);
      }
    }
    if (key === 'valueString' || key === 'valueUri') {
      const s = String(value);
      const minLength = Number(ext(def, 'minLength')?.valueInteger ?? NaN);
      if (Number.isFinite(minLength) && s.length < minLength) this.#error(vat, `The answer '${s}' is shorter then the required minimum length of ${minLength}`);
      if (def.maxLength !== undefined && s.length > def.maxLength) this.#error(vat, `The answer '${s}' is longer then the allowed maximum length of ${def.maxLength}`);
      const regex = ext(def, 'regex')?.valueString;
      if (typeof regex === 'string') {
        try {
          if (!new RegExp(`^(?:${regex})$`, 'u').test(s)) this.#error(vat, `The answer '${s}' does not conform to the regex ${regex}`);
        } catch {
          // a pattern JavaScript cannot read: not judged
        }
      }
    }
    if (key === 'valueDecimal') {
      const places = Number(ext(def, 'maxDecimalPlaces')?.valueInteger ?? NaN);
      const written = /\.(\d+)/.exec(String(value))?.[1].length ?? 0;
      if (Number.isFinite(places) && written > places) this.#error(vat, `The value ${show(value)} has too many decimal places (limit = ${places})`);
    }
    if (key === 'valueQuantity') this.#issues.push(...quantityIssues(value as never, def, vat, this.#defs));
    if (key === 'valueReference') this.#issues.push(...referenceIssues((value as { reference?: string }).reference, def, vat, this.#restful));
    if (key === 'valueUri' && typeof value === 'string' && value.startsWith('urn:uuid:') && !/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) {
      this.#error(vat, `UUIDs must be valid and lowercase (${value.slice(9)})`);
    }
    if (key === 'valueInteger' || key === 'valueDecimal' || key === 'valueDate' || key === 'valueDateTime' || key === 'valueTime') {
      const lo = bound(ext(def, 'minValue'));
      const hi = bound(ext(def, 'maxValue'));
      if (lo !== undefined && compare(value, lo) < 0) this.#error(vat, `The value ${show(value)} is less than the allowed minimum of ${show(lo)}`);
      if (hi !== undefined && compare(value, hi) > 0) this.#error(vat, `The value ${show(value)} is greater than the allowed maximum of ${show(hi)}`);
    }
    if (key === 'valueAttachment') {
      const att = value as { contentType?: string; size?: number; data?: string };
      const types = (def.extension as Json[] | undefined)?.filter((e) => e.url === `${SDC}mimeType`).map((e) => String(e.valueCode));
      if (types?.length && att.contentType && !types.includes(att.contentType)) this.#error(at, `The mime type ${att.contentType} is not valid for this answer (allowed = ${types.join(', ')})`);
      const maxSize = Number(ext(def, 'maxSize')?.valueDecimal ?? NaN);
      const size = att.size ?? (att.data ? Math.floor((att.data.length * 3) / 4) : undefined);
      if (Number.isFinite(maxSize) && size !== undefined && size > maxSize) this.#error(at, `The attachment is too large (allowed = ${maxSize}, found = ${size})`);
    }
  }

  /** enableWhen with enableBehavior (questionnaire.html#enableWhen): answers are looked up by linkId anywhere */
  #enabled(def: QuestionnaireItem): boolean {
    const expression = enableWhenExpression(def);
    if (expression !== undefined) return this.#expressionEnabled(expression);
    const conditions = def.enableWhen ?? [];
    if (conditions.length === 0) return true;
    const results = conditions.map((c) => this.#condition(c));
    return def.enableBehavior === 'any' ? results.some(Boolean) : results.every(Boolean);
  }

  /**
   * An enableWhen expression on the response (the Java validator's context: the QuestionnaireResponse). One that
   * refers to a variable only a form filler has (launch context, %patient) or that fails to evaluate is not
   * judged: the item counts as enabled.
   */
  #expressionEnabled(expression: string): boolean {
    const known = new Set(['resource', 'rootResource', 'context', 'ucum', 'sct', 'loinc']);
    if ([...expression.matchAll(/%([A-Za-z_][\w-]*)/g)].some((m) => !known.has(m[1]))) return true;
    try {
      const out = plainValues(evalFhirPath(expression, this.#qr));
      return out.length === 1 && typeof out[0] === 'boolean' ? out[0] : out.length > 0;
    } catch {
      return true;
    }
  }

  #condition(c: QuestionnaireItemEnableWhen): boolean {
    const answers = this.#answers.get(c.question) ?? [];
    const wantKey = Object.keys(c).find((k) => k.startsWith('answer'));
    if (c.operator === 'exists') return (answers.length > 0) === Boolean(c.answerBoolean);
    if (!wantKey) return false;
    const want = (c as unknown as Json)[wantKey];
    const valueKey = `value${wantKey.slice(6)}`;
    return answers.some((a) => {
      const v = (a as Json)[valueKey];
      if (v === undefined) return false;
      if (c.operator === '=') return wantKey === 'answerCoding' ? codingEq(v, want) : isDeepStrictEqual(v, want);
      if (c.operator === '!=') return wantKey === 'answerCoding' ? !codingEq(v, want) : !isDeepStrictEqual(v, want);
      const cmp = compare(v, want);
      return c.operator === '>' ? cmp > 0 : c.operator === '<' ? cmp < 0 : c.operator === '>=' ? cmp >= 0 : c.operator === '<=' ? cmp <= 0 : false;
    });
  }
}

/** SDC enableWhenExpression (text/fhirpath), or the Kanta extension that carries the expression as a string */
function enableWhenExpression(def: QuestionnaireItem): string | undefined {
  const all = (def.extension ?? []) as unknown as Json[];
  const kanta = all.find((e) => e.url === 'http://phr.kanta.fi/StructureDefinition/fiphr-ext-questionnaire-enablewhen')?.valueString;
  if (typeof kanta === 'string') return kanta;
  const sdc = all.find((e) => e.url === 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression')?.valueExpression as { language?: string; expression?: string } | undefined;
  return sdc?.language === 'text/fhirpath' && typeof sdc.expression === 'string' ? sdc.expression : undefined;
}

const optionLabel = (v: unknown): string => {
  const c = v as { system?: string; code?: string };
  return typeof v === 'object' && v !== null && c.code !== undefined ? `${c.system ?? ''}#${c.code}` : show(v);
};

const codingEq = (a: unknown, b: unknown): boolean => {
  const x = a as { system?: string; code?: string };
  const y = b as { system?: string; code?: string };
  return x.code === y.code && (x.system === undefined || y.system === undefined || x.system === y.system);
};

function optionMatches(key: string, option: unknown, value: unknown): boolean {
  if (key === 'valueCoding') return codingEq(value, option);
  if (key === 'valueReference') return (value as { reference?: string }).reference === (option as { reference?: string }).reference;
  return isDeepStrictEqual(value, option);
}

function bound(e: Json | undefined): unknown {
  if (!e) return undefined;
  const k = Object.keys(e).find((x) => x.startsWith('value'));
  return k ? e[k] : undefined;
}

/** Numbers by value, dates and times as strings of the same precision (ISO order) */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const show = (v: unknown): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));
