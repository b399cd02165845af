/**
 * Extensions checked against their definitions (https://hl7.org/fhir/R4/extensibility.html,
 * https://hl7.org/fhir/R4/defining-extensions.html#context):
 *   - Extension.url is an absolute URL;
 *   - the definition is found by url (the R4 core extensions, and those the server or the caller holds); one
 *     that is not found is reported (an error in the Java validator's strict reading, a warning by default
 *     here: a server cannot hold every implementation guide);
 *   - the extension is used where its context allows: element contexts (`Patient`, `Patient.active`,
 *     `Address`, `Element`), extension contexts (inside another extension) and context invariants (FHIRPath on
 *     the element it extends);
 *   - its content meets the definition (cardinality, value type, sub-extensions, through ./profile.ts), and a
 *     complex extension's sub-extensions with relative urls are ones it defines.
 */
import type { StructureDefinition } from '@medplum/fhirtypes';
import { compileFhirPath } from '../fhirpath.ts';
import { validateElement, type Definitions, type ProfileIssue } from './profile.ts';
import { isExampleUrl } from './example-urls.ts';
import { ObjectPath } from './object-walk.ts';
import { RESOURCE_TYPES } from './structure.ts';

type Json = Record<string, unknown>;

export interface ExtensionOptions {
  /** How an extension whose definition is not found is reported (default warning) */
  unknown?: 'error' | 'warning';
  /**
   * Whether content may be an example (default true): an unknown extension on an example domain
   * (example.org, acme.com: ./example-urls.ts) is then only a warning, as the Java validator allows them
   * unless examples are disallowed
   */
  examples?: boolean;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

export function checkExtensions(resource: Json, defs: Definitions, opts: ExtensionOptions = {}): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  const type = String(resource.resourceType);
  walk(resource, new ObjectPath(type), contextNames(type, defs), type, resource, defs, opts, issues);
  return issues;
}

/**
 * `value` at `where` (the instance; ./object-walk.ts ObjectPath: the path is joined only when an extension is
 * found there, as the walk visits every object of every resource checked), whose element path in the model is `elementPath` and whose possible
 * context names are `names` (the element path and its type name).
 */
function walk(value: unknown, where: ObjectPath, names: string[], elementPath: string, resource: Json, defs: Definitions, opts: ExtensionOptions, issues: ProfileIssue[], within?: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const obj = value as Json;
  for (const kind of ['extension', 'modifierExtension'] as const) {
    const list = obj[kind];
    if (!Array.isArray(list) || list.length === 0) continue;
    const base = String(where);
    list.forEach((e, i) => checkOne(e as Json, `${base}.${kind}[${i}]`, names, obj, resource, defs, opts, issues, undefined, within));
  }
  for (const k in obj) {
    if (k === 'extension' || k === 'modifierExtension' || k === 'resourceType') continue;
    const v = obj[k];
    if (v === null || typeof v !== 'object') continue;
    const name = k.charCodeAt(0) === 95 /* _ */ ? k.slice(1) : k;
    const many = Array.isArray(v);
    const items = many ? (v as unknown[]) : [v];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      where.push(name);
      if (many) where.push(i);
      const t = (item as Json).resourceType;
      if (typeof t === 'string') {
        // a nested resource: its own walk from where it sits, with its own resource
        walk(item, new ObjectPath(String(where)), contextNames(t, defs), t, item as Json, defs, opts, issues);
      } else {
        walk(item, where, childNamesOf(names, name, elementPath, defs), `${elementPath}.${name}`, resource, defs, opts, issues);
      }
      where.pop();
      if (many) where.pop();
    }
  }
}

/**
 * The context names of a child: contexts are written against any type on the way, so Patient.address.line is
 * also Address.line. Cached per parent names (which contextNames and this function cache per lookup object:
 * the names of an element path are the same arrays on every walk) and child name: asked for every object.
 */
const childNames = new WeakMap<string[], Map<string, string[]>>();

