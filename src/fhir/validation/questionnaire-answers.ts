/**
 * Answer checks of ./questionnaire.ts that need more than the item: units of quantity answers (SDC
 * minQuantity/maxQuantity, questionnaire-unitOption, questionnaire-unitValueSet), the resource types of
 * reference answers (questionnaire-referenceResource; references.html#literal), and codes against an
 * answerValueSet (membership and display, src/terminology). As the HL7 Java validator checks them
 * (QuestionnaireValidator.validateQuestionnaireResponseItemQuantity, ...Reference, validateAnswerCode), with
 * these readings of our own: a min/max with the same system and code is compared as min <= value <= max (the
 * Java validator inverts the minimum there); a unitOption with a code is matched on system and code, its
 * display only when it has no code (the unit text of an answer is free text).
 */
import type { Coding, Quantity, QuestionnaireItem, ValueSet } from '@medplum/fhirtypes';
import { canonical } from '../../search/ucum.ts';
import { expand, type Definitions, type ProfileIssue } from './profile.ts';
import { RESOURCE_TYPES } from './structure.ts';

type Json = Record<string, unknown>;
const UCUM = 'http://unitsofmeasure.org';
const SDC = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/';
const CORE = 'http://hl7.org/fhir/StructureDefinition/';

const exts = (item: QuestionnaireItem, url: string): Json[] => ((item.extension ?? []) as unknown as Json[]).filter((e) => e.url === url);
const error = (expression: string, message: string): ProfileIssue => ({ severity: 'error', expression, rule: 'questionnaire', message });

const shown = (q: Quantity): string =>
  `${q.comparator ?? ''}${q.value}${q.unit ? ` ${q.unit}` : ''}${q.system || q.code ? ` (${q.system === UCUM ? 'UCUM' : (q.system ?? '')}#${q.code ?? ''})` : ''}`;

/** A quantity answer against the item's limits and units */
export function quantityIssues(q: Quantity, def: QuestionnaireItem, at: string, defs: Definitions): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  for (const [url, lower] of [[`${SDC}sdc-questionnaire-minQuantity`, true], [`${SDC}sdc-questionnaire-maxQuantity`, false]] as const) {
    const limit = exts(def, url)[0]?.valueQuantity as Quantity | undefined;
    if (!limit) continue;
    const bound = lower ? 'minimum' : 'maximum';
    if (!limit.system || !limit.code || !q.system || !q.code) {
      out.push(error(at, `The quantity ${shown(q)} cannot be compared to the allowed ${bound} of ${shown(limit)} because no formal units are specified`));
      continue;
    }
    let a: number | undefined;
    let b: number | undefined;
    if (limit.system === q.system && limit.code === q.code) [a, b] = [Number(q.value), Number(limit.value)];
    else if (limit.system === UCUM && q.system === UCUM) {
      const x = canonical(Number(q.value), q.code);
      const y = canonical(Number(limit.value), limit.code);
      if (x && y && x.code === y.code) [a, b] = [x.value, y.value];
    }
    if (a === undefined || b === undefined) out.push(error(at, `The quantity ${shown(q)} cannot be compared to the allowed ${bound} of ${shown(limit)}`));
    else if (lower ? a < b : a > b) out.push(error(at, `The quantity ${shown(q)} is ${lower ? 'less than the allowed minimum' : 'greater than the allowed maximum'} of ${shown(limit)}`));
  }
  const options = exts(def, `${CORE}questionnaire-unitOption`).map((e) => e.valueCoding as Coding | undefined).filter((c): c is Coding => c !== undefined);
  if (options.length > 0 && !options.some((c) => unitMatches(q, c))) {
    const allowed = options.map((c) => `${c.display ?? ''} (${c.system === UCUM ? 'UCUM' : (c.system ?? '')}#${c.code ?? ''})`.trim()).join(', ');
    out.push(error(at, `The value ${shown(q)} has a unit that is not valid (allowed = ${allowed})`));
  }
  const unitVs = exts(def, `${CORE}questionnaire-unitValueSet`)[0]?.valueCanonical as string | undefined;
  if (unitVs && membership(unitVs, q.system, q.code, defs) === 'no') {
    out.push(error(at, `The value ${shown(q)} has a unit that is not in the unit value set '${unitVs}'`));
  }
  return out;
}

