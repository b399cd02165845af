/**
 * Validation of a resource against a profile's snapshot (https://hl7.org/fhir/R4/profiling.html,
 * https://hl7.org/fhir/R4/validation.html#profiles): what a profile adds to the base definitions, which the
 * structure check (./index.ts) has already applied.
 *
 * Checked here, element by element down the snapshot's tree:
 *   - cardinality (min/max), of elements and of each slice;
 *   - fixed[x] (exact) and pattern[x] (the instance contains the pattern) values;
 *   - slicing: each repetition is assigned to the first slice whose discriminators match (value and pattern
 *     on a path, exists, type; `url` on extensions, from the slice's fixed url or the extension profile it
 *     names; profile: the element conforms to the slice's type profile; type and profile on `x.resolve()`: the
 *     resource a reference points to inside what is validated, by the slice's targetProfile); rules closed
 *     (no other repetition allowed) and openAtEnd (others only after the slices);
 *   - the children of each matched slice against the slice's own definitions;
 *   - a reference that resolves inside what is validated (contained, Bundle entries by fullUrl) points to a
 *     resource that meets one of the element's targetProfiles that are profiles (not just a type);
 *   - invariants the profile adds (constraints whose source is not an R4 base definition, which the base check
 *     evaluates; a core profile such as vitalsigns counts as a profile), with the FHIRPath engine of
 *     ../fhirpath.ts;
 *   - required bindings whose value set can be expanded locally (explicit concepts, or whole code systems
 *     the resolver holds): a code outside is an error; extensible ones are a warning;
 *   - re-slicing (`identifier:fnr/official`, profiling.html#reslicing): a slice's values among its re-slices, by
 *     the slice's own slicing (from published snapshots: ./snapshot.ts does not generate re-slices);
 *   - an element typed with profiles (`HumanName(no-basis-HumanName)`) meets one of them.
 * A slicing with a discriminator not evaluated here (FHIRPath in the path beyond resolve()) is not judged at
 * all, so an unsupported rule never rejects a valid resource. Not yet: bindings on value sets that need a terminology server.
 *
 * The same checker is the write path's base check (validateBase): the resource against the R4 definition of its
 * type, descending into data types and nested resources by their definitions, with the base invariants (error
 * severity; ele-1, ext-1, dom-2..5, bdl-3/4/7 natively, the boolean-path subset through ../fhirpath-quick.ts).
 * Each element's rules are read off its definition once (Plan); an object's children are found by its keys;
 * profile validation passes over a profile's unchanged copies of base elements (skippable).
 *
 * A compiled view of each snapshot (its element tree) is kept per StructureDefinition object, as long as the
 * object lives (the server's registry keeps them until a conformance resource is written: issue: validation,
 * point 2).
 */
import type { ElementDefinition, Questionnaire, StructureDefinition } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { Terminology } from '../../terminology/service.ts';
import type { ProfileTarget } from './profile-issues.ts';
import { isDeepStrictEqual } from 'node:util';
import { canonical } from '../../search/ucum.ts';
import { compileFhirPath } from '../fhirpath.ts';
import { quickInvariant } from '../fhirpath-quick.ts';
import { SnapshotError, snapshotOf, type Resolver } from './snapshot.ts';
import { hasNarrativeControl, narrativeControlIssues } from './narrative-control.ts';

export interface ProfileIssue {
  severity: 'error' | 'warning';
  /** FHIRPath of the element at fault */
  expression: string;
  message: string;
  /** the rule: cardinality, fixed, pattern, slicing, invariant key, binding */
  rule: string;
}

/** Everything the profile validator may need to look up: profiles, extensions, value sets, code systems */
export interface Definitions {
  structureDefinition: Resolver;
  /** the Questionnaire a QuestionnaireResponse answers (./questionnaire.ts) */
  questionnaire?: (url: string) => Questionnaire | undefined;
  /** any resource by canonical url, of whatever type (Measure, Library; ./measure.ts, ./questionnaire.ts) */
  resource?: (url: string) => import('@medplum/fhirtypes').Resource | undefined;
  /** value set expansion for bindings (src/terminology) */
  terminology?: Terminology;
}

interface Node {
  def: ElementDefinition;
  /** the name in the instance: `identifier`, `value[x]` */
  name: string;
  children: Node[];
  slices: Node[];
  /** the element's rules, compiled on first use (./profile.ts planOf) */
  plan?: Plan;
  /** the tree's elements by id (shared by every node of a tree): contentReference targets */
  byId: Map<string, Node>;
  /** the children by JSON name, compiled on first use (indexChildren) */
  index?: ChildIndex;
  /** its fixed[x] or pattern[x], read on first use (fixedOrPattern) */
  want?: { value: unknown };
  /** profile validation may pass over it (skippable) */
  skippable?: boolean;
}

/** What checking a value against an element needs, read off its ElementDefinition once */
interface Plan {
  /** the JSON names the element takes (a choice: valueQuantity, valueString, ...) and, beside each, its type code */
  names: readonly string[];
  codes: readonly string[];
  /** the name without `[x]`, for messages */
  bare: string;
  /** `_name` of each name: a primitive's id and extensions */
  extNames: readonly string[];
  /** a choice of many types: the object's keys are scanned rather than every name looked up */
  byName?: Map<string, number>;
  min: number;
  max: number;
  /** fixed[x], pattern[x], minValue[x], maxValue[x] */
  values: readonly [kind: 'fixed' | 'pattern' | 'minValue' | 'maxValue', want: unknown][];
  maxLength?: number;
  minLength?: number;
  binding?: { valueSet: string; strength: 'required' | 'extensible'; expanded?: { defs: Definitions; codes: Set<string> | undefined; bare: Set<string> | undefined } };
  narrative: boolean;
  /** the single data type's profiles an element is typed with (HumanName(no-basis-HumanName)) */
  typeProfiles?: string[];
  /** Reference targetProfiles */
  targets: readonly string[];
  /** of `targets`, per lookup object: the profiles among them, and the resource type each names */
  targetInfo?: { defs: Definitions; constraints: string[]; types: (string | undefined)[] };
  /** invariants the profile adds (core: false) and the core definitions' error invariants (core: true) */
  invariants: readonly Invariant[];
  coreInvariants: readonly Invariant[];
  /** coreInvariants has one a primitive value does not meet by having a value (anything but ele-1) */
  primitiveInvariants: boolean;
  /**
   * Base mode has nothing to check on it: one primitive type (not a choice, whose types may clash), optional, a
   * maximum of 1 or * (the JSON schema tells an array from a single value), and no rule but ele-1
   */
  plainPrimitive: boolean;
  /** mustHaveValue or valueAlternatives are set */
  valueControls: boolean;
  /** the slicing's discriminators can all be evaluated here */
  slicing: boolean;
  /** base mode: where a value's children are defined, by its type (./profile.ts Checker.#typeRoot) */
  typeRoots?: Map<string, TypeRoot | null>;
}

interface TypeRoot { node: Node; invariants: readonly Invariant[] }

interface ChildIndex {
  /** JSON name (and `_name`) -> the child's position */
  byKey: Map<string, number>;
  /** children checked whether present or not: a minimum above 0, slices (whose own minimums count) */
  always: number[];
}

/**
 * Whether profile validation may pass over an element and everything below it: a copy of the base definition's
 * element (its cardinality the base's, optional) that adds nothing the base check (validateBase) does not
 * judge: no slices, choice, fixed, pattern or bounds, invariants of its own, binding (the base check judges
 * none), type profiles, reference targets, length or value controls. The element tree of a profile's snapshot
 * lists every element of its type, and most are such copies (no-basis-Patient: name, gender, contact...).
 */
