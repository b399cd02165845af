/**
 * A resource's index rows for every search parameter of its type: each parameter's expression
 * (./paths.ts) finds typed values, and each value becomes rows by the parameter's type, following the
 * tables of https://hl7.org/fhir/R4/search.html :
 *   string    string-like primitives; HumanName: family, given, prefix, suffix, text; Address: line, city,
 *             district, state, postalCode, country, text (#string)
 *   token     code/boolean/string as a bare code; Coding system|code; CodeableConcept: each Coding;
 *             Identifier system|value; ContactPoint system|value (#token); :text sees CodeableConcept.text,
 *             Coding.display and Identifier.type.text; Identifier.type feeds :of-type
 *   date      date, dateTime, instant as the range their precision denotes; Period [start, end) with open
 *             ends unbounded; Timing.event (#date)
 *   number    integer, decimal, positiveInt, unsignedInt (#number)
 *   quantity  Quantity and its profiles (Age, Duration, Distance, Count, SimpleQuantity), Money (#quantity)
 *   reference Reference (literal reference, identifier), canonical, uri (#reference)
 *   uri       uri, url, canonical, oid, uuid (#uri)
 *   near      Location.position as WGS84 degrees and a unit vector (location.html#positional, ./geo.ts)
 * _id and _lastUpdated are columns of the head row, not index rows. Composite and special parameters are
 * not indexed in this build (the parser refuses them with a coded error). Deleted versions have no rows.
 */
import type { Resource } from '@medplum/fhirtypes';
import { parseDateRange } from './date.ts';
import { fold, sortKey } from './fold.ts';
import { compilePath, referenceTarget, type CompiledPath, type Typed } from './paths.ts';
import { registryVersion, searchParamByUrl, searchParamsOf, type SearchParamDef } from './registry.ts';
import { emptyRows, MAX_INSTANT, MIN_INSTANT, type IndexRows } from './rows.ts';
import { canonical } from './ucum.ts';
import { isSilent, PARTS, partKey } from './shared-rows.ts';
import { unitVector } from './geo.ts';

const HEAD_PARAMS = new Set(['_id', '_lastUpdated']);
const COMPONENT_TYPES = new Set(['string', 'token', 'date', 'number', 'quantity', 'reference', 'uri']);
const INDEXED_TYPES = new Set(['string', 'token', 'date', 'number', 'quantity', 'reference', 'uri']);
const UCUM = 'http://unitsofmeasure.org';
const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Distance', 'Count', 'SimpleQuantity', 'MoneyQuantity']);

interface Indexer {
  def: SearchParamDef;
  path: CompiledPath;
  /** Composite parameters: each component's definition (its type) and expression, relative to an element
   * the parameter's own expression finds */
  components?: { def: SearchParamDef; relative: string }[];
}

let indexers = new Map<string, Indexer[]>();
let indexersVersion = -1;

/** The parameters of a type that have index rows, with their compiled expressions */
export function indexersOf(resourceType: string): Indexer[] {
  if (indexersVersion !== registryVersion) {
    indexers = new Map();
    indexersVersion = registryVersion;
  }
  let list = indexers.get(resourceType);
  if (list) return list;
  list = [];
  for (const def of searchParamsOf(resourceType).values()) {
    // Parameters whose values are another parameter's part rows write none of their own (./shared-rows.ts)
    if (HEAD_PARAMS.has(def.code) || !def.expression || isSilent(resourceType, def.code)) continue;
    if (INDEXED_TYPES.has(def.type) || isNear(def)) list.push({ def, path: compilePath(def.expression, resourceType) });
    else if (def.type === 'composite') {
      const components = compositeComponents(def);
      if (components) list.push({ def, path: compilePath(def.expression, resourceType), components });
    }
  }
  indexers.set(resourceType, list);
  return list;
}

/** The one special parameter this build indexes: near (Location.position), see ./geo.ts */
export const isNear = (def: SearchParamDef): boolean => def.type === 'special' && def.code === 'near';

/** The components of a composite parameter, when every one is a type this build indexes and is
 * evaluated relative to the element (not via %resource) */
export function compositeComponents(def: SearchParamDef): { def: SearchParamDef; relative: string }[] | undefined {
  const out: { def: SearchParamDef; relative: string }[] = [];
  for (const c of def.component ?? []) {
    const cdef = searchParamByUrl(c.definition);
    if (!cdef || !COMPONENT_TYPES.has(cdef.type) || c.expression.includes('%')) return undefined;
    out.push({ def: cdef, relative: c.expression });
  }
  return out.length >= 2 ? out : undefined;
}

