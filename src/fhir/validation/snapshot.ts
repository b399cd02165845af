/**
 * Snapshot generation: a profile's differential applied to its base's snapshot gives the profile's snapshot,
 * the full list of element definitions a validator checks against (https://hl7.org/fhir/R4/profiling.html#snapshot,
 * https://hl7.org/fhir/R4/elementdefinition.html#id for element ids with slice names).
 *
 * Why our own: most published profiles (and every profile in the validator test suite) carry a differential
 * only, and @medplum/core needs a snapshot (VALIDATION.md §1). The algorithm follows the reference
 * implementation's rules as far as the R4 profiles in use need them:
 *   - the base snapshot is copied (the base is generated first when it has only a differential);
 *   - each differential element, in order, is located by its id (`Patient.identifier:FNR.system`);
 *   - a slice that does not exist yet is made from the sliced element and its children as they stand
 *     (its own `slicing` not inherited), placed after the sliced element's existing slices;
 *   - children of a complex type that the base does not list are expanded from the type's own snapshot, or
 *     from the profile the element's type names (`Extension(patient-citizenship)`), when the differential
 *     reaches into them;
 *   - a choice element constrained by its renamed path (`Observation.valueQuantity`) is the choice element;
 *   - constraints merge: invariants and mappings add up, a binding merges field by field (a new strength keeps
 *     the base's value set), every other property given replaces the base's;
 *   - a new slice starts at min 0 (the sliced element's minimum counts all slices), an element typed with one
 *     profile takes that profile's maximum, and a binding inherited by an element constrained to types that
 *     cannot be bound (Reference) is dropped.
 * Re-slicing (`identifier:fnr/official`, profiling.html#reslicing): the re-slice is made from the slice it
 * slices, as a slice is made from its element.
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

export type Resolver = (url: string) => StructureDefinition | undefined;

export class SnapshotError extends Error {}

/** Types a terminology binding applies to (terminologies.html#binding) */
const BINDABLE = new Set(['code', 'Coding', 'CodeableConcept', 'Quantity', 'string', 'uri', 'CodeableReference']);

/** Properties that accumulate instead of replacing (profiling.html#snapshot: "constraints are additive") */
const ADDITIVE = new Set(['constraint', 'mapping', 'condition']);

const clone = <T>(x: T): T => structuredClone(x);
const canonicalOf = (url: string): string => url.split('|')[0];

/** The snapshot of `sd`: its own when it has one, else generated (its base first, recursively) */
export function snapshotOf(sd: StructureDefinition, resolve: Resolver, seen: Set<string> = new Set()): ElementDefinition[] {
  if (sd.snapshot?.element?.length) return sd.snapshot.element;
  return generateSnapshot(sd, resolve, seen);
}

export function generateSnapshot(sd: StructureDefinition, resolve: Resolver, seen: Set<string> = new Set()): ElementDefinition[] {
  if (!sd.baseDefinition) throw new SnapshotError(`${sd.url}: no baseDefinition`);
  if (seen.has(sd.url ?? '')) throw new SnapshotError(`${sd.url}: circular baseDefinition`);
  seen.add(sd.url ?? '');
  const base = resolve(canonicalOf(sd.baseDefinition));
  if (!base) throw new SnapshotError(`${sd.url}: base ${sd.baseDefinition} is not known`);
  const snap = snapshotOf(base, resolve, seen).map((e) => {
    const c = withExtensionSlicing(clone(e));
    c.id ??= c.path;
    return c;
  });
  const builder = new Builder(snap, resolve, sd.url ?? '');
  const ids = new SliceContext();
  for (const d of sd.differential?.element ?? []) {
    // an invariant the profile adds names the profile as its source (the validator checks those)
    const own = d.constraint?.map((c) => (c.source ? c : { ...c, source: sd.url }));
    builder.apply({ ...d, id: ids.idOf(d), ...(own ? { constraint: own } : {}) });
  }
  return builder.snap;
}

class Builder {
  readonly snap: ElementDefinition[];
  readonly #resolve: Resolver;
  readonly #url: string;

  constructor(snap: ElementDefinition[], resolve: Resolver, url: string) {
    this.snap = snap;
    this.#resolve = resolve;
    this.#url = url;
  }