function skippable(n: Node, defs: Definitions): boolean {
  if (n.skippable !== undefined) return n.skippable;
  const p = planOf(n, defs);
  const d = n.def;
  const own = n.slices.length > 0 || n.name.endsWith('[x]') || p.min > 0 || d.base === undefined || d.max !== d.base.max
    || p.values.length > 0 || p.invariants.length > 0 || p.binding !== undefined || p.typeProfiles !== undefined || p.targets.length > 0
    || p.narrative || p.valueControls || p.maxLength !== undefined || p.minLength !== undefined || d.contentReference !== undefined;
  n.skippable = !own && n.children.every((c) => skippable(c, defs));
  return n.skippable;
}

function indexChildren(n: Node, defs: Definitions): ChildIndex {
  const byKey = new Map<string, number>();
  const always: number[] = [];
  n.children.forEach((c, i) => {
    const plan = planOf(c, defs);
    plan.names.forEach((name, j) => {
      byKey.set(name, i);
      byKey.set(plan.extNames[j], i);
    });
    if (plan.min > 0 || c.slices.length > 0) always.push(i);
  });
  n.index = { byKey, always };
  return n.index;
}

interface Invariant { key: string; severity: 'error' | 'warning'; human: string; expression: string; native?: (v: unknown) => boolean | undefined }

const CORE = 'http://hl7.org/fhir/StructureDefinition/';
type Json = Record<string, unknown>;

const MIN_LENGTH = 'http://hl7.org/fhir/StructureDefinition/minLength';
const MUST_HAVE_VALUE = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.mustHaveValue';
const VALUE_ALTERNATIVES = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.valueAlternatives';

/** The profiles each resource is being checked against right now (reference cycles end there) */
const conforming = new WeakMap<object, Set<string>>();

/** Per StructureDefinition object: two profiles with one url (a new upload, another test case) never share */
const trees = new WeakMap<StructureDefinition, Node>();

/** The element tree of a profile's snapshot (cached per StructureDefinition) */
function treeOf(sd: StructureDefinition, defs: Definitions): Node {
  let root = trees.get(sd);
  if (!root) {
    const elements = snapshotOf(sd, defs.structureDefinition);
    const byId = new Map<string, Node>();
    for (const e of elements) {
      const id = e.id ?? e.path;
      const segs = id.split('.');
      const last = segs[segs.length - 1];
      const node: Node = { def: e, name: last.split(':')[0], children: [], slices: [], byId };
      byId.set(id, node);
      if (segs.length === 1) {
        root = node;
        continue;
      }
      if (last.includes(':')) {
        // a slice belongs to its element; a re-slice (`identifier:a/b`, profiling.html#reslicing) to its slice `a`
        const [name, slice] = [last.slice(0, last.indexOf(':')), last.slice(last.indexOf(':') + 1)];
        const parent = slice.includes('/') ? `${name}:${slice.slice(0, slice.lastIndexOf('/'))}` : name;
        byId.get([...segs.slice(0, -1), parent].join('.'))?.slices.push(node);
      } else {
        byId.get(segs.slice(0, -1).join('.'))?.children.push(node);
      }
    }
    if (!root) throw new Error(`${sd.url}: empty snapshot`);
    trees.set(sd, root);
  }
  return root;
}

const upper = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const TERMINOLOGY_TYPES = new Set(['code', 'Coding', 'CodeableConcept']);
/** Types whose type profiles are judged elsewhere: by url, by target, by resource type */
const NOT_TYPE_PROFILED = new Set(['Extension', 'Reference', 'Resource', 'canonical']);
/** Choices with more types than this are matched by scanning the object's keys (Extension.value[x] has 50) */
const SCAN_CHOICES = 6;

/**
 * The invariants every R4 element or resource carries, evaluated natively (they run on every element, and
 * the FHIRPath engine costs microseconds each); each is used only where the definition's expression is the R4
 * text below, so a profile that rewrites one gets its own expression evaluated. `undefined`: ask FHIRPath.
 */
const NATIVE: Record<string, { expression: string; test: (v: unknown) => boolean | undefined }> = {
  // element.html#invs: a value, or children besides id
  'ele-1': { expression: 'hasValue() or (children().count() > id.count())', test: (v) => v === null || typeof v !== 'object' || Object.keys(v).some((k) => k !== 'id' && (v as Json)[k] !== undefined) },
  // extensibility.html: an extension has nested extensions or a value, not both
  'ext-1': {
    expression: 'extension.exists() != value.exists()',
    test: (v) => {
      if (v === null || typeof v !== 'object') return undefined;
      const o = v as Json;
      const ext = Array.isArray(o.extension) && o.extension.length > 0;
      let value = false;
      for (const k in o) if ((k.startsWith('value') || k.startsWith('_value')) && k.length > (k[0] === '_' ? 6 : 5) && o[k] !== undefined && o[k] !== null) value = true;
      return ext !== value;
    },
  },
  // domainresource.html#invs: about contained resources; true when there are none
  'dom-2': { expression: 'contained.contained.empty()', test: noContained },
  'dom-4': { expression: 'contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()', test: noContained },
  'dom-5': { expression: 'contained.meta.security.empty()', test: noContained },
  // every contained resource is referred to from elsewhere in the resource, or refers to its container ('#')
  'dom-3': { expression: '', test: containedReferenced },
  // bundle.html#invs: they run over every entry of a Bundle, which through FHIRPath costs ~50 µs per 10 entries
  'bdl-3': {
    expression: "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or %resource.type = 'history'))",
    test: (v) => entriesAll(v, 'request', ['batch', 'transaction', 'history']),
  },
  'bdl-4': {
    expression: "entry.all(response.exists() = (%resource.type = 'batch-response' or %resource.type = 'transaction-response' or %resource.type = 'history'))",
    test: (v) => entriesAll(v, 'response', ['batch-response', 'transaction-response', 'history']),
  },
  'bdl-7': {
    expression: "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()",
    test: (v) => {
      const b = v as Json;
      if (b.type === 'history') return true;
      if (typeof b.type !== 'string' || !Array.isArray(b.entry)) return undefined;
      const seen = new Set<string>();
      for (const e of b.entry as (Json | null)[]) {
        if (typeof e?.fullUrl !== 'string') continue;
        const version = ((e.resource as Json | undefined)?.meta as Json | undefined)?.versionId;
        const key = `${e.fullUrl}${typeof version === 'string' ? version : ''}`;
        if (seen.has(key)) return false;
        seen.add(key);
      }
      return true;
    },
  },
};

/** bdl-3 and bdl-4: every entry has `part` exactly when the Bundle's type is one of `types` */
function entriesAll(v: unknown, part: string, types: string[]): boolean | undefined {
  const b = v as Json;
  if (typeof b.type !== 'string') return undefined; // empty in the comparison: FHIRPath's business
  if (b.entry === undefined) return true;
  if (!Array.isArray(b.entry)) return undefined;
  const want = types.includes(b.type);
  return (b.entry as (Json | null)[]).every((e) => (e?.[part] !== undefined && e?.[part] !== null) === want);
}

function noContained(v: unknown): boolean | undefined {
  const c = (v as Json | null)?.contained;
  return c === undefined || (Array.isArray(c) && c.length === 0) ? true : undefined;
}

/**
 * dom-3 (domainresource.html#invs, the R4 expression abridged: `contained.where(('#'+id in (%resource.descendants()
 * .reference | .as(canonical) | .as(uri) | .as(url))) or descendants().where(reference = '#').exists() or
 * descendants().where(as(canonical) = '#').exists()).not().empty()`): JSON does not type its strings, so any
 * string `#id` (a reference, canonical, uri or url) counts as a reference to `id`, and so does a narrative link or image
 * (`<img src="#id">`, binary-ref-internal: the Java validator's reading). Natively because fhirpath.js
 * refuses `.as()` on a collection ("Expected singleton on left side of 'as'") and would raise it on every resource
 * with contained resources.
 */