export function extractRows(resource: Resource): IndexRows {
  const rows = emptyRows();
  let grp = 0;
  for (const { def, path, components } of indexersOf(resource.resourceType)) {
    if (!components) {
      for (const tv of path.eval(resource)) addValueRows(rows, def, tv, resource.resourceType);
      continue;
    }
    // Composite (https://hl7.org/fhir/R4/search.html#composite): one group per element the expression finds;
    // component i of the group is indexed as parameter `<code>$<i>` with the group number, so a search can
    // ask that all components match within one element (one Observation.component, say).
    for (const element of path.eval(resource)) {
      if (element.v === null || typeof element.v !== 'object') continue;
      // A group where some component has no value can never match (every component must): no rows for it.
      // Components have no :text, so their text rows are dropped too.
      const parts = components.map((c, i) => {
        const part = emptyRows();
        const cdef: SearchParamDef = { ...c.def, code: `${def.code}$${i}` };
        for (const tv of compilePath(relativeTo(c.relative, element.t), element.t).eval(element.v as object)) addValueRows(part, cdef, tv);
        part.text.length = 0;
        return part;
      });
      if (parts.some((part) => countOf(part) === 0)) continue;
      grp++;
      for (const part of parts) {
        for (const k of Object.keys(part) as (keyof IndexRows)[]) {
          for (const r of part[k] as { grp?: number }[]) {
            r.grp = grp;
            (rows[k] as unknown[]).push(r);
          }
        }
      }
    }
  }
  return rows;
}

/** `value.ofType(Quantity) | value.ofType(Range)` relative to ObservationComponent -> rooted branches */
function relativeTo(expression: string, type: string): string {
  return expression.split('|').map((b) => `${type}.${b.trim()}`).join(' | ');
}

/** The values one parameter finds in a resource (for _include, which follows reference values) */
export function valuesOf(resource: Resource, def: SearchParamDef): IndexRows {
  const rows = emptyRows();
  if (!def.expression) return rows;
  for (const tv of compilePath(def.expression, resource.resourceType).eval(resource)) addValueRows(rows, def, tv, resource.resourceType);
  return rows;
}

const str = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

const countOf = (rows: IndexRows) => Object.values(rows).reduce((n, list) => n + (list as unknown[]).length, 0);

/** `type`: the resource's, for the shared part rows of ./shared-rows.ts (absent inside composites) */
function addValueRows(rows: IndexRows, def: SearchParamDef, { v, t }: Typed, type?: string): void {
  const param = def.code;
  switch (def.type) {
    case 'string':
      for (const [part, s] of stringsOf(v, t)) {
        const key = part !== undefined && type !== undefined ? (partKey(type, param, part) ?? param) : param;
        rows.string.push({ param: key, value: s, folded: fold(s), sort: sortKey(s) });
      }
      return;
    case 'token':
      addToken(rows, param, v, t);
      return;
    case 'date':
      for (const r of dateRanges(v, t)) rows.date.push({ param, low: r.low, high: r.high });
      return;
    case 'number':
      if (typeof v === 'number' && Number.isFinite(v)) rows.number.push({ param, value: v });
      return;
    case 'quantity': {
      const q = v as { value?: unknown; system?: unknown; code?: unknown; unit?: unknown; currency?: unknown };
      if (!(QUANTITY_TYPES.has(t) || t === 'Money') || typeof q?.value !== 'number') return;
      const system = t === 'Money' ? 'urn:iso:std:iso:4217' : str(q.system) ? q.system : null;
      const code = t === 'Money' ? (str(q.currency) ? q.currency : null) : str(q.code) ? q.code : null;
      const c = system === UCUM && code !== null ? canonical(q.value, code) : undefined;
      rows.quantity.push({
        param, value: q.value, system, code, unit: str(q.unit) ? q.unit : null,
        canonicalValue: c?.value ?? null, canonicalCode: c?.code ?? null,
      });
      return;
    }
    case 'reference':
      addReference(rows, param, v, t);
      return;
    case 'uri':
      if (str(v)) rows.uri.push({ param, value: v });
      return;
    case 'special': {
      const p = v as { latitude?: unknown; longitude?: unknown } | null;
      if (!isNear(def) || typeof p?.latitude !== 'number' || typeof p.longitude !== 'number') return;
      if (Math.abs(p.latitude) > 90 || Math.abs(p.longitude) > 180) return;
      rows.position.push({ param, lat: p.latitude, long: p.longitude, ...unitVector(p.latitude, p.longitude) });
      return;
    }
  }
}

