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
 *   - invariants the profile adds (constraints whose source is not an R4 core definition: those are checked
 *     by the structure check), with the FHIRPath engine of ./../fhirpath.ts;
 *   - required bindings whose value set can be expanded locally (explicit concepts, or whole code systems
 *     the resolver holds): a code outside is an error; extensible ones are a warning.
 * A slicing with a discriminator not evaluated here (profile, resolve() and other FHIRPath in the path) is
 * not judged at all, so an unsupported rule never rejects a valid resource.
 * Not yet: re-slicing, bindings on value sets that need a terminology server,
 * and type profiles of elements (an element typed `Reference(no-basis-Patient)` or `HumanName(no-basis-...)`
 * is checked against the base type only).
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
}

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
      const node: Node = { def: e, name: last.split(':')[0], children: [], slices: [] };
      byId.set(id, node);
      if (segs.length === 1) {
        root = node;
        continue;
      }
      if (last.includes(':')) {
        const sliced = byId.get([...segs.slice(0, -1), last.split(':')[0]].join('.'));
        sliced?.slices.push(node);
      } else {
        byId.get(segs.slice(0, -1).join('.'))?.children.push(node);
      }
    }
    if (!root) throw new Error(`${sd.url}: empty snapshot`);
    trees.set(sd, root);
  }
  return root;
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

  constructor(defs: Definitions, issues: ProfileIssue[], resource: Json, referenceTypes: boolean, profile: string, container?: Json) {
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

  /**
   * One value against the element `n` and its children. `model` is the value's path in the FHIR model
   * (`Practitioner.name` for a name of a contained Practitioner; undefined for a resource, which its
   * resourceType types), so FHIRPath knows what it navigates (type(), choices). %resource is the resource the
   * element belongs to: for a contained resource itself still its container, for the elements inside it the
   * contained one (the Java validator's reading, test case contained-invariant).
   */
  node(value: unknown, n: Node, path: string, model: string | undefined): void {
    this.#invariants(value, n, path, model);
    if (value === null || typeof value !== 'object') return;
    const outer = this.#current;
    const isResource = typeof (value as Json).resourceType === 'string';
    if (isResource) this.#current = value as Json;
    try {
      const base = isResource ? String((value as Json).resourceType) : model;
      for (const child of n.children) this.#child(value as Json, child, path, base);
    } finally {
      this.#current = outer;
    }
  }

  #child(obj: Json, c: Node, path: string, model: string | undefined): void {
    const values = valuesOf(obj, c);
    const where = (i: number, name: string) => (c.def.max === '1' ? `${path}.${name}` : `${path}.${name}[${i}]`);
    const modelOf = (name: string) => (model === undefined ? undefined : `${model}.${name}`);
    this.#cardinality(values.length, c.def, `${path}.${c.name.replace('[x]', '')}`, c.def.id ?? c.def.path);
    values.forEach((v, i) => {
      if (v.value === undefined) this.#valueAbsent(v.ext, c.def, where(i, v.name));
      this.#value(v.value, c, where(i, v.name), modelOf(v.name));
    });
    // a slicing whose discriminators cannot all be evaluated here is not judged at all: no guess either way
    if (c.slices.length > 0 && supported(c.def.slicing?.discriminator ?? []) && this.#profilesKnown(c)) {
      if (values.length === 0) for (const s of c.slices) this.#cardinality(0, s.def, `${path}.${c.name}`, s.def.id!);
      // a resolve() discriminator judges only when every reference resolves here (else: no verdict)
      else if (this.#allResolve(values.map((v) => v.value), c)) this.#slicing(values.map((v, i) => ({ ...v, at: where(i, v.name), model: modelOf(v.name) })), c, path);
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

  #cardinality(count: number, def: ElementDefinition, expression: string, id: string): void {
    if (def.min !== undefined && count < def.min) this.#issue('error', expression, 'cardinality', `${id}: minimum required = ${def.min}, but only found ${count}`);
    if (def.max !== undefined && def.max !== '*' && count > Number(def.max)) this.#issue('error', expression, 'cardinality', `${id}: max allowed = ${def.max}, but found ${count}`);
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
  #value(v: unknown, n: Node, at: string, model: string | undefined): void {
    if (v === undefined) return; // a primitive present through its extensions only
    const def = n.def as unknown as Json;
    for (const [k, want] of Object.entries(def)) {
      if (k.startsWith('fixed') && !isDeepStrictEqual(v, want)) this.#issue('error', at, 'fixed', `Value must be exactly ${JSON.stringify(want)}, found ${JSON.stringify(v)}`);
      if (k.startsWith('pattern') && !contains(v, want)) this.#issue('error', at, 'pattern', `Value must contain the pattern ${JSON.stringify(want)}, found ${JSON.stringify(v)}`);
      if (k.startsWith('minValue') && below(v, relativeToNow(v, want, -1))) this.#issue('error', at, 'minValue', `The value ${show(v)} is less than the minimum ${show(want)}`);
      if (k.startsWith('maxValue') && below(relativeToNow(v, want, 1), v)) this.#issue('error', at, 'maxValue', `The value ${show(v)} is greater than the maximum ${show(want)}`);
    }
    if (n.def.maxLength !== undefined && typeof v === 'string' && [...v].length > n.def.maxLength) {
      this.#issue('error', at, 'maxLength', `The value is ${[...v].length} characters long, more than the maximum length ${n.def.maxLength}`);
    }
    // the minLength extension on ElementDefinition (R4 core extension, R5's ElementDefinition.minLength)
    const minLength = n.def.extension?.find((e) => e.url === MIN_LENGTH)?.valueInteger;
    if (minLength !== undefined && typeof v === 'string' && [...v].length < minLength) {
      this.#issue('error', at, 'minLength', `Value '${v}' is shorter than permitted minimum length of ${minLength}`);
    }
    this.#binding(v, n.def, at);
    if (hasNarrativeControl(n.def)) this.#issues.push(...narrativeControlIssues(v, n.def, (this.#current ?? this.#resource).language, this.#profile, at));
    this.#typeProfiles(v, n.def, at);
    this.#referenceTarget(v, n.def, at);
    this.node(v, n, at, model);
  }

  /**
   * A literal reference's type is one the element's targetProfiles allow (references.html, profiling); when it
   * resolves inside what is validated (contained, Bundle entries), the target meets one of the profiles
   */
  #referenceTarget(v: unknown, def: ElementDefinition, at: string): void {
    const ref = (v as { reference?: unknown } | null)?.reference;
    if (typeof ref !== 'string') return;
    const targets = (def.type ?? []).filter((t) => t.code === 'Reference').flatMap((t) => t.targetProfile ?? []);
    if (targets.length === 0) return;
    const resolved = this.#resolve(v);
    if (resolved) {
      const constraints = targets.filter((u) => this.#defs.structureDefinition(u)?.derivation === 'constraint');
      if (constraints.length > 0 && this.#conforms(resolved, constraints) === false) {
        this.#issue('error', at, 'reference', `Unable to find a profile match for ${ref} among choices: ${constraints.join(', ')}`);
      }
    }
    if (!this.#referenceTypes) return;
    const m = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(ref);
    if (!m || ref.startsWith('#') || ref.startsWith('urn:')) return; // contained, urn or not a literal: judged elsewhere
    const types = targets.map((u) => this.#defs.structureDefinition(u)?.type ?? (u.startsWith(CORE) ? u.slice(CORE.length) : undefined));
    if (types.some((t) => t === undefined || t === 'Resource' || t === m[1])) return;
    this.#issue('error', at, 'reference', `The type '${m[1]}' implied by the reference URL ${ref} is not a valid Target for this element (must be one of [${types.join(', ')}])`);
  }

  /** A data type element typed with profiles (Patient.name: HumanName(no-basis-HumanName)) meets one of them */
  #typeProfiles(v: unknown, def: ElementDefinition, at: string): void {
    const types = def.type ?? [];
    if (types.length !== 1 || !types[0].profile?.length || v === null || typeof v !== 'object') return;
    if (['Extension', 'Reference', 'Resource', 'canonical'].includes(types[0].code)) return; // by url, target or type, elsewhere
    const profiles = types[0].profile.map((u) => this.#defs.structureDefinition(u)).filter((p): p is StructureDefinition => p !== undefined);
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

  #slicing(values: { value: unknown; name: string; at: string; model: string | undefined }[], c: Node, path: string): void {
    const slicing = c.def.slicing;
    const counts = new Map<Node, number>();
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
      this.#value(v.value, slice, v.at, v.model);
    });
    for (const s of c.slices) this.#cardinality(counts.get(s) ?? 0, s.def, `${path}.${c.name}`, s.def.id!);
  }

  /** Invariants the profile adds (the core ones are the structure check's) */
  #invariants(value: unknown, n: Node, at: string, model: string | undefined): void {
    if (value === undefined) return;
    for (const con of n.def.constraint ?? []) {
      if (!con.expression || (con.source ?? CORE).startsWith(CORE)) continue;
      let ok: boolean;
      try {
        const typed = model !== undefined && !(value !== null && typeof value === 'object' && 'resourceType' in value);
        const out = compileFhirPath(con.expression, typed ? model : undefined)(value, { resource: this.#current ?? this.#resource, rootResource: this.#resource });
        ok = out.length === 0 || out.every((x) => x === true || (x as { valueOf?: () => unknown })?.valueOf?.() === true);
      } catch (e) {
        this.#issue('warning', at, con.key, `${con.key}: the invariant could not be evaluated: ${(e as Error).message.split('\n')[0]}`);
        continue;
      }
      if (!ok) this.#issue(con.severity === 'warning' ? 'warning' : 'error', at, con.key, `${con.key}: ${con.human}`);
    }
  }

  #binding(v: unknown, def: ElementDefinition, at: string): void {
    const b = def.binding;
    if (!b?.valueSet || (b.strength !== 'required' && b.strength !== 'extensible')) return;
    const codes = expand(b.valueSet, this.#defs);
    if (!codes) return; // not expandable here: no verdict rather than a wrong one
    if (!(def.type ?? []).some((t) => ['code', 'Coding', 'CodeableConcept'].includes(t.code))) return;
    const offered = codingsOf(v);
    if (offered.length === 0) return;
    if (!offered.some((c) => codes.has(`${c.system ?? ''}|${c.code}`) || (c.system === undefined && [...codes].some((k) => k.endsWith(`|${c.code}`))))) {
      this.#issue(b.strength === 'required' ? 'error' : 'warning', at, 'binding',
        `None of the codes (${offered.map((c) => `${c.system ?? ''}#${c.code}`).join(', ')}) is in the value set ${b.valueSet} (${b.strength})`);
    }
  }
}

/** The values of an element in an object, with the JSON name each came from (choices: valueQuantity, ...) */
function valuesOf(obj: Json, n: Node): { value: unknown; name: string; ext?: unknown }[] {
  const names = n.name.endsWith('[x]')
    ? (n.def.type ?? []).map((t) => n.name.slice(0, -3) + t.code.charAt(0).toUpperCase() + t.code.slice(1))
    : [n.name];
  const out: { value: unknown; name: string; ext?: unknown }[] = [];
  for (const name of names) {
    const v = obj[name];
    const ext = obj[`_${name}`];
    // a primitive with only an id or extensions (`_active`) is present (json.html#primitive)
    const values = v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
    const exts = ext === undefined || ext === null ? [] : Array.isArray(ext) ? ext : [ext];
    for (let i = 0; i < Math.max(values.length, exts.length); i++) {
      const x = values[i] ?? null;
      if (x !== null) out.push({ value: x, name });
      else if (exts[i] !== null && exts[i] !== undefined) out.push({ value: undefined, name, ext: exts[i] });
    }
  }
  return out;
}

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
      let want = target ? fixedOrPattern(target.def) : undefined;
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
    return t !== undefined && (fixedOrPattern(t.def) !== undefined || t.def.max === '0');
  });
}

function descendant(n: Node, path: string): Node | undefined {
  let cur: Node | undefined = n;
  for (const name of path.split('.')) cur = cur?.children.find((c) => c.name === name || c.name === `${name}[x]`);
  return cur;
}

/** Simple dotted-path navigation (what slicing discriminators use) */
function at(v: unknown, path: string): unknown[] {
  let cur: unknown[] = [v];
  for (const name of path.split('.')) {
    cur = cur.flatMap((x) => {
      if (x === null || typeof x !== 'object') return [];
      const y = (x as Json)[name];
      return y === undefined ? [] : Array.isArray(y) ? y : [y];
    });
  }
  return cur;
}

function fixedOrPattern(def: ElementDefinition): unknown {
  for (const [k, v] of Object.entries(def)) if (k.startsWith('fixed') || k.startsWith('pattern')) return v;
  return undefined;
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
