/**
 * A walk over a resource that knows each element's type, from the R4 StructureDefinitions
 * (https://hl7.org/fhir/R4/elementdefinition.html#type, json.html#choice for `value[x]` names): Patient.contact
 * is a BackboneElement walked on in Patient, Communication.note an Annotation walked on in Annotation,
 * valueMarkdown a markdown, `contentReference` (Questionnaire.item.item) the element it names, contained and
 * Bundle entry resources their own type. Rules that apply to a type wherever it appears (markdown, Coding)
 * visit the values of that type.
 *
 * Per StructureDefinition object the element paths are indexed once (parent path -> JSON name -> element path
 * and type); a walk then costs one map lookup per property.
 */
import type { StructureDefinition } from '@medplum/fhirtypes';
import { ObjectPath } from './object-walk.ts';
import type { Definitions } from './profile.ts';

type Json = Record<string, unknown>;

interface Child {
  /** the element path in its StructureDefinition: Patient.contact, Observation.value[x] */
  path: string;
  /** the type code (the one a choice name selects); '' for an element with children of its own */
  type: string;
}

const CORE = 'http://hl7.org/fhir/StructureDefinition/';
const NESTED = new Set(['BackboneElement', 'Element']);
const indexes = new WeakMap<StructureDefinition, Map<string, Map<string, Child>>>();

const upper = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function indexOf(sd: StructureDefinition): Map<string, Map<string, Child>> {
  let ix = indexes.get(sd);
  if (ix) return ix;
  ix = new Map();
  for (const e of sd.snapshot?.element ?? []) {
    if (e.id?.includes(':')) continue; // slices share their element's type
    const dot = e.path.lastIndexOf('.');
    if (dot < 0) continue;
    const parent = e.path.slice(0, dot);
    const name = e.path.slice(dot + 1);
    let children = ix.get(parent);
    if (!children) ix.set(parent, (children = new Map()));
    if (e.contentReference) {
      children.set(name, { path: e.contentReference.replace(/^.*#/, ''), type: '' });
      continue;
    }
    const types = (e.type ?? []).map((t) => t.code);
    if (name.endsWith('[x]')) {
      for (const t of types) children.set(name.slice(0, -3) + upper(t), { path: e.path, type: t });
    } else {
      const t = types[0] ?? '';
      children.set(name, { path: e.path, type: NESTED.has(t) ? '' : t });
    }
  }
  indexes.set(sd, ix);
  return ix;
}

/** Called with each value of a visited type, its type and FHIRPath */
export type Visitor = (value: unknown, type: string, at: string) => void;

/** A rule on the values of some types (markdown, Coding, uri), run by walkRules in one walk with others */
export interface TypedRule {
  types: ReadonlySet<string>;
  visit: Visitor;
}

/** One walk for several rules: each value goes to the rules of its type */
export function walkRules(resource: Json, defs: Definitions, rules: readonly (TypedRule | undefined)[]): void {
  const byType = new Map<string, Visitor[]>();
  for (const r of rules) if (r) for (const t of r.types) byType.set(t, [...(byType.get(t) ?? []), r.visit]);
  if (byType.size === 0) return;
  walkTyped(resource, defs, new Set(byType.keys()), (value, type, at) => {
    for (const visit of byType.get(type)!) visit(value, type, at);
  });
}

/**
 * Walks `resource` (and the resources inside it), calling `visit` for each value whose type is in `types`;
 * values of other types are walked into.
 */
export function walkTyped(resource: Json, defs: Definitions, types: ReadonlySet<string>, visit: Visitor, at: string = String(resource.resourceType)): void {
  const type = String(resource.resourceType);
  const ix = typeIndex(defs, type);
  if (ix) walkIn(resource, ix, type, { defs, types, visit }, new ObjectPath(at));
}

interface Walk { defs: Definitions; types: ReadonlySet<string>; visit: Visitor }

/** Per lookup object: type name -> its element index (null: not a type the definitions have) */
const typeIndexes = new WeakMap<Definitions, Map<string, Map<string, Map<string, Child>> | null>>();

function typeIndex(defs: Definitions, typeName: string): Map<string, Map<string, Child>> | null {
  let byType = typeIndexes.get(defs);
  if (!byType) typeIndexes.set(defs, (byType = new Map()));
  let ix = byType.get(typeName);
  if (ix === undefined) {
    const sd = defs.structureDefinition(CORE + typeName);
    ix = sd ? indexOf(sd) : null;
    byType.set(typeName, ix);
  }
  return ix;
}

/** `where`: the FHIRPath of `obj`, turned into text only for a visited value */
function walkIn(obj: Json, ix: Map<string, Map<string, Child>>, path: string, w: Walk, where: ObjectPath): void {
  const children = ix.get(path);
  if (!children) return;
  for (const key in obj) {
    if (key === 'resourceType' || key.charCodeAt(0) === 95 /* _ */) continue;
    const child = children.get(key);
    if (!child) continue;
    const v = obj[key];
    const visited = w.types.has(child.type);
    where.push(key);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        // most values are primitives of types no rule visits
        if (item === null || item === undefined || !(visited || typeof item === 'object')) continue;
        where.push(i);
        walkItem(item, child, ix, w, where, visited);
        where.pop();
      }
    } else if (v !== null && v !== undefined && (visited || typeof v === 'object')) {
      walkItem(v, child, ix, w, where, visited);
    }
    where.pop();
  }
}

function walkItem(item: unknown, child: Child, ix: Map<string, Map<string, Child>>, w: Walk, where: ObjectPath, visited: boolean): void {
  if (visited) w.visit(item, child.type, String(where));
  if (typeof item !== 'object') return;
  if (child.type === '') return walkIn(item as Json, ix, child.path, w, where);
  const typeName = child.type === 'Resource' ? (item as Json).resourceType : child.type;
  if (typeof typeName !== 'string') return;
  const inner = typeIndex(w.defs, typeName);
  if (inner) walkIn(item as Json, inner, typeName, w, where);
}