  apply(d: ElementDefinition): void {
    const id = this.#normalise(d.id ?? d.path);
    const target = this.snap[this.#ensure(id, d)];
    this.#merge(target, d);
    this.#fromTypeProfile(target, d);
    // a binding applies to coded types only: a type constrained to, say, Reference drops the binding it had
    // from its base (one the differential sets itself is kept as written)
    if (!d.binding && target.binding && target.type?.length && !target.type.some((t) => BINDABLE.has(t.code))) delete target.binding;
  }

  /** An element whose type names one profile takes that profile's cardinality where the differential is silent
   *  (an extension slice of `Extension(no-basis-address-official)` is 0..1 when the extension says so) */
  #fromTypeProfile(target: ElementDefinition, d: ElementDefinition): void {
    const profiles = d.type?.length === 1 ? d.type[0].profile : undefined;
    if (profiles?.length !== 1 || d.max !== undefined) return;
    const sd = this.#resolve(canonicalOf(profiles[0]));
    const root = sd ? snapshotOf(sd, this.#resolve)[0] : undefined;
    if (root?.max !== undefined && root.max !== '*' && (target.max === '*' || Number(root.max) < Number(target.max))) target.max = root.max;
  }

  #merge(target: ElementDefinition, d: ElementDefinition): void {
    for (const [k, v] of Object.entries(d)) {
      if (k === 'id' || k === 'path') continue;
      const t = target as unknown as Record<string, unknown>;
      if (ADDITIVE.has(k) && Array.isArray(v)) {
        const have = (t[k] as unknown[] | undefined) ?? [];
        const keyOf = (x: unknown) => (x as { key?: string; identity?: string }).key ?? JSON.stringify(x);
        t[k] = [...have, ...v.filter((x) => !have.some((h) => keyOf(h) === keyOf(x)))].map(clone);
      } else if (k === 'binding' && t.binding) {
        // a differential binding that only tightens the strength keeps the base's value set
        t.binding = { ...clone(t.binding as object), ...clone(v as object) };
      } else {
        if (k.startsWith('fixed') || k.startsWith('pattern')) for (const old of Object.keys(t)) if (old.startsWith(k.startsWith('fixed') ? 'fixed' : 'pattern')) delete t[old];
        t[k] = clone(v);
      }
    }
  }

