/**
 * SearchParameter resources stored on this server become search parameters (issue 4, item 1;
 * https://hl7.org/fhir/R4/searchparameter.html). After every write that touches a SearchParameter (and
 * at start) the custom layer of the registry (src/search/registry.ts) is rebuilt from the store's active
 * SearchParameter resources of the types this build indexes. From then on every write indexes them, but
 * resources written earlier are not indexed yet, so a new or changed parameter is *pending*: a search that
 * uses it is refused with FHIR_PARAM_NOT_READY until $reindex (./operations/reindex.ts) has indexed the
 * stored resources of its base types. At start, stored custom parameters are pending and a reindex of their
 * types runs in the background (index rows are not trusted across restarts of a changed definition).
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import { customParameters, markReady, setCustomParameters, type SearchParamDef } from '../search/registry.ts';
import { R4_RESOURCE_TYPE_SET } from './r4-resource-types.ts';
import type { Repository } from '../store/repository.ts';

const INDEXED = new Set(['string', 'token', 'date', 'number', 'quantity', 'reference', 'uri', 'composite']);

export async function loadCustomParameters(repo: Repository): Promise<void> {
  const defs: SearchParamDef[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await repo.search({ resourceType: 'SearchParameter', filters: [], sort: [{ param: '_id', descending: false }], count: 1000, offset, total: false });
    for (const s of page.entries) {
      const r = JSON.parse(s.raw) as SearchParameter;
      if (r.status === 'retired' || !r.code || !r.expression || !INDEXED.has(r.type) || !r.base?.length) continue;
      const base = (r.base as string[]).filter((b) => R4_RESOURCE_TYPE_SET.has(b) || b === 'Resource' || b === 'DomainResource');
      if (base.length === 0) continue;
      defs.push({
        url: r.url, code: r.code, type: r.type as SearchParamDef['type'], expression: r.expression, base,
        ...(r.target ? { target: r.target } : {}),
        ...(r.component ? { component: r.component.map((c) => ({ definition: c.definition, expression: c.expression })) } : {}),
      });
    }
    if (page.entries.length < 1000) break;
  }
  setCustomParameters(defs);
}

/** The resource types a reindex must cover so the pending parameters become ready */
export function pendingParameters(): { urls: string[]; types: string[] | undefined } {
  const pending = customParameters().filter((d) => d.pending);
  const all = pending.some((d) => d.base.includes('Resource') || d.base.includes('DomainResource'));
  return { urls: pending.map((d) => d.url), types: all ? undefined : [...new Set(pending.flatMap((d) => d.base))] };
}

/** Reindexes what the pending parameters need and marks them ready; returns the resources indexed */
export async function reindexPending(repo: Repository, types?: readonly string[]): Promise<{ count: number; ready: string[] }> {
  const { urls, types: needed } = pendingParameters();
  const count = await repo.reindex(types ?? (urls.length > 0 ? needed : undefined));
  // A reindex limited to some types readies only the parameters whose base types it covered
  const covered = (d: SearchParamDef) => types === undefined || d.base.every((b) => types.includes(b));
  const ready = customParameters().filter((d) => d.pending && urls.includes(d.url) && covered(d)).map((d) => d.url);
  markReady(ready);
  return { count, ready };
}