function containedReferenced(v: unknown): boolean | undefined {
  const contained = (v as Json | null)?.contained;
  if (contained === undefined || (Array.isArray(contained) && contained.length === 0)) return true;
  if (!Array.isArray(contained)) return undefined;
  const local = new Set<string>();
  const collect = (x: unknown, key?: string): void => {
    if (typeof x === 'string') {
      // the narrative refers by its links and images (`<img src="#id">`), as the Java validator reads dom-3
      if (key === 'div') for (const m of x.matchAll(/\b(?:src|href)\s*=\s*["'](#[^"']+)["']/g)) local.add(m[1]);
      else if (x.charCodeAt(0) === 35 /* # */) local.add(x);
    } else if (Array.isArray(x)) for (const y of x) collect(y);
    else if (x !== null && typeof x === 'object') for (const k in x as Json) collect((x as Json)[k], k);
  };
  collect(v);
  return contained.every((c) => {
    const id = (c as Json | null)?.id;
    if (typeof id !== 'string' || local.has(`#${id}`)) return true;
    // a contained resource that refers to its container
    const own = new Set<string>();
    const mine = (x: unknown): void => {
      if (typeof x === 'string') {
        if (x === '#') own.add(x);
      } else if (Array.isArray(x)) for (const y of x) mine(y);
      else if (x !== null && typeof x === 'object') for (const k in x as Json) if (k !== 'div') mine((x as Json)[k]);
    };
    mine(c);
    return own.size > 0;
  });
}

function nativeTest(key: string, expression: string): ((v: unknown) => boolean | undefined) | undefined {
  const n = NATIVE[key];
  if (!n) return undefined;
  // dom-3's expression is long; it is native only for the no-contained case, which any reading agrees on
  return n.expression === '' || n.expression === expression ? n.test : undefined;
}

/** Whether a constraint comes from an R4 base definition (a resource or data type, not a core profile such as vitalsigns) */
function isCoreSource(source: string | undefined, defs: Definitions): boolean {
  if (source === undefined) return true;
  if (!source.startsWith(CORE)) return false;
  return defs.structureDefinition(source)?.derivation !== 'constraint';
}

/** The element's rules, read off its definition once */
function planOf(n: Node, defs: Definitions): Plan {
  if (n.plan) return n.plan;
  const def = n.def;
  const types = def.type ?? [];
  const choice = n.name.endsWith('[x]');
  const names = choice ? types.map((t) => n.name.slice(0, -3) + upper(t.code)) : [n.name];
  const codes = choice ? types.map((t) => t.code) : [def.contentReference ? '' : types.length === 1 ? types[0].code : ''];
  const values: [Plan['values'][number][0], unknown][] = [];
  for (const [k, want] of Object.entries(def)) {
    if (k.startsWith('fixed')) values.push(['fixed', want]);
    else if (k.startsWith('pattern')) values.push(['pattern', want]);
    else if (k.startsWith('minValue')) values.push(['minValue', want]);
    else if (k.startsWith('maxValue')) values.push(['maxValue', want]);
  }
  const b = def.binding;
  const binding = b?.valueSet && (b.strength === 'required' || b.strength === 'extensible') && types.some((t) => TERMINOLOGY_TYPES.has(t.code))
    ? { valueSet: b.valueSet, strength: b.strength } : undefined;
  const invariants: Invariant[] = [];
  const coreInvariants: Invariant[] = [];
  for (const con of def.constraint ?? []) {
    if (!con.expression) continue;
    const inv: Invariant = { key: con.key, severity: con.severity === 'warning' ? 'warning' : 'error', human: con.human, expression: con.expression };
    if (!isCoreSource(con.source, defs)) invariants.push(inv);
    // the base definitions' own: errors only (warnings such as dom-6 are best practice), txt-1 and txt-2 natively
    // in ./narrative.ts; the rest natively where above
    else if (inv.severity === 'error' && con.key !== 'txt-1' && con.key !== 'txt-2') coreInvariants.push({ ...inv, native: nativeTest(con.key, con.expression) });
  }
  const own = def as ElementDefinition & { mustHaveValue?: boolean; valueAlternatives?: string[] };
  const plan: Plan = {
    names,
    codes,
    bare: n.name.replace('[x]', ''),
    extNames: names.map((x) => `_${x}`),
    ...(names.length > SCAN_CHOICES ? { byName: new Map(names.flatMap((x, i) => [[x, i], [`_${x}`, i]] as [string, number][])) } : {}),
    min: def.min ?? 0,
    max: def.max === undefined || def.max === '*' ? Infinity : Number(def.max),
    values,
    ...(def.maxLength !== undefined ? { maxLength: def.maxLength } : {}),
    ...(() => {
      const minLength = def.extension?.find((e) => e.url === MIN_LENGTH)?.valueInteger;
      return minLength !== undefined ? { minLength } : {};
    })(),
    ...(binding ? { binding } : {}),
    narrative: hasNarrativeControl(def),
    ...(types.length === 1 && types[0].profile?.length && !NOT_TYPE_PROFILED.has(types[0].code) ? { typeProfiles: types[0].profile } : {}),
    targets: types.filter((t) => t.code === 'Reference').flatMap((t) => t.targetProfile ?? []),
    invariants,
    coreInvariants,
    primitiveInvariants: coreInvariants.some((i) => i.key !== 'ele-1' || !i.native),
    plainPrimitive: false,
    valueControls: own.mustHaveValue !== undefined || own.valueAlternatives !== undefined || (def.extension ?? []).some((e) => e.url === MUST_HAVE_VALUE || e.url === VALUE_ALTERNATIVES),
    slicing: n.slices.length > 0 && supported(def.slicing?.discriminator ?? []),
  };
  plan.plainPrimitive = names.length === 1 && codes[0] !== '' && codes[0].charCodeAt(0) >= 97 && plan.min === 0 && (plan.max === 1 || plan.max === Infinity)
    && !plan.primitiveInvariants && values.length === 0 && plan.targets.length === 0 && plan.maxLength === undefined && plan.minLength === undefined
    && !plan.valueControls && !plan.narrative && n.slices.length === 0 && n.children.length === 0;
  n.plan = plan;
  return plan;
}

export interface ProfileOptions {
  /** Judge the type a relative reference names (`Group/1`) against targetProfile (default true: on a FHIR
   * server a relative reference's type is its type; the Java validator does it with assumeValidRestReferences) */
  referenceTypes?: boolean;
  /** Where the resource sits in the one being validated (`Bundle.entry[2].resource`): issues are prefixed */
  at?: string;
  /** The resource it sits in (the Bundle of an entry), where its references are resolved (bundle.html#references) */
  container?: Json;
}

export function validateProfile(resource: Json, sd: StructureDefinition, defs: Definitions, opts: ProfileOptions = {}): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  const root = treeOf(sd, defs);
  const at = opts.at ?? String(resource.resourceType);
  if (sd.type && resource.resourceType !== sd.type) {
    issues.push({ severity: 'error', expression: at, rule: 'type', message: `The profile ${sd.url} is for ${sd.type}, not ${String(resource.resourceType)}` });
    return issues;
  }
  new Checker(defs, issues, resource, opts.referenceTypes ?? true, sd.url ?? '', opts.container).node(resource, root, at, undefined);
  return issues;
}

/**
 * A resource against the R4 base definition of its type (the write path's deeper check, ./structure-definitions.ts):
 * cardinality, choices (one type only), the base invariants of error severity, and reference target types (a
 * warning), walking down into every data type and nested resource by its own definition. Undefined when the
 * type has no definition here.
 */
export function validateBase(resource: Json, defs: Definitions, at: string = String(resource.resourceType)): ProfileIssue[] | undefined {
  const sd = defs.structureDefinition(CORE + String(resource.resourceType));
  if (!sd) return undefined;
  const issues: ProfileIssue[] = [];
  new Checker(defs, issues, resource, true, sd.url ?? '', undefined, true).node(resource, treeOf(sd, defs), at, undefined);
  return issues;
}

/** A data type value (an extension, say) against its definition's snapshot; `at` is where it sits */
export function validateElement(value: Json, sd: StructureDefinition, defs: Definitions, at: string): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  new Checker(defs, issues, value, true, sd.url ?? '').node(value, treeOf(sd, defs), at, undefined);
  return issues;
}

