/**
 * The match step of conditional create, update, delete and patch, and of conditional references in
 * transactions: https://hl7.org/fhir/R4/http.html#ccreate , #cond-update , #3.1.0.7.1 (conditional delete)
 * The caller runs it inside the same repository transaction as the write that depends on it, so two
 * concurrent conditional creates can never both see "no match".
 */
import { FhirError } from '../errors/fhir-error.ts';
import { parseSearch } from '../search/parse.ts';
import { resolvePlan } from './search-resolve.ts';
import type { Repository, StoredResource } from '../store/repository.ts';

/** Resolves a condition (a search query string) to at most two matches: enough to tell 0, 1 and many. */
export async function matchCondition(repo: Repository, type: string, query: string | URLSearchParams, maxCount: number): Promise<StoredResource[]> {
  // If-None-Exist is the query part only (http.html#ccreate); clients also send "?..." or "Patient?...".
  const params = typeof query === 'string' ? new URLSearchParams(query.replace(new RegExp(`^(${type})?\\?`), '')) : query;
  const { plan } = parseSearch(type, params, { lenient: false, defaultCount: 2, maxCount });
  if (plan.filters.length === 0) throw new FhirError('FHIR_CONDITION_REQUIRED');
  const page = await repo.search(await resolvePlan(repo, { ...plan, count: 2, offset: 0, total: false }));
  return page.entries;
}

export function singleMatch(matches: StoredResource[], type: string, condition: string): StoredResource | undefined {
  if (matches.length > 1) throw new FhirError('FHIR_MULTIPLE_MATCHES', { type, detail: condition, count: 'more than one' });
  return matches[0];
}
