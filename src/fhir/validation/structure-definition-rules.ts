/**
 * Rules a StructureDefinition itself must meet to be usable as a profile, checked when one is validated
 * (https://hl7.org/fhir/R4/structuredefinition.html, https://hl7.org/fhir/R4/profiling.html,
 * https://hl7.org/fhir/R4/elementdefinition.html#invs):
 *   - eld-13: the types of an element are unique by code (the structure check does not reach the
 *     ElementDefinitions of differential and snapshot);
 *   - a type's profile is a profile of that type (`Quantity` with the Count profile is wrong: Count is its own
 *     type in R4, so the element needs type code `Count`); Resource/DomainResource take any resource profile;
 *   - an element that names a choice by its renamed path (`Observation.valueQuantity`, profiling.html#choice)
 *     names one of the choice's types;
 *   - a constraint cannot change what its base fixes: a fixed[x] the base sets stays (an extension derived from
 *     another keeps its url);
 *   - a slicing discriminator's path starts at an element the sliced element has (an Extension has id,
 *     extension, url and value[x]; `type` is none of them).
 *   - the baseDefinition chain ends at a definition without one: a profile derived from itself, or through
 *     others back to itself, has no snapshot. A warning, as every profile whose snapshot cannot be built
 *     (./profile-issues.ts), and as the Java validator reports it ("Unable to find base ... so can't check
 *     the differential");
 *   - obligation profiles (the inherit-obligations extension, from the R5 extensions pack; the Java validator's
 *     StructureDefinitionValidator): a profile inheriting obligations names a profile that is known, is marked
 *     as an obligation profile (the obligation-profile extension, true) and has the same baseDefinition.
 * Profiles and bases that are not known here are not judged.
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { isDeepStrictEqual } from 'node:util';
import type { Definitions, ProfileIssue } from './profile.ts';
import { SnapshotError, snapshotOf } from './snapshot.ts';

const CORE = 'http://hl7.org/fhir/StructureDefinition/';
const ANY_RESOURCE = new Set(['Resource', 'DomainResource']);

export function checkStructureDefinition(resource: Record<string, unknown>, defs: Definitions): ProfileIssue[] {
  if (resource.resourceType !== 'StructureDefinition') return [];
  const sd = resource as unknown as StructureDefinition;
  const issues: ProfileIssue[] = [];
  const error = (expression: string, rule: string, message: string) => issues.push({ severity: 'error', expression, rule, message });
  for (const part of ['differential', 'snapshot'] as const) {
    (Array.isArray(sd[part]?.element) ? sd[part]!.element : []).forEach((e, i) => {
      const codes = (Array.isArray(e?.type) ? e.type : []).map((t) => t?.code);
      if (new Set(codes).size !== codes.length) error(`StructureDefinition.${part}.element[${i}]`, 'eld-13', 'eld-13: Types must be unique by code');
    });
  }
  const loop = circularBase(sd, defs);
  if (loop) {
    issues.push({ severity: 'warning', expression: 'StructureDefinition.baseDefinition', rule: 'baseDefinition', message: `The baseDefinition chain is circular (${loop.join(' -> ')}), so the differential cannot be checked` });
    return issues;
  }
  obligations(sd, defs, error);
  const base = baseSnapshot(sd, defs);
  (sd.differential?.element ?? []).forEach((e, i) => {
    if (typeof e?.path !== 'string') return; // the structure check reports an element without a path
    const at = `StructureDefinition.differential.element[${i}]`;
    typeProfiles(e, at, defs, error);
    if (!base) return;
    choiceName(e, base, at, error);
    if (sd.derivation === 'constraint') fixedKept(e, base, at, error);
    discriminators(e, base, at, defs, error);
  });
  return issues;
}

type Report = (expression: string, rule: string, message: string) => void;

/** The chain of urls back to the start, when following baseDefinition comes back to a url already passed */
function circularBase(sd: StructureDefinition, defs: Definitions): string[] | undefined {
  const bare = (u: string): string => u.split('|')[0];
  const chain = [bare(sd.url ?? '')];
  let base = sd.baseDefinition;
  while (base) {
    const url = bare(base);
    if (chain.includes(url)) return [...chain, url];
    chain.push(url);
    base = defs.structureDefinition(url)?.baseDefinition;
  }
  return undefined;
}

const INHERIT_OBLIGATIONS = `${CORE}inherit-obligations`;
const OBLIGATION_PROFILE = [`${CORE}obligation-profile`, 'http://hl7.org/fhir/tools/StructureDefinition/obligation-profile'];

function obligations(sd: StructureDefinition, defs: Definitions, error: Report): void {
  (Array.isArray(sd.extension) ? sd.extension : []).forEach((ext, i) => {
    if (ext?.url !== INHERIT_OBLIGATIONS) return;
    const at = `StructureDefinition.extension[${i}]`;
    const target = ext.valueCanonical;
    if (typeof target !== 'string') return error(at, 'obligations', 'An inherit-obligations extension names the profile it inherits from (valueCanonical)');
    const other = defs.structureDefinition(target);
    if (!other) return error(at, 'obligations', `The profile '${target}' that obligations are inherited from could not be found`);
    if (!(other.extension ?? []).some((e) => OBLIGATION_PROFILE.includes(e.url) && e.valueBoolean === true)) {
      return error(at, 'obligations', `The profile '${target}' is not marked as an obligation profile`);
    }
    if (other.baseDefinition !== sd.baseDefinition) {
      error(at, 'obligations', `The profile '${target}' has a different base '${other.baseDefinition ?? ''}' from that expected '${sd.baseDefinition ?? ''}'`);
    }
  });
}