function childNamesOf(names: string[], name: string, parentPath: string, defs: Definitions): string[] {
  let byName = childNames.get(names);
  if (!byName) childNames.set(names, (byName = new Map()));
  let out = byName.get(name);
  if (!out) byName.set(name, (out = [...new Set([...names.map((n) => `${n}.${name}`), ...contextNames(`${parentPath}.${name}`, defs)])]));
  return out;
}

/** Per lookup object: contextNames is asked for every element of every resource checked */
const contextCache = new WeakMap<Definitions, Map<string, string[]>>();

/** The element path and the name of its type (HumanName for Patient.name), as contexts are written */
function contextNames(elementPath: string, defs: Definitions): string[] {
  let cache = contextCache.get(defs);
  if (!cache) contextCache.set(defs, (cache = new Map()));
  let names = cache.get(elementPath);
  if (names === undefined) {
    const root = elementPath.split('.')[0];
    const sd = defs.structureDefinition(`http://hl7.org/fhir/StructureDefinition/${root}`);
    const el = sd?.snapshot?.element?.find((e) => e.path === elementPath || (e.path.endsWith('[x]') && elementPath.startsWith(e.path.slice(0, -3))));
    const types = (el?.type ?? []).map((t) => t.code).filter((t) => t !== 'BackboneElement' && t !== 'Element');
    const segs = elementPath.split('.');
    // a resource itself is a DomainResource (but Bundle, Binary, Parameters) and a Resource; its inherited
    // elements are also named by those (DomainResource.text, Resource.meta)
    const inherited = RESOURCE_TYPES.has(segs[0])
      ? [...(NOT_DOMAIN.has(segs[0]) ? [] : ['DomainResource']), 'Resource'].map((b) => [b, ...segs.slice(1)].join('.'))
      : [];
    const backbone = el?.type?.some((t) => t.code === 'BackboneElement') ? ['BackboneElement'] : [];
    names = [elementPath, ...types, ...inherited, ...backbone];
    cache.set(elementPath, names);
  }
  return names;
}

/**
 * Contexts that stand for every element: Element (every element is one), and R5's CanonicalResource and
 * MetadataResource, which R4 has no type for. Resource, DomainResource and BackboneElement are types like
 * any other: an extension with context DomainResource goes on a resource, not on its HumanName.
 */
const GENERIC = new Set(['Element', 'CanonicalResource', 'MetadataResource']);

/** The R4 resources that are not DomainResources (resource.html) */
const NOT_DOMAIN = new Set(['Bundle', 'Binary', 'Parameters']);

/** R4 primitive types: value[x] names them with a capital (valueDateTime is a dateTime) */
const PRIMITIVES = new Set(['boolean', 'integer', 'string', 'decimal', 'uri', 'url', 'canonical', 'base64Binary', 'instant', 'date',
  'dateTime', 'time', 'code', 'oid', 'id', 'markdown', 'unsignedInt', 'positiveInt', 'uuid']);

/** The context names of an extension's value of type `type` (one array per type: childNamesOf caches by it) */
const valueNamesByType = new Map<string, string[]>();
function valueNames(type: string): string[] {
  let names = valueNamesByType.get(type);
  if (!names) valueNamesByType.set(type, (names = ['Extension.value[x]', 'Extension.value', type]));
  return names;
}