/** The strings of a value, each with the HumanName or Address part it came from (search.html#string) */
function stringsOf(v: unknown, t: string): [string | undefined, string][] {
  if (typeof v === 'string') return v.length > 0 ? [[undefined, v]] : [];
  if (v === null || typeof v !== 'object' || (t !== 'HumanName' && t !== 'Address')) return [];
  const o = v as Record<string, unknown>;
  const out: [string, string][] = [];
  for (const part of PARTS[t]) {
    const p = o[part];
    if (Array.isArray(p)) for (const x of p) { if (str(x)) out.push([part, x]); }
    else if (str(p)) out.push([part, p]);
  }
  return out;
}

function addToken(rows: IndexRows, param: string, v: unknown, t: string): void {
  if (typeof v === 'boolean') { rows.token.push({ param, system: null, code: String(v) }); return; }
  if (typeof v === 'string') { if (v.length > 0) rows.token.push({ param, system: null, code: v }); return; }
  if (v === null || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  const text = (x: unknown) => { if (str(x)) rows.text.push({ param, text: fold(x) }); };
  const coding = (c: Record<string, unknown>) => {
    if (str(c.code)) rows.token.push({ param, system: str(c.system) ? c.system : null, code: c.code });
    text(c.display);
  };
  switch (t) {
    case 'Coding':
      coding(o);
      return;
    case 'CodeableConcept':
      if (Array.isArray(o.coding)) for (const c of o.coding) if (c && typeof c === 'object') coding(c as Record<string, unknown>);
      text(o.text);
      return;
    case 'Identifier': {
      if (!str(o.value)) return;
      rows.token.push({ param, system: str(o.system) ? o.system : null, code: o.value });
      const type = o.type as { coding?: { system?: unknown; code?: unknown }[]; text?: unknown } | undefined;
      for (const c of type?.coding ?? []) {
        if (str(c.system) && str(c.code)) rows.token.push({ param: `${param}:of-type`, system: `${c.system}|${c.code}`, code: o.value });
      }
      text(type?.text);
      return;
    }
    case 'ContactPoint':
      if (str(o.value)) rows.token.push({ param, system: str(o.system) ? o.system : null, code: o.value });
      return;
  }
}

function dateRanges(v: unknown, t: string): { low: string; high: string }[] {
  if (typeof v === 'string') {
    const r = t === 'time' ? undefined : parseDateRange(v);
    return r ? [r] : [];
  }
  if (v === null || typeof v !== 'object') return [];
  const o = v as { start?: unknown; end?: unknown; event?: unknown };
  if (t === 'Period') {
    const start = str(o.start) ? parseDateRange(o.start) : undefined;
    const end = str(o.end) ? parseDateRange(o.end) : undefined;
    if (!start && !end) return [];
    return [{ low: start?.low ?? MIN_INSTANT, high: end?.high ?? MAX_INSTANT }];
  }
  if (t === 'Timing' && Array.isArray(o.event)) return o.event.flatMap((e) => dateRanges(e, 'dateTime'));
  return [];
}

function addReference(rows: IndexRows, param: string, v: unknown, t: string): void {
  if (typeof v === 'string') {
    // canonical or uri element
    if (v.length > 0) rows.reference.push({ param, targetType: null, targetId: null, url: v });
    return;
  }
  if (t !== 'Reference' || v === null || typeof v !== 'object') return;
  const o = v as { reference?: unknown; identifier?: { system?: unknown; value?: unknown } };
  const ref = o.reference;
  if (str(ref) && !ref.startsWith('#')) {
    const target = /^[A-Z][A-Za-z]+\//.test(ref) ? referenceTarget(ref) : undefined;
    if (target) rows.reference.push({ param, targetType: target.type, targetId: target.id, url: null });
    else rows.reference.push({ param, targetType: null, targetId: null, url: ref });
  } else if (!str(ref)) {
    rows.reference.push({ param, targetType: null, targetId: null, url: null });
  }
  const ident = o.identifier;
  if (ident && str(ident.value)) {
    rows.token.push({ param: `${param}:identifier`, system: str(ident.system) ? ident.system : null, code: ident.value });
  }
}