function unitMatches(q: Quantity, c: Coding): boolean {
  if (c.system !== undefined && c.system !== q.system) return false;
  if (c.code !== undefined) return c.code === q.code;
  return c.display === undefined || c.display === q.unit;
}

/**
 * A reference answer's resource type: one of the item's questionnaire-referenceResource types, and an R4
 * resource type at all. A relative reference names its type ([type]/[id], references.html#literal); the type in
 * an absolute URL is read only when the caller takes absolute references as RESTful (the Java validator's
 * assumeValidRestReferences).
 */
export function referenceIssues(reference: string | undefined, def: QuestionnaireItem, at: string, restful: boolean): ProfileIssue[] {
  if (!reference || reference.startsWith('#') || reference.startsWith('urn:')) return [];
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(reference);
  if (absolute && !restful) return [];
  const type = /(?:^|\/)([A-Za-z]+)\/[^/]+(?:\/_history\/[^/]+)?$/.exec(reference)?.[1];
  const allowed = exts(def, `${CORE}questionnaire-referenceResource`).map((e) => String(e.valueCode));
  if (allowed.length > 0) {
    if (!type) return [error(at, `Unable to determine the resource type of the reference ${reference}`)];
    if (!allowed.includes(type)) return [error(at, `The resource type '${type}' in the reference ${reference} is not allowed (allowed = ${allowed.join(',')})`)];
    return [];
  }
  if (type && !RESOURCE_TYPES.has(type)) return [error(at, `The resource type ${type} in the reference ${reference} is not valid`)];
  return [];
}

/**
 * Whether system|code is in the value set: 'yes' / 'no' from its expansion; without one (a code system not
 * held here, SNOMED CT, ISO 3166), 'no' only when no include of the value set can hold the code (a coding
 * without a code, or a system the value set does not include and no value set it imports), else 'unknown'.
 */
export function membership(url: string, system: string | undefined, code: string | undefined, defs: Definitions): 'yes' | 'no' | 'unknown' {
  const codes = expand(url, defs);
  if (codes) return code !== undefined && [...codes].some((k) => k === `${system ?? ''}|${code}` || (system === undefined && k.endsWith(`|${code}`))) ? 'yes' : 'no';
  const vs = defs.terminology?.valueSet(url);
  if (!vs) return 'unknown';
  if (code === undefined) return 'no';
  return includesSystem(vs, system, defs, new Set()) ? 'unknown' : 'no';
}

function includesSystem(vs: ValueSet, system: string | undefined, defs: Definitions, seen: Set<string>): boolean {
  if (!vs.compose) return true; // an expansion-only value set we could not read: no verdict
  return vs.compose.include.some((inc) => {
    if (inc.system !== undefined) return system === undefined || inc.system === system;
    return (inc.valueSet ?? []).some((u) => {
      if (seen.has(u)) return false;
      seen.add(u);
      const inner = defs.terminology?.valueSet(u);
      return inner ? includesSystem(inner, system, defs, seen) : true;
    });
  });
}

/** A coding's display against its code system: the concept's display or one of its designations */
export function displayIssues(c: Coding, at: string, defs: Definitions): ProfileIssue[] {
  if (!c.system || !c.code || c.display === undefined || !defs.terminology) return [];
  let found: { display?: string; designation?: { value?: string }[] };
  try {
    found = defs.terminology.lookup(c.system, c.code);
  } catch {
    return []; // a code system not held here: not judged
  }
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const valid = [found.display, ...(found.designation ?? []).map((d) => d.value)].filter((x): x is string => typeof x === 'string');
  if (valid.length === 0 || valid.some((v) => norm(v) === norm(c.display!))) return [];
  return [error(`${at}.display`, `Wrong Display Name '${c.display}' for ${c.system}#${c.code}. Valid display is ${valid.map((v) => `'${v}'`).join(' or ')}`)];
}