/** `parentUrl`: the extension `ext` is a sub-extension of; `within`: the extension whose value `ext` extends */
function checkOne(ext: Json, at: string, names: string[], host: Json, resource: Json, defs: Definitions, opts: ExtensionOptions, issues: ProfileIssue[], parentUrl: string | undefined, within?: string): void {
  const url = ext.url;
  if (typeof url !== 'string') return; // the structure check reports a missing url
  if (!ABSOLUTE.test(url)) {
    if (parentUrl === undefined) issues.push({ severity: 'error', expression: at, rule: 'extension', message: 'Extension.url must be an absolute URL' });
    return;
  }
  const sd = defs.structureDefinition(url);
  if (!sd || sd.type !== 'Extension') {
    // HL7's core extensions of later versions (the extensions pack) are known to the reference validator, not
    // to R4 here; those of other HL7 guides (hl7.org/fhir/uv/sdc/...) are known only with their package
    const severity = url.startsWith('http://hl7.org/fhir/StructureDefinition/') || (opts.examples !== false && isExampleUrl(url)) ? 'warning' : (opts.unknown ?? 'warning');
    issues.push({ severity, expression: at, rule: 'extension', message: `The extension ${url} could not be found so is not allowed here` });
    return;
  }
  const where = contextProblem(sd, names, host, resource, parentUrl, within);
  if (where) issues.push({ severity: 'error', expression: at.replace(/\.(modifierE|e)xtension\[\d+\]$/, ''), rule: 'extension', message: `The extension ${url} is not allowed to be used at this point (${where})` });
  issues.push(...validateElement(ext, sd, defs, at));
  // the value may carry extensions of its own (valueBoolean with _valueBoolean.extension): in the context of
  // Extension.value[x], the value's type, and this extension (an extension context names the extension it may
  // be used within)
  for (const [k, v] of Object.entries(ext)) {
    const key = k.startsWith('_') ? k.slice(1) : k;
    if (!key.startsWith('value') || key.length === 5 || v === null || typeof v !== 'object' || Array.isArray(v)) continue;
    const suffix = key.slice(5);
    const type = PRIMITIVES.has(suffix.charAt(0).toLowerCase() + suffix.slice(1)) ? suffix.charAt(0).toLowerCase() + suffix.slice(1) : suffix;
    walk(v, new ObjectPath(`${at}.${key}`), valueNames(type), 'Extension.value[x]', resource, defs, opts, issues, url);
  }
  // sub-extensions: relative urls must be ones the definition slices; absolute ones are extensions in their own right
  const subs = Array.isArray(ext.extension) ? (ext.extension as Json[]) : [];
  const defined = new Set((sd.snapshot?.element ?? sd.differential?.element ?? [])
    .filter((e) => e.path === 'Extension.extension.url' && e.fixedUri).map((e) => e.fixedUri!));
  subs.forEach((s, i) => {
    const u = s.url;
    if (typeof u !== 'string') return;
    if (ABSOLUTE.test(u)) checkOne(s, `${at}.extension[${i}]`, ['Extension'], ext, resource, defs, opts, issues, url);
    else if (defined.size > 0 && !defined.has(u)) issues.push({ severity: 'error', expression: `${at}.extension[${i}]`, rule: 'extension', message: `Sub-extension url '${u}' is not defined by the Extension ${url}` });
  });
}

/** A FHIRPath context: the element carrying the extension is one the expression selects from the resource
 * (an expression that cannot be evaluated allows it: no verdict) */
function fhirpathContext(expression: string, host: Json, resource: Json): boolean {
  try {
    return compileFhirPath(expression)(resource).some((r) => ((r as { data?: unknown })?.data ?? r) === host);
  } catch {
    return true;
  }
}

/** The HL7 validator's own exception: the fhir-type extension sits on ElementDefinition.type in the R4
 * snapshots themselves, though its context names ElementDefinition.type.code */
const FHIR_TYPE = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';

/** Why the extension may not be used here, or undefined when it may */
function contextProblem(sd: StructureDefinition, names: string[], host: Json, resource: Json, parentUrl: string | undefined, within: string | undefined): string | undefined {
  const contexts = sd.context ?? [];
  if (sd.url === FHIR_TYPE && names.includes('ElementDefinition.type')) return undefined;
  if (contexts.length > 0) {
    const ok = contexts.some((c) => {
      if (c.type === 'extension') return (parentUrl ?? within) !== undefined && c.expression === (parentUrl ?? within);
      if (c.type === 'fhirpath') return fhirpathContext(c.expression, host, resource);
      const e = c.expression;
      return GENERIC.has(e) || names.includes(e) || (parentUrl !== undefined && e === 'Extension');
    });
    if (!ok) return `this element is [${names.join(', ')}]; allowed: ${contexts.map((c) => c.expression).join(', ')}`;
  }
  for (const inv of sd.contextInvariant ?? []) {
    try {
      const out = compileFhirPath(inv)(host, { resource, rootResource: resource });
      if (out.length === 1 && out[0] === false) return `based on context invariant '${inv}'`;
    } catch {
      // an invariant that cannot be evaluated gives no verdict
    }
  }
  return undefined;
}
