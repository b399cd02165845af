/**
 * Index values a resource contributes to the search index tables, for the parameters the core supports
 * (identifier as a token). Every store calls this, so memory and SQL stores index identically; the search
 * engine issue replaces it with extraction driven by the SearchParameter registry.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#token (Identifier: system|value)
 */
import type { Resource } from '@medplum/fhirtypes';
import type { TokenRow } from './plan.ts';

export function tokenRows(resource: Resource): TokenRow[] {
  const rows: TokenRow[] = [];
  const identifiers = (resource as { identifier?: unknown }).identifier;
  const list = Array.isArray(identifiers) ? identifiers : identifiers && typeof identifiers === 'object' ? [identifiers] : [];
  for (const ident of list as { system?: string; value?: string }[]) {
    if (ident && typeof ident.value === 'string') {
      rows.push({ param: 'identifier', system: typeof ident.system === 'string' ? ident.system : null, code: ident.value });
    }
  }
  return rows;
}