  #index(id: string): number {
    return this.snap.findIndex((e) => e.id === id);
  }

  /** A renamed choice (`Observation.valueQuantity`) addresses the choice element (`Observation.value[x]`) */
  #normalise(id: string): string {
    const parts = splitId(id);
    let prefix = '';
    const out: string[] = [];
    for (const part of parts) {
      const candidate = prefix ? `${prefix}.${part}` : part;
      if (prefix && this.#index(candidate) < 0) {
        const [name, slice] = part.split(':');
        const choice = this.snap.find((e) => e.id?.startsWith(`${prefix}.`) && splitId(e.id).length === out.length + 1
          && e.id.endsWith('[x]') && name.startsWith(lastName(e.id).slice(0, -3)) && name.length > lastName(e.id).length - 3);
        if (choice && slice === undefined) {
          out.push(lastName(choice.id!));
          prefix = `${prefix}.${lastName(choice.id!)}`;
          continue;
        }
      }
      out.push(part);
      prefix = candidate;
    }
    return out.join('.');
  }

  /** The index of the element with this id, creating the slice or expanding the type it needs */
  #ensure(id: string, d: ElementDefinition): number {
    const found = this.#index(id);
    if (found >= 0) return found;
    const parts = splitId(id);
    const last = parts[parts.length - 1];
    const parentId = parts.slice(0, -1).join('.');
    if (last.includes(':')) {
      const name = last.slice(0, last.indexOf(':'));
      const slice = last.slice(last.indexOf(':') + 1);
      const slash = slice.lastIndexOf('/');
      // a re-slice (`identifier:fnr/official`, profiling.html#reslicing) is a slice of the slice `identifier:fnr`
      const slicedId = `${parentId ? `${parentId}.` : ''}${name}${slash >= 0 ? `:${slice.slice(0, slash)}` : ''}`;
      const at = this.#ensure(slicedId, d);
      return this.#addSlice(at, slicedId, slice, slash >= 0 ? '/' : ':');
    }
    if (!parentId) throw new SnapshotError(`${this.#url}: ${id} is not in the base`);
    const p = this.#ensure(parentId, d);
    if (!this.snap.some((e) => e.id?.startsWith(`${parentId}.`))) this.#expand(p, last);
    const again = this.#index(id);
    if (again < 0) throw new SnapshotError(`${this.#url}: ${id} (${d.path}) matches no element of the base`);
    return again;
  }

  /**
   * A new slice of the element at `at`: a copy of it and its children, after its existing slices. `sep` is ':'
   * for a slice (`identifier:fnr`), '/' for a re-slice of a slice (`identifier:fnr/official`, sliceName
   * `fnr/official`)
   */
  #addSlice(at: number, slicedId: string, slice: string, sep: ':' | '/' = ':'): number {
    const sliced = this.snap[at];
    const children = this.#subtree(at).filter((e) => e.id!.startsWith(`${slicedId}.`));
    let end = at + 1;
    while (end < this.snap.length && (this.snap[end].id!.startsWith(`${slicedId}.`) || this.snap[end].id!.startsWith(`${slicedId}${sep}`))) end++;
    const head = clone(sliced);
    const own = sep === '/' ? slice.slice(slice.lastIndexOf('/') + 1) : slice;
    head.id = `${slicedId}${sep}${own}`;
    head.sliceName = slice;
    delete head.slicing;
    // the sliced element's minimum counts all its slices together: a slice on its own may be absent
    head.min = 0;
    const copies = [head, ...children.map((c) => ({ ...clone(c), id: `${head.id}${c.id!.slice(slicedId.length)}` }))];
    this.snap.splice(end, 0, ...copies);
    return end;
  }

  /** The element at `i` and everything below it (its children and its slices) */
  #subtree(i: number): ElementDefinition[] {
    const id = this.snap[i].id!;
    const out = [this.snap[i]];
    for (let k = i + 1; k < this.snap.length && (this.snap[k].id!.startsWith(`${id}.`) || this.snap[k].id!.startsWith(`${id}:`)); k++) out.push(this.snap[k]);
    return out;
  }

  /** Lists the children of the element at `i` from its type (or the profile its type names) */
  #expand(i: number, child?: string): void {
    const el = this.snap[i];
    if (el.contentReference) {
      // an element defined as another (Parameters.parameter.part = #Parameters.parameter): that one's children
      const ref = el.contentReference.replace(/^#/, '');
      const at = this.snap.findIndex((e) => e.id === ref || (e.path === ref && !e.sliceName));
      if (at < 0) throw new SnapshotError(`${this.#url}: ${el.id} refers to ${ref}, which is not in the snapshot`);
      const refId = this.snap[at].id!;
      const children = this.#subtree(at).slice(1).filter((e) => e.id!.startsWith(`${refId}.`))
        .map((e) => ({ ...clone(e), id: el.id + e.id!.slice(refId.length), path: el.path + e.path.slice(this.snap[at].path.length) }));
      this.snap.splice(i + 1, 0, ...children);
      return;
    }
    const types = el.type ?? [];
    // a choice of several types: the type that has the child the differential names (Quantity for value[x].value)
    const candidates = types.length > 1 && child
      ? types.filter((t) => this.#resolve(`http://hl7.org/fhir/StructureDefinition/${t.code}`)?.snapshot?.element?.some((e) => e.path === `${t.code}.${child}`))
      : types;
    if (candidates.length !== 1) throw new SnapshotError(`${this.#url}: ${el.id} has ${types.length} types; constrain it to one before its children`);
    const t = candidates[0];
    const profile = t.profile?.length === 1 ? this.#resolve(canonicalOf(t.profile[0])) : undefined;
    const source = profile ?? this.#resolve(`http://hl7.org/fhir/StructureDefinition/${t.code}`);
    if (!source) throw new SnapshotError(`${this.#url}: no definition of ${t.profile?.[0] ?? t.code} to expand ${el.id}`);
    const elements = snapshotOf(source, this.#resolve);
    const rootId = elements[0].id ?? elements[0].path;
    const rootPath = elements[0].path;
    const children = elements.slice(1).map((e) => {
      const c = withExtensionSlicing(clone(e));
      c.id = el.id + (e.id ?? e.path).slice(rootId.length);
      c.path = el.path + e.path.slice(rootPath.length);
      return c;
    });
    this.snap.splice(i + 1, 0, ...children);
  }
}

/**
 * "Extensions are always sliced by (at least) url" (extensibility.html#Extension): every extension and
 * modifierExtension element carries that slicing, open, unless the profile slices it otherwise
 */
function withExtensionSlicing(e: ElementDefinition): ElementDefinition {
  // as the published snapshots have it: every extension element, and modifierExtension on the resource itself
  const sliced = /\.extension$/.test(e.path) || (/\.modifierExtension$/.test(e.path) && e.path.split('.').length === 2);
  if (!e.slicing && !e.sliceName && sliced) {
    e.slicing = { discriminator: [{ type: 'value', path: 'url' }], description: 'Extensions are always sliced by (at least) url', rules: 'open' };
  }
  return e;
}

/**
 * Element ids for differentials written without them (older profiles): a slice is `path:sliceName`, and the
 * elements after it whose paths go below the sliced path belong to that slice until another slice of the same
 * path, or the sliced element itself, is named again (the order of a differential carries the meaning).
 */
class SliceContext {
  readonly #current = new Map<string, string>();

  idOf(d: ElementDefinition): string {
    if (d.id) return d.id;
    const segs = d.path.split('.');
    let id = segs[0];
    for (let i = 1; i < segs.length; i++) {
      id = `${id}.${segs[i]}`;
      const slice = this.#current.get(segs.slice(0, i + 1).join('.'));
      if (slice && i < segs.length - 1) id = slice;
    }
    if (d.sliceName) {
      id = `${id}:${d.sliceName}`;
      this.#current.set(d.path, id);
    } else {
      this.#current.delete(d.path);
    }
    return id;
  }
}

/** Element id segments, split at dots (slice names with dots are not supported: none of the profiles in use has one) */
export function splitId(id: string): string[] {
  return id.split('.');
}

const lastName = (id: string): string => {
  const parts = splitId(id);
  return parts[parts.length - 1];
};