/**
 * The resources inside `resource` that claim profiles, with where they sit: the resource itself, contained
 * resources, Bundle entries and Parameters resources (recursively). Each claimed profile applies to its own
 * resource (validation.html#profiles).
 */
/**
 * Every resource in `resource`, itself first, then depth first: contained resources, Bundle entries and
 * Parameters resources; each with where it sits and the resource it sits in (the outermost one, where its
 * references resolve).
 */
export function resourcesWithin(resource: Json, at: string = String(resource.resourceType), container?: Json): Omit<ProfileTarget, 'url'>[] {
  const out: Omit<ProfileTarget, 'url'>[] = [{ resource, at, ...(container ? { container } : {}) }];
  /** the resources in `list`, at `path[i]`, or at `path[i].resource` when they sit in a `resource` property */
  const inner = (list: unknown, path: string, wrapped: boolean) => {
    if (!Array.isArray(list)) return;
    list.forEach((x, i) => {
      const r = wrapped ? (x as Json | null)?.resource : x;
      if (r && typeof r === 'object' && typeof (r as Json).resourceType === 'string') out.push(...resourcesWithin(r as Json, `${path}[${i}]${wrapped ? '.resource' : ''}`, container ?? resource));
    });
  };
  inner(resource.contained, `${at}.contained`, false);
  if (resource.resourceType === 'Bundle') inner(resource.entry, `${at}.entry`, true);
  if (resource.resourceType === 'Parameters') inner(resource.parameter, `${at}.parameter`, true);
  return out;
}

/** The profiles each resource in `resource` claims (meta.profile), in resourcesWithin's order */
export function claimedProfiles(resource: Json, at: string = String(resource.resourceType), container?: Json): ProfileTarget[] {
  return resourcesWithin(resource, at, container).flatMap((r) => {
    const claims = (r.resource.meta as { profile?: unknown } | undefined)?.profile;
    return Array.isArray(claims) ? claims.map((url) => ({ ...r, url: String(url) })) : [];
  });
}

class Checker {
  readonly #defs: Definitions;
  readonly #issues: ProfileIssue[];
  readonly #resource: Json;

  readonly #referenceTypes: boolean;
  /** the profile's url, for messages */
  readonly #profile: string;

  /** where references resolve: the Bundle the resource sits in, or the resource itself */
  readonly #root: Json;

  /** the base definitions' mode (validateBase): their invariants, and data types and nested resources descended into */
  readonly #core: boolean;

  constructor(defs: Definitions, issues: ProfileIssue[], resource: Json, referenceTypes: boolean, profile: string, container?: Json, core = false) {
    this.#core = core;
    this.#defs = defs;
    this.#issues = issues;
    this.#resource = resource;
    this.#referenceTypes = referenceTypes;
    this.#profile = profile;
    this.#root = container ?? resource;
  }