function baseSnapshot(sd: StructureDefinition, defs: Definitions): ElementDefinition[] | undefined {
  const base = sd.baseDefinition ? defs.structureDefinition(sd.baseDefinition) : undefined;
  if (!base) return undefined;
  try {
    return snapshotOf(base, defs.structureDefinition);
  } catch (e) {
    if (e instanceof SnapshotError) return undefined;
    throw e;
  }
}

function typeProfiles(e: ElementDefinition, at: string, defs: Definitions, error: Report): void {
  (Array.isArray(e.type) ? e.type : []).forEach((t, j) => (Array.isArray(t?.profile) ? t.profile : []).forEach((url, k) => {
    if (typeof url !== 'string') return;
    const p = defs.structureDefinition(url);
    if (!p?.type || p.type === t.code || (ANY_RESOURCE.has(t.code) && p.kind === 'resource')) return;
    error(`${at}.type[${j}].profile[${k}]`, 'type-profile', `Profile ${url} is for type ${p.type}, but the ${e.path} element has type ${t.code}`);
  }));
}

const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('.'));
const lastOf = (path: string): string => path.slice(path.lastIndexOf('.') + 1);
const upper = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The base element a differential element constrains: by id, else by path (a renamed choice by its choice) */
function baseElement(e: ElementDefinition, base: ElementDefinition[]): ElementDefinition | undefined {
  return base.find((b) => b.id === e.id) ?? (e.sliceName || e.id?.includes(':') ? undefined : base.find((b) => b.path === e.path && !b.sliceName));
}

function choiceName(e: ElementDefinition, base: ElementDefinition[], at: string, error: Report): void {
  if (base.some((b) => b.path === e.path)) return;
  const parent = parentOf(e.path);
  const name = lastOf(e.path);
  const choice = base.find((b) => b.path.endsWith('[x]') && parentOf(b.path) === parent && name.startsWith(lastOf(b.path).slice(0, -3)));
  if (!choice) return; // an element below a type the base does not expand: not judged here
  const suffix = name.slice(lastOf(choice.path).length - 3);
  const types = (choice.type ?? []).map((t) => t.code);
  if (!types.some((t) => upper(t) === suffix)) {
    error(at, 'choice', `The path ${e.path} names no type of ${choice.path} (${types.join(', ')}): it must be ${choice.path} or ${parent}.${lastOf(choice.path).slice(0, -3)}<Type>`);
  }
}

function fixedKept(e: ElementDefinition, base: ElementDefinition[], at: string, error: Report): void {
  const b = baseElement(e, base);
  if (!b) return;
  for (const [k, want] of Object.entries(b as unknown as Record<string, unknown>)) {
    if (!k.startsWith('fixed')) continue;
    const mine = (e as unknown as Record<string, unknown>)[k];
    if (mine !== undefined && !isDeepStrictEqual(mine, want)) {
      error(at, 'fixed', `${e.path}: Value is ${JSON.stringify(mine)} but is fixed to ${JSON.stringify(want)} in the base profile, and a constraint cannot change it`);
    }
  }
}

/** The names of the children of the element at `path`, by its one type (or the base's own children) */
function childNames(e: ElementDefinition, base: ElementDefinition[], defs: Definitions): string[] | undefined {
  const b = baseElement(e, base) ?? base.find((x) => x.path === e.path);
  const types = e.type?.length ? e.type : b?.type ?? [];
  if (types.length > 1) return undefined;
  const code = types[0]?.code;
  if (code === undefined || code === 'BackboneElement' || code === 'Element') {
    const own = base.filter((x) => parentOf(x.path) === e.path).map((x) => lastOf(x.path));
    return own.length > 0 ? own : undefined;
  }
  const type = defs.structureDefinition(`${CORE}${code}`);
  if (!type?.snapshot?.element || type.kind === 'resource' || type.kind === 'primitive-type') return undefined;
  return type.snapshot.element.filter((x) => parentOf(x.path) === code).map((x) => lastOf(x.path));
}

function discriminators(e: ElementDefinition, base: ElementDefinition[], at: string, defs: Definitions, error: Report): void {
  const list = e.slicing?.discriminator ?? [];
  if (list.length === 0) return;
  const names = childNames(e, base, defs);
  if (!names) return;
  list.forEach((d, j) => {
    if (typeof d?.path !== 'string') return; // the structure check reports a discriminator without a path
    const first = d.path.split('.')[0];
    if (d.path === '$this' || !/^[A-Za-z][A-Za-z0-9]*$/.test(first)) return; // functions (extension(), resolve(), ofType()) are not judged
    if (names.some((n) => n === first || (n.endsWith('[x]') && first === n.slice(0, -3)))) return;
    error(`${at}.slicing.discriminator[${j}]`, 'discriminator', `The discriminator path '${d.path}' does not appear to be valid for the element that is being sliced '${e.path}'`);
  });
}
