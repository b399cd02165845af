/**
 * Coding.display against the code system (https://hl7.org/fhir/R4/datatypes.html#Coding: display is "a
 * representation of the meaning of the code in the system, following the rules of the system";
 * codesystem.html#designations: a concept's display and designations are its representations). For a code of
 * a code system the server holds (the bundled R4, v2 and v3 ones, and those it was given), a display that is
 * neither the concept's display nor one of its designations is an error, as in the Java validator ("Wrong
 * Display Name"). With `languages` (the validation language(s), the Java validator's -language), only
 * designations in one of those languages count beside the display; without, any designation does.
 *
 * Compared as the Java validator does: case-insensitive, with runs of whitespace as one space. A code the system
 * does not have is left to the binding checks; a system not held gives no verdict.
 *
 * A value set may give a code displays of its own (valueset.html#designations: compose.include.concept.display
 * and .designation, expansion.contains.display and .designation). When the check runs for `profiles`, the
 * displays the value set bound at the element (in that profile's snapshot) gives the code are valid too, as
 * the Java validator validates a coding's display through the binding.
 */
import type { CodeSystemConcept, ElementDefinition, StructureDefinition, ValueSet, ValueSetExpansionContains } from '@medplum/fhirtypes';
import type { Definitions, ProfileIssue } from './profile.ts';
import { snapshotOf } from './snapshot.ts';
import { walkRules, type TypedRule, type Visitor } from './typed-walk.ts';

type Json = Record<string, unknown>;

export interface DisplayOptions {
  /** validation languages ('en', 'de'): which designations count as valid displays */
  languages?: readonly string[];
  /** the profiles the resource is validated against: their bindings' value sets add displays */
  profiles?: readonly StructureDefinition[];
}

/** Per profile: element path -> the value set url its binding names */
const bindings = new WeakMap<StructureDefinition, Map<string, string>>();

function bindingsOf(sd: StructureDefinition, defs: Definitions): Map<string, string> {
  let map = bindings.get(sd);
  if (!map) {
    map = new Map();
    let elements: ElementDefinition[] = [];
    try {
      elements = snapshotOf(sd, defs.structureDefinition);
    } catch {
      // a profile without a usable snapshot adds no displays
    }
    for (const e of elements) if (e.binding?.valueSet && !e.id?.includes(':')) map.set(e.path, e.binding.valueSet);
    bindings.set(sd, map);
  }
  return map;
}

/** The displays a value set gives system#code (compose concepts, expansion entries) */
function valueSetDisplays(vs: ValueSet, system: string, code: string): string[] {
  const out: string[] = [];
  for (const inc of vs.compose?.include ?? []) {
    if (inc.system !== system) continue;
    for (const c of inc.concept ?? []) {
      if (c.code !== code) continue;
      if (c.display) out.push(c.display);
      for (const d of c.designation ?? []) if (d.value) out.push(d.value);
    }
  }
  const walk = (list: ValueSetExpansionContains[] | undefined): void => {
    for (const c of list ?? []) {
      if (c.system === system && c.code === code) {
        if (c.display) out.push(c.display);
        for (const d of c.designation ?? []) if (d.value) out.push(d.value);
      }
      walk(c.contains);
    }
  };
  walk(vs.expansion?.contains);
  return out;
}

/** The element path of the bound element a Coding at `at` belongs to (Patient.contact[0].relationship[0].coding[0] -> Patient.contact.relationship) */
/**
 * The element paths a coding at `at` may be bound at in a profile of `type`: a coding inside a nested resource
 * (`Bundle.entry[0].resource.code.coding[0]`, `Basic.contained[0].code`) is read from that resource
 * (`Observation.code`), whichever resource the profile is for (another type's paths find no binding)
 */
function boundPath(at: string, type: string | undefined): string[] {
  const nested = type ? /^.*\.(?:resource|contained\[\d+\])\.(.+)$/.exec(at) : null;
  const path = (nested ? `${type}.${nested[1]}` : at).replace(/\[\d+\]/g, '');
  return path.endsWith('.coding') ? [path.slice(0, -'.coding'.length), path] : [path];
}

function profileDisplays(profile: StructureDefinition, defs: Definitions, at: string, system: string, code: string): string[] {
  const map = bindingsOf(profile, defs);
  for (const p of boundPath(at, profile.type)) {
    const url = map.get(p);
    if (!url) continue;
    const vs = url.startsWith('#')
      ? (profile.contained ?? []).find((r) => r.resourceType === 'ValueSet' && r.id === url.slice(1)) as ValueSet | undefined
      : defs.terminology?.valueSet(url);
    return vs ? valueSetDisplays(vs, system, code) : [];
  }
  return [];
}

const CODING = new Set(['Coding']);
const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();
/** a language tag matches its own language and its regional variants: 'de' matches 'de-CH' */
const inLanguage = (tag: string | undefined, languages: readonly string[]): boolean =>
  tag !== undefined && languages.some((l) => tag === l || tag.startsWith(`${l}-`) || l.startsWith(`${tag}-`));

/** The rule for one walk with others (./typed-walk.ts walkRules); undefined without a terminology service */
export function displayRule(issues: ProfileIssue[], defs: Definitions, opts: DisplayOptions = {}): TypedRule | undefined {
  const terminology = defs.terminology;
  if (!terminology) return undefined;
  const languages = opts.languages?.filter((l) => l.length > 0);
  const profiles = opts.profiles ?? [];
  const visit: Visitor = (value, _type, at) => {
    const c = value as Json;
    if (typeof c.system !== 'string' || typeof c.code !== 'string' || typeof c.display !== 'string') return;
    let concept: { display?: string; designation?: CodeSystemConcept['designation'] };
    try {
      if (!terminology.codeSystem(c.system)) return;
      concept = terminology.lookup(c.system, c.code);
    } catch {
      return; // an unknown code is the binding layer's to report
    }
    const choices: { value: string; language?: string }[] = [];
    if (concept.display) choices.push({ value: concept.display });
    for (const d of concept.designation ?? []) {
      if (d.value && (!languages?.length || inLanguage(d.language, languages))) choices.push({ value: d.value, language: d.language });
    }
    if (choices.length === 0) return;
    const given = norm(c.display);
    if (choices.some((ch) => norm(ch.value) === given)) return;
    if (profiles.some((p) => profileDisplays(p, defs, at, c.system as string, c.code as string).some((d) => norm(d) === given))) return;
    const list = choices.map((ch) => `'${ch.value}'${ch.language ? ` (${ch.language})` : ''}`);
    issues.push({
      severity: 'error',
      expression: `${at}.display`,
      rule: 'display',
      message: `Wrong Display Name '${c.display}' for ${c.system}#${c.code}. Valid display is ${list.length === 1 ? list[0] : `one of ${list.length} choices: ${list.join(' or ')}`}${languages?.length ? ` (for the language(s) '${languages.join(', ')}')` : ''}`,
    });
  };
  return { types: CODING, visit };
}

export function checkDisplays(resource: Json, defs: Definitions, opts: DisplayOptions = {}): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  walkRules(resource, defs, [displayRule(issues, defs, opts)]);
  return issues;
}