  readonly #sliceContext: SliceContext = {
    resolve: (r) => this.#resolve(r),
    conforms: (value, profiles) => this.#conforms(value, profiles),
  };

  /**
   * The resource a Reference points to when it is inside what is validated: `#id` a contained resource of the
   * resource at hand (or of the root); in a Bundle, the entry whose fullUrl is the reference, absolute or
   * relative to the RESTful base of the referring entry's fullUrl (bundle.html#references)
   */
  #resolve(r: unknown): Json | undefined {
    const ref = (r as { reference?: unknown } | null)?.reference;
    if (typeof ref !== 'string') return undefined;
    const cur = this.#current ?? this.#resource;
    if (ref.startsWith('#')) {
      const id = ref.slice(1);
      for (const holder of [cur, this.#resource, this.#root]) {
        const found = (Array.isArray(holder.contained) ? (holder.contained as Json[]) : []).find((c) => c?.id === id);
        if (found) return found;
      }
      return undefined;
    }
    if (this.#root.resourceType !== 'Bundle' || !Array.isArray(this.#root.entry)) return undefined;
    const entries = this.#root.entry as Json[];
    const bare = ref.replace(/\/_history\/[A-Za-z0-9\-.]{1,64}$/, '');
    let url = bare;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(bare)) {
      const own = entries.find((e) => e?.resource === cur || e?.resource === this.#resource)?.fullUrl;
      const m = typeof own === 'string' ? /^(https?:\/\/.+\/)[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.exec(own) : null;
      if (!m) return undefined;
      url = m[1] + bare;
    }
    const hits = entries.filter((e) => e?.fullUrl === url && e.resource && typeof e.resource === 'object');
    return hits.length === 1 ? (hits[0].resource as Json) : undefined;
  }

  /** Whether `value` meets one of the profiles (undefined when none is known or can be used here) */
  #conforms(value: Json, profiles: string[]): boolean | undefined {
    let known = false;
    for (const url of profiles) {
      const sd = this.#defs.structureDefinition(url);
      if (!sd) continue;
      const busy = conforming.get(value) ?? new Set<string>();
      // a profile whose references lead back to a resource already being checked against it (patient links
      // in a circle): that check is under way, the cycle adds nothing
      if (busy.has(sd.url ?? url)) return true;
      busy.add(sd.url ?? url);
      conforming.set(value, busy);
      try {
        const found = typeof value.resourceType === 'string'
          ? validateProfile(value, sd, this.#defs, { referenceTypes: this.#referenceTypes, container: this.#root })
          : validateElement(value, sd, this.#defs, 'value');
        known = true;
        if (!found.some((i) => i.severity === 'error')) return true;
      } catch (e) {
        if (!(e instanceof SnapshotError)) throw e;
      } finally {
        busy.delete(sd.url ?? url);
        if (busy.size === 0) conforming.delete(value);
      }
    }
    return known ? false : undefined;
  }

  #issue(severity: ProfileIssue['severity'], expression: string, rule: string, message: string): void {
    this.#issues.push({ severity, expression, rule, message });
  }

  /** The resource an element belongs to (a contained one below contained[], or the root): %resource */
  #current: Json | undefined;

  /** The resource that is not contained which the element sits in: %rootResource */
  #rootResource: Json | undefined;

  /**
   * One value against the element `n` and its children. `model` is the value's path in the FHIR model
   * (`Practitioner.name` for a name of a contained Practitioner; undefined for a resource, which its
   * resourceType types), so FHIRPath knows what it navigates (type(), choices). %resource is the resource the
   * element belongs to: for a contained resource itself still its container, for the elements inside it the
   * contained one (the Java validator's reading, test case contained-invariant).
   */
  node(value: unknown, n: Node, path: string, model: string | undefined, code = ''): void {
    const plan = planOf(n, this.#defs);
    this.#invariants(value, plan.invariants, plan.coreInvariants, path, model);
    if (value === null || typeof value !== 'object') return;
    const outer = this.#current;
    const outerRoot = this.#rootResource;
    const isResource = typeof (value as Json).resourceType === 'string';
    if (isResource) {
      this.#current = value as Json;
      // %rootResource: a contained resource's container; a Bundle entry's or a Parameters resource its own
      if (n.name !== 'contained') this.#rootResource = value as Json;
    }
    try {
      const base = isResource ? String((value as Json).resourceType) : model;
      let parent = n;
      if (this.#core && n.children.length === 0) {
        const target = this.#typeRoot(value as Json, n, plan, code);
        if (target) {
          // the type's own invariants (per-1 on Period, obs-6 on Observation)
          this.#invariants(value, [], target.invariants, path, base);
          parent = target.node;
        }
      }
      const children = parent.children;
      if (children.length === 0) return;
      // the children present, and those that must be looked at when absent, in the definition's order: an
      // object has a few of its type's many elements
      const ix = parent.index ?? indexChildren(parent, this.#defs);
      let picked: number[] | undefined;
      for (const k in value as Json) {
        const i = ix.byKey.get(k);
        if (i !== undefined) (picked ??= []).push(i);
      }
      if (ix.always.length > 0) {
        if (picked) for (const i of ix.always) picked.push(i);
        else picked = ix.always.slice();
      }
      if (!picked) return;
      // insertion sort: a handful of items, most often in order already
      for (let a = 1; a < picked.length; a++) {
        const x = picked[a];
        let b = a - 1;
        while (b >= 0 && picked[b] > x) {
          picked[b + 1] = picked[b];
          b--;
        }
        picked[b + 1] = x;
      }
      let last = -1;
      for (const i of picked) {
        if (i === last) continue;
        last = i;
        const c = children[i];
        // a profile's copy of a base element with nothing of its own: the base check covers it; in the base
        // check, a primitive that only the JSON structure check has rules for
        if (this.#core ? (c.plan ?? planOf(c, this.#defs)).plainPrimitive : skippable(c, this.#defs)) continue;
        this.#child(value as Json, c, path, base);
      }
    } finally {
      this.#current = outer;
      this.#rootResource = outerRoot;
    }
  }

  /**
   * Base mode: where the children of a value whose element lists none are defined: the element a
   * contentReference names (Questionnaire.item.item), a nested resource's definition, or its data type's
   */
  #typeRoot(value: Json, n: Node, plan: Plan, code: string): TypeRoot | undefined {
    const type = typeof value.resourceType === 'string' ? value.resourceType : code;
    plan.typeRoots ??= new Map();
    let found = plan.typeRoots.get(type);
    if (found === undefined) {
      let node: Node | undefined;
      const ref = n.def.contentReference;
      if (ref) node = n.byId.get(ref.slice(ref.indexOf('#') + 1));
      else if (!(type === '' || type === 'Element' || type === 'BackboneElement' || type === 'Resource' || type.charCodeAt(0) >= 97 /* a primitive */)) {
        const sd = this.#defs.structureDefinition(CORE + type);
        node = sd ? treeOf(sd, this.#defs) : undefined;
      }
      // the invariants the element repeats (ele-1) are not evaluated twice
      found = node ? { node, invariants: planOf(node, this.#defs).coreInvariants.filter((i) => !plan.coreInvariants.some((x) => x.key === i.key)) } : null;
      plan.typeRoots.set(type, found);
    }
    return found ?? undefined;
  }

  #child(obj: Json, c: Node, path: string, model: string | undefined): void {
    const plan = c.plan ?? planOf(c, this.#defs);
    // the common case without a list of values: one name, no `_name`, no slices
    if (plan.names.length === 1 && c.slices.length === 0 && obj[plan.extNames[0]] === undefined) {
      const name = plan.names[0];
      const v = obj[name];
      if (v === undefined || v === null) {
        if (plan.min > 0) this.#cardinality(0, plan, `${path}.${plan.bare}`, c.def.id ?? c.def.path);
        return;
      }
      const m = model === undefined ? undefined : `${model}.${name}`;
      if (!Array.isArray(v)) {
        if (plan.min > 1) this.#cardinality(1, plan, `${path}.${plan.bare}`, c.def.id ?? c.def.path);
        this.#value(v, c, plan, plan.max === 1 ? `${path}.${name}` : `${path}.${name}[0]`, m, plan.codes[0]);
        return;
      }
      let count = 0;
      for (const x of v) if (x !== null && x !== undefined) count++;
      if (count !== v.length) return this.#values(obj, c, plan, path, model); // nulls: as valuesOf reads them
      if (count < plan.min || count > plan.max) this.#cardinality(count, plan, `${path}.${plan.bare}`, c.def.id ?? c.def.path);
      const many = plan.max !== 1;
      for (let i = 0; i < v.length; i++) this.#value(v[i], c, plan, many ? `${path}.${name}[${i}]` : `${path}.${name}`, m, plan.codes[0]);
      return;
    }
    this.#values(obj, c, plan, path, model);
  }

  /** #child through the list of values: choices, primitives with extensions, slices */
  #values(obj: Json, c: Node, plan: Plan, path: string, model: string | undefined): void {
    const values = valuesOf(obj, plan);
    if (values.length === 0 && plan.min === 0 && c.slices.length === 0) return;
    const many = plan.max !== 1;
    if (values.length < plan.min || values.length > plan.max) this.#cardinality(values, plan, `${path}.${plan.bare}`, c.def.id ?? c.def.path);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const at = many ? `${path}.${v.name}[${i}]` : `${path}.${v.name}`;
      if (v.value === undefined) {
        if (plan.valueControls) this.#valueAbsent(v.ext, c.def, at);
        continue;
      }
      this.#value(v.value, c, plan, at, model === undefined ? undefined : `${model}.${v.name}`, v.code);
    }
    // a slicing whose discriminators cannot all be evaluated here is not judged at all: no guess either way
    if (plan.slicing && this.#profilesKnown(c)) {
      if (values.length === 0) for (const s of c.slices) this.#cardinality(0, planOf(s, this.#defs), `${path}.${c.name}`, s.def.id!);
      // a resolve() discriminator judges only when every reference resolves here (else: no verdict)
      else if (this.#allResolve(values.map((v) => v.value), c)) {
        this.#slicing(values.map((v, i) => ({ ...v, at: many ? `${path}.${v.name}[${i}]` : `${path}.${v.name}`, model: model === undefined ? undefined : `${model}.${v.name}` })), c, path);
      }
    }
  }

  #allResolve(values: unknown[], c: Node): boolean {
    for (const d of c.def.slicing?.discriminator ?? []) {
      const resolving = RESOLVE_PATH.exec(d.path);
      if (!resolving) continue;
      for (const v of values) {
        const refs = resolving[1] ? at(v, resolving[1]) : [v];
        if (refs.length === 0 || refs.some((r) => this.#resolve(r) === undefined)) return false;
      }
    }
    return true;
  }

  /** A profile discriminator judges only when every slice names a profile known here (else: no verdict) */
  #profilesKnown(c: Node): boolean {
    for (const d of c.def.slicing?.discriminator ?? []) {
      if (d.type !== 'profile') continue;
      const resolving = RESOLVE_PATH.exec(d.path);
      for (const s of c.slices) {
        const target = resolving ? (resolving[1] ? descendant(s, resolving[1]) : s) : d.path === '$this' ? s : descendant(s, d.path);
        const urls = (target?.def.type ?? []).flatMap((t) => (resolving ? t.targetProfile : t.profile) ?? []);
        if (!urls.some((u) => this.#defs.structureDefinition(u))) return false;
      }
    }
    return true;
  }

  /** `found`: the values, or (a slice's) their number */
  #cardinality(found: readonly Value[] | number, plan: Plan, expression: string, id: string): void {
    const values = typeof found === 'number' ? NONE : found;
    const count = typeof found === 'number' ? found : found.length;
    if (count < plan.min) {
      if (this.#core && count === 0) this.#issue('error', expression, 'cardinality', `Missing required element '${expression.slice(expression.lastIndexOf('.') + 1)}'`);
      else this.#issue('error', expression, 'cardinality', `${id}: minimum required = ${plan.min}, but only found ${count}`);
    }
    if (count > plan.max) {
      // json.html#choice: one type only
      const other = this.#core && plan.names.length > 1 ? values.find((v) => v.name !== values[0].name) : undefined;
      if (other) this.#issue('error', `${expression.slice(0, expression.lastIndexOf('.'))}.${other.name}`, 'cardinality', `Conflicting choice of type properties: "${other.name}", "${values[0].name}"`);
      else this.#issue('error', expression, 'cardinality', `${id}: max allowed = ${plan.max}, but found ${count}`);
    }
  }

  /**
   * A primitive present through its extensions only (json.html#primitive), against R5's value controls
   * (elementdefinition.html#ElementDefinition.mustHaveValue, .valueAlternatives; R4 profiles carry them as the
   * cross-version extensions): mustHaveValue forbids that; valueAlternatives names the extensions one of which
   * must then stand in for the value.
   */
  #valueAbsent(ext: unknown, def: ElementDefinition, at: string): void {
    const own = def as ElementDefinition & { mustHaveValue?: boolean; valueAlternatives?: string[] };
    const exts = def.extension ?? [];
    const must = own.mustHaveValue ?? exts.find((e) => e.url === MUST_HAVE_VALUE)?.valueBoolean;
    if (must === true) {
      this.#issue('error', at, 'mustHaveValue', `The element definition ${def.id ?? def.path} in the profile '${this.#profile}' requires that a value be present in this element`);
      return;
    }
    const alternatives = [...(own.valueAlternatives ?? []), ...exts.filter((e) => e.url === VALUE_ALTERNATIVES).map((e) => e.valueCanonical).filter((u): u is string => !!u)];
    if (alternatives.length === 0) return;
    const present = ((ext as { extension?: { url?: unknown }[] } | null)?.extension ?? []).map((e) => e?.url);
    if (!alternatives.some((u) => present.includes(u.split('|')[0]))) {
      this.#issue('error', at, 'valueAlternatives', `The element definition ${def.id ?? def.path} in the profile '${this.#profile}' requires that if a value is not present, one of the extensions ${alternatives.join(', ')} must be present`);
    }
  }

  /** fixed, pattern, binding, then the children */
  #value(v: unknown, n: Node, plan: Plan, at: string, model: string | undefined, code: string): void {
    if (v === undefined) return; // a primitive present through its extensions only
    for (const [kind, want] of plan.values) {
      if (kind === 'fixed' && !isDeepStrictEqual(v, want)) this.#issue('error', at, 'fixed', `Value must be exactly ${JSON.stringify(want)}, found ${JSON.stringify(v)}`);
      if (kind === 'pattern' && !contains(v, want)) this.#issue('error', at, 'pattern', `Value must contain the pattern ${JSON.stringify(want)}, found ${JSON.stringify(v)}`);
      if (kind === 'minValue' && below(v, relativeToNow(v, want, -1))) this.#issue('error', at, 'minValue', `The value ${show(v)} is less than the minimum ${show(want)}`);
      if (kind === 'maxValue' && below(relativeToNow(v, want, 1), v)) this.#issue('error', at, 'maxValue', `The value ${show(v)} is greater than the maximum ${show(want)}`);
    }
    if (typeof v === 'string' && (plan.maxLength !== undefined || plan.minLength !== undefined)) {
      const length = [...v].length;
      if (plan.maxLength !== undefined && length > plan.maxLength) {
        this.#issue('error', at, 'maxLength', `The value is ${length} characters long, more than the maximum length ${plan.maxLength}`);
      }
      // the minLength extension on ElementDefinition (R4 core extension, R5's ElementDefinition.minLength)
      if (plan.minLength !== undefined && length < plan.minLength) {
        this.#issue('error', at, 'minLength', `Value '${v}' is shorter than permitted minimum length of ${plan.minLength}`);
      }
    }
    if (plan.binding && !this.#core) this.#binding(v, plan.binding, at);
    if (plan.narrative) this.#issues.push(...narrativeControlIssues(v, n.def, (this.#current ?? this.#resource).language, this.#profile, at));
    if (plan.typeProfiles && !this.#core) this.#typeProfiles(v, plan.typeProfiles, at);
    if (plan.targets.length > 0) this.#referenceTarget(v, plan, at);
    // a primitive has no children; its invariants other than ele-1 (which a value meets) are rare
    if (typeof v === 'object' || plan.invariants.length > 0 || (this.#core && plan.primitiveInvariants)) this.node(v, n, at, model, code);
  }

  /**
   * A literal reference's type is one the element's targetProfiles allow (references.html, profiling); when it
   * resolves inside what is validated (contained, Bundle entries), the target meets one of the profiles
   */
  #referenceTarget(v: unknown, plan: Plan, at: string): void {
    const ref = (v as { reference?: unknown } | null)?.reference;
    if (typeof ref !== 'string') return;
    // what the targets are, looked up once per element and lookup object
    let info = plan.targetInfo;
    if (info?.defs !== this.#defs) {
      info = plan.targetInfo = {
        defs: this.#defs,
        constraints: plan.targets.filter((u) => this.#defs.structureDefinition(u)?.derivation === 'constraint'),
        types: plan.targets.map((u) => this.#defs.structureDefinition(u)?.type ?? (u.startsWith(CORE) ? u.slice(CORE.length) : undefined)),
      };
    }
    if (info.constraints.length > 0) {
      const resolved = this.#resolve(v);
      if (resolved && this.#conforms(resolved, info.constraints) === false) {
        this.#issue('error', at, 'reference', `Unable to find a profile match for ${ref} among choices: ${info.constraints.join(', ')}`);
      }
    }
    if (!this.#referenceTypes || ref.startsWith('#') || ref.startsWith('urn:')) return; // contained, urn: judged elsewhere
    if (info.types.some((t) => t === undefined || t === 'Resource')) return;
    const m = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(ref);
    if (!m || info.types.includes(m[1])) return; // not a literal: judged elsewhere
    // the base definitions' target types: a warning (a write is not refused on them; Medplum's reading too)
    this.#issue(this.#core ? 'warning' : 'error', at, 'reference', `The type '${m[1]}' implied by the reference URL ${ref} is not a valid Target for this element (must be one of [${info.types.join(', ')}])`);
  }

  /** A data type element typed with profiles (Patient.name: HumanName(no-basis-HumanName)) meets one of them */
  #typeProfiles(v: unknown, urls: readonly string[], at: string): void {
    if (v === null || typeof v !== 'object') return;
    const profiles = urls.map((u) => this.#defs.structureDefinition(u)).filter((p): p is StructureDefinition => p !== undefined);
    if (profiles.length === 0) return; // unknown profiles give no verdict
    const results = profiles.map((p) => {
      try {
        return validateElement(v as Json, p, this.#defs, at).filter((i) => i.severity === 'error');
      } catch {
        return []; // a profile the snapshot generator cannot expand: no verdict
      }
    });
    if (results.some((r) => r.length === 0)) return;
    if (profiles.length === 1) this.#issues.push(...results[0]);
    else this.#issue('error', at, 'profile', `Unable to find a match for the specified profile among choices: ${profiles.map((p) => p.url).join(', ')}`);
  }

  #slicing(values: (Value & { at: string; model: string | undefined })[], c: Node, path: string): void {
    const slicing = c.def.slicing;
    const counts = new Map<Node, number>();
    let inSlice: Map<Node, typeof values> | undefined;
    let unmatchedSeen = false;
    values.forEach((v) => {
      const slice = c.slices.find((s) => matchesSlice(v.value, v.name, s, slicing?.discriminator ?? [], this.#sliceContext));
      if (!slice) {
        unmatchedSeen = true;
        if (slicing?.rules === 'closed') this.#issue('error', v.at, 'slicing', `${c.def.id}: this element does not match any of the slices (${c.slices.map((s) => s.def.sliceName).join(', ')}) and the slicing is closed`);
        return;
      }
      if (slicing?.rules === 'openAtEnd' && unmatchedSeen) {
        this.#issue('error', v.at, 'slicing', `${c.def.id}: elements that match no slice must come after the slices (openAtEnd)`);
      }
      counts.set(slice, (counts.get(slice) ?? 0) + 1);
      this.#value(v.value, slice, planOf(slice, this.#defs), v.at, v.model, v.code);
      if (slice.slices.length > 0) (inSlice ??= new Map()).set(slice, [...(inSlice.get(slice) ?? []), v]);
    });
    for (const s of c.slices) {
      const plan = planOf(s, this.#defs);
      const count = counts.get(s) ?? 0;
      if (count < plan.min || count > plan.max) this.#cardinality(count, plan, `${path}.${c.name}`, s.def.id!);
      // re-slicing: the values of slice s among its own slices, by its own slicing (profiling.html#reslicing);
      // a slice that is absent (its own minimum allows it) leaves its re-slices unjudged
      const within = inSlice?.get(s);
      if (within && supported(s.def.slicing?.discriminator ?? [])) this.#slicing(within, s, path);
    }
  }

  /** Invariants: those the profile adds, or in base mode the base definitions' own */
  #invariants(value: unknown, own: readonly Invariant[], core: readonly Invariant[], at: string, model: string | undefined): void {
    if (value === undefined) return;
    if (own.length > 0) this.#evaluate(value, own, at, model, false);
    if (this.#core && core.length > 0) this.#evaluate(value, core, at, model, true);
  }

  /** `base`: the base definitions' invariants, reported in the words of the deeper check ("Constraint obs-6 not met") */
  #evaluate(value: unknown, invariants: readonly Invariant[], at: string, model: string | undefined, base: boolean): void {
    for (const inv of invariants) {
      let ok = inv.native?.(value) ?? quickInvariant(inv.expression, value);
      if (ok === undefined) {
        try {
          const typed = model !== undefined && !(value !== null && typeof value === 'object' && 'resourceType' in value);
          const out = compileFhirPath(inv.expression, typed ? model : undefined)(value, { resource: this.#current ?? this.#resource, rootResource: this.#rootResource ?? this.#resource });
          ok = out.length === 0 || out.every((x) => x === true || (x as { valueOf?: () => unknown })?.valueOf?.() === true);
        } catch (e) {
          this.#issue('warning', at, inv.key, `${inv.key}: the invariant could not be evaluated: ${(e as Error).message.split('\n')[0]}`);
          continue;
        }
      }
      if (!ok) this.#issue(inv.severity, at, inv.key, base ? `Constraint ${inv.key} not met: ${inv.human}` : `${inv.key}: ${inv.human}`);
    }
  }

  #binding(v: unknown, b: NonNullable<Plan['binding']>, at: string): void {
    if (b.expanded?.defs !== this.#defs) {
      const codes = expand(b.valueSet, this.#defs);
      // a bare code (a `code` element, a Coding without system) is in the value set when some system has it
      b.expanded = { defs: this.#defs, codes, bare: codes && new Set([...codes].map((k) => k.slice(k.indexOf('|') + 1))) };
    }
    const { codes, bare } = b.expanded;
    if (!codes || !bare) return; // not expandable here: no verdict rather than a wrong one
    const offered = codingsOf(v);
    if (offered.length === 0) return;
    if (!offered.some((c) => codes.has(`${c.system ?? ''}|${c.code}`) || (c.system === undefined && bare.has(c.code)))) {
      this.#issue(b.strength === 'required' ? 'error' : 'warning', at, 'binding',
        `None of the codes (${offered.map((c) => `${c.system ?? ''}#${c.code}`).join(', ')}) is in the value set ${b.valueSet} (${b.strength})`);
    }
  }
}

/** One value of an element: the JSON name it came from (choices: valueQuantity), its type code, and `_name` */
interface Value { value: unknown; name: string; code: string; ext?: unknown }


/** The values of an element in an object, with the JSON name each came from (choices: valueQuantity, ...) */
function valuesOf(obj: Json, plan: Plan): Value[] {
  let out: Value[] | undefined;
  if (plan.byName) {
    let seen: number[] | undefined;
    for (const k in obj) {
      const i = plan.byName.get(k);
      if (i !== undefined && !seen?.includes(i)) {
        (seen ??= []).push(i);
        out = take(obj, plan, i, out);
      }
    }
  } else {
    for (let i = 0; i < plan.names.length; i++) out = take(obj, plan, i, out);
  }
  return out ?? NONE;
}

/** valuesOf for one of the element's names */
function take(obj: Json, plan: Plan, i: number, out: Value[] | undefined): Value[] | undefined {
  const name = plan.names[i];
  const v = obj[name];
  const ext = obj[plan.extNames[i]];
  if ((v === undefined || v === null) && (ext === undefined || ext === null)) return out;
  const code = plan.codes[i];
  out ??= [];
  if (ext === undefined || ext === null) {
    if (!Array.isArray(v)) out.push({ value: v, name, code });
    else for (const x of v) if (x !== null && x !== undefined) out.push({ value: x, name, code });
    return out;
  }
  // a primitive with only an id or extensions (`_active`) is present (json.html#primitive)
  const values = v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
  const exts = Array.isArray(ext) ? ext : [ext];
  for (let j = 0; j < Math.max(values.length, exts.length); j++) {
    const x = values[j] ?? null;
    if (x !== null) out.push({ value: x, name, code });
    else if (exts[j] !== null && exts[j] !== undefined) out.push({ value: undefined, name, code, ext: exts[j] });
  }
  return out;
}

const NONE: Value[] = [];

const PLAIN_PATH = /^(\$this|[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*)$/;
/** `item.resolve()`, `resolve()`: the resource a reference at the path points to */
const RESOLVE_PATH = /^(?:([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)\.)?resolve\(\)$/;

/** Discriminators this validator evaluates: value, pattern and exists on plain paths; type and profile on $this,
 * a path, or a path's resolve() (profiling.html#discriminator) */
function supported(discriminators: { type: string; path: string }[]): boolean {
  return discriminators.length > 0 && discriminators.every((d) => (['value', 'pattern', 'exists', 'type', 'profile'].includes(d.type) && PLAIN_PATH.test(d.path))
    || ((d.type === 'type' || d.type === 'profile') && RESOLVE_PATH.test(d.path)));
}

/** What matching a slice may need beyond the value: references resolved, profiles checked */
interface SliceContext {
  resolve(reference: unknown): Json | undefined;
  /** whether `value` conforms to one of the profiles; undefined when none of them is known */
  conforms(value: Json, profiles: string[]): boolean | undefined;
}

/** Whether a repetition belongs to a slice, by the slicing's discriminators */
function matchesSlice(v: unknown, jsonName: string, s: Node, discriminators: { type: string; path: string }[], ctx: SliceContext): boolean {
  if (discriminators.length === 0) return false;
  return discriminators.every((d) => {
    const resolving = RESOLVE_PATH.exec(d.path);
    if (resolving) {
      // the slice names the target by its Reference's targetProfile; the value's reference must resolve here
      const refPath = resolving[1];
      const target = refPath ? descendant(s, refPath) : s;
      const wanted = (target?.def.type ?? []).flatMap((t) => t.targetProfile ?? []);
      const resolved = (refPath ? at(v, refPath) : [v]).map((r) => ctx.resolve(r));
      if (wanted.length === 0 || resolved.length === 0 || resolved.some((r) => r === undefined)) return false;
      if (d.type === 'type') {
        const types = wanted.map((u) => (u.startsWith(CORE) ? u.slice(CORE.length) : undefined));
        return resolved.every((r) => types.includes(String(r!.resourceType)));
      }
      return resolved.every((r) => ctx.conforms(r!, wanted) === true);
    }
    if (d.type === 'profile') {
      // the element at the path conforms to one of the profiles of the slice's type there
      const target = d.path === '$this' ? s : descendant(s, d.path);
      const profiles = (target?.def.type ?? []).flatMap((t) => t.profile ?? []);
      const values = (d.path === '$this' ? [v] : at(v, d.path)).filter((x): x is Json => x !== null && typeof x === 'object');
      return profiles.length > 0 && values.length > 0 && values.every((x) => ctx.conforms(x, profiles) === true);
    }
    if (d.type === 'type') {
      if (d.path === '$this') {
        const types = (s.def.type ?? []).map((t) => t.code.toLowerCase());
        // a resource's type is its resourceType; a choice's is in its JSON name
        const own = (v as { resourceType?: string } | null)?.resourceType?.toLowerCase();
        return types.some((t) => t === own || jsonName.toLowerCase().endsWith(t));
      }
      const target = descendant(s, d.path);
      const types = (target?.def.type ?? []).map((t) => t.code.toLowerCase());
      // a resource at the path (Bundle.entry.resource): its resourceType is its type
      const resources = at(v, d.path).filter((x) => typeof (x as Json | null)?.resourceType === 'string');
      if (resources.length > 0) return resources.every((r) => types.includes(String((r as Json).resourceType).toLowerCase()));
      const parent = d.path.includes('.') ? at(v, d.path.slice(0, d.path.lastIndexOf('.'))) : [v];
      const base = d.path.slice(d.path.lastIndexOf('.') + 1);
      const present = parent.flatMap((o) => (o && typeof o === 'object' ? Object.keys(o as Json) : [])).filter((k) => k.startsWith(base) && k.length > base.length);
      return present.length > 0 && present.every((k) => types.includes(k.slice(base.length).toLowerCase()));
    }
    const target = d.path === '$this' ? s : descendant(s, d.path);
    const actual = d.path === '$this' ? [v] : at(v, d.path);
    if (d.type === 'exists') {
      const required = target !== undefined && (target.def.min ?? 0) >= 1;
      const forbidden = target !== undefined && target.def.max === '0';
      return required ? actual.length > 0 : forbidden ? actual.length === 0 : false;
    }
    if (d.type === 'value' || d.type === 'pattern') {
      let want = target ? fixedOrPattern(target) : undefined;
      // an extension slice names its url by the profile it is typed with
      if (want === undefined && d.path === 'url') want = s.def.type?.[0]?.profile?.[0];
      // no value to match, but the slice forbids the element: it matches when the element is absent
      if (want === undefined && target?.def.max === '0') return actual.length === 0;
      // a slice that sets no value for this discriminator is not constrained by it (type-subtype-slicing1)
      if (want === undefined) return unconstrainedOk(s, discriminators);
      return actual.some((a) => contains(a, want));
    }
    return false; // profile discriminators: not yet
  });
}

/** Whether a < b for the ordered types minValue/maxValue apply to (numbers, dates and times, Quantities of one
 * dimension after UCUM conversion); false when they cannot be compared */
function below(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') {
    const n = Math.min(a.length, b.length); // compare at the shared precision (2025 against 2025-01-01)
    return a.slice(0, n) < b.slice(0, n);
  }
  const qa = a as { value?: number; code?: string; system?: string } | null;
  const qb = b as { value?: number; code?: string; system?: string } | null;
  if (typeof qa?.value === 'number' && typeof qb?.value === 'number') {
    if (!qa.code || !qb.code || qa.code === qb.code) return qa.code === qb.code ? qa.value < qb.value : false;
    const x = canonical(qa.value, qa.code);
    const y = canonical(qb.value, qb.code);
    return x !== undefined && y !== undefined && x.code === y.code && x.value < y.value;
  }
  return false;
}

/** UCUM time units a Duration bound is given in, as calendar steps */
const TIME_UNITS: Record<string, (d: Date, n: number) => void> = {
  a: (d, n) => d.setUTCFullYear(d.getUTCFullYear() + n),
  mo: (d, n) => d.setUTCMonth(d.getUTCMonth() + n),
  wk: (d, n) => d.setUTCDate(d.getUTCDate() + 7 * n),
  d: (d, n) => d.setUTCDate(d.getUTCDate() + n),
  h: (d, n) => d.setTime(d.getTime() + n * 3_600_000),
  min: (d, n) => d.setTime(d.getTime() + n * 60_000),
  s: (d, n) => d.setTime(d.getTime() + n * 1000),
  ms: (d, n) => d.setTime(d.getTime() + n),
};

/**
 * A minValue/maxValue that is a Duration (minValueDuration, R5's reading, used by R4 profiles too) bounds a
 * date, dateTime or instant relative to the current time: the minimum is now minus the duration, the maximum
 * now plus it. Any other bound is returned as it is.
 */
function relativeToNow(v: unknown, bound: unknown, sign: 1 | -1): unknown {
  const q = bound as { value?: unknown; code?: unknown; system?: unknown } | null;
  if (typeof v !== 'string' || !/^\d{4}/.test(v) || typeof q?.value !== 'number' || typeof q.code !== 'string') return bound;
  const step = TIME_UNITS[q.code];
  if (!step || (q.system !== undefined && q.system !== 'http://unitsofmeasure.org')) return bound;
  const d = new Date();
  step(d, sign * q.value);
  return d.toISOString();
}

const show = (v: unknown): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A slice may leave a discriminator open only if it fixes at least one of them (else it would match all) */
function unconstrainedOk(s: Node, discriminators: { type: string; path: string }[]): boolean {
  return discriminators.some((d) => {
    const t = d.path === '$this' ? s : descendant(s, d.path);
    return t !== undefined && (fixedOrPattern(t) !== undefined || t.def.max === '0');
  });
}

function descendant(n: Node, path: string): Node | undefined {
  let cur: Node | undefined = n;
  for (const name of pathSegments(path)) cur = cur?.children.find((c) => c.name === name || c.name === `${name}[x]`);
  return cur;
}

/** Simple dotted-path navigation (what slicing discriminators use) */
function at(v: unknown, path: string): unknown[] {
  let cur: unknown[] = [v];
  for (const name of pathSegments(path)) {
    const next: unknown[] = [];
    for (const x of cur) {
      if (x === null || typeof x !== 'object') continue;
      const y = (x as Json)[name];
      if (y === undefined) continue;
      if (Array.isArray(y)) for (const z of y) next.push(z);
      else next.push(y);
    }
    cur = next;
  }
  return cur;
}

/** A discriminator path's names (split once per path) */
const segments = new Map<string, string[]>();
function pathSegments(path: string): string[] {
  let s = segments.get(path);
  if (!s) segments.set(path, (s = path.split('.')));
  return s;
}

/** The element's fixed[x] or pattern[x] value (read once per element) */
function fixedOrPattern(n: Node): unknown {
  if (!n.want) {
    let value: unknown;
    for (const [k, v] of Object.entries(n.def)) {
      if (k.startsWith('fixed') || k.startsWith('pattern')) {
        value = v;
        break;
      }
    }
    n.want = { value };
  }
  return n.want.value;
}

/** The instance contains the pattern (profiling.html#pattern): every property of the pattern is present with a
 * matching value; for arrays, every pattern item matches some instance item */
function contains(v: unknown, pattern: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return v === pattern;
  if (Array.isArray(pattern)) return Array.isArray(v) && pattern.every((p) => v.some((x) => contains(x, p)));
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  return Object.entries(pattern as Json).every(([k, p]) => {
    const x = (v as Json)[k];
    if (Array.isArray(p)) return contains(Array.isArray(x) ? x : x === undefined ? [] : [x], p);
    return contains(x, p);
  });
}

interface Coding { system?: string; code: string }

function codingsOf(v: unknown): Coding[] {
  if (typeof v === 'string') return [{ code: v }];
  if (v === null || typeof v !== 'object') return [];
  const o = v as Json;
  if (Array.isArray(o.coding)) return (o.coding as Json[]).filter((c) => typeof c.code === 'string').map((c) => ({ system: c.system as string | undefined, code: c.code as string }));
  if (typeof o.code === 'string') return [{ system: o.system as string | undefined, code: o.code }];
  return [];
}

/** Expansions per lookup object: two definition sets with one value set url (test cases, uploads) never share */
const expansions = new WeakMap<Definitions, Map<string, Set<string> | null>>();

/** `system|code` of every code in a value set, when the terminology service can expand it here */
export function expand(url: string, defs: Definitions): Set<string> | undefined {
  let cache = expansions.get(defs);
  if (!cache) expansions.set(defs, (cache = new Map()));
  const key = url.split('|')[0];
  if (!cache.has(key)) {
    const vs = defs.terminology?.valueSet(key);
    let out: Set<string> | null = null;
    if (vs) {
      try {
        out = new Set(defs.terminology!.concepts(vs).map((c) => `${c.system}|${c.code}`));
      } catch (e) {
        if (!(e instanceof FhirError)) throw e; // not expandable here: no verdict
      }
    }
    cache.set(key, out);
  }
  return cache.get(key) ?? undefined;
}
