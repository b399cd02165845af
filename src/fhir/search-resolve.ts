/**
 * Filters that need other resources before a store can run them, resolved here, in the FHIR layer, so
 * stores only ever compare index values:
 * - _list=<id> (https://hl7.org/fhir/R4/search.html#list): the ids of the List's entry.item references of
 *   the searched type. A List that does not exist (or is deleted) lists nothing.
 * - token :in / :not-in <ValueSet url> (https://hl7.org/fhir/R4/search.html#modifiers): the codes of the
 *   stored ValueSet with that url, from its expansion (expansion.contains, nested) or, without one, from the
 *   concepts enumerated in compose.include (filters and imported value sets need a terminology server and
 *   are refused). An unknown ValueSet is a coded 400, not an empty answer.
 * The resolution recurses into chains, _has, composites and alternatives.
 */
import type { ValueSet, ValueSetExpansionContains } from '@medplum/fhirtypes';
import { FhirError } from '../errors/fhir-error.ts';
import { referenceTarget } from '../search/paths.ts';
import type { Filter, SearchPlan, TokenValue } from '../search/plan.ts';
import type { Repository } from '../store/repository.ts';

export async function resolvePlan(repo: Repository, plan: SearchPlan): Promise<SearchPlan> {
  if (!plan.filters.some(needsResolving)) return plan;
  const filters: Filter[] = [];
  for (const f of plan.filters) filters.push(await resolve(repo, plan.resourceType, f));
  return { ...plan, filters };
}

function needsResolving(f: Filter): boolean {
  switch (f.kind) {
    case 'list':
    case 'valueSet':
      return true;
    case 'chain':
    case 'has':
      return needsResolving(f.filter);
    case 'any':
      return f.filters.some(needsResolving);
    case 'composite':
      return f.components.some(needsResolving);
    default:
      return false;
  }
}

async function resolve(repo: Repository, type: string, f: Filter): Promise<Filter> {
  switch (f.kind) {
    case 'list':
      return { kind: 'id', values: await listedIds(repo, f.listId, type) };
    case 'valueSet': {
      const values = await valueSetCodes(repo, f.url);
      // An empty value set: :in matches nothing, :not-in everything (a token :not over no codes)
      if (values.length === 0) return f.negate ? { kind: 'any', filters: [{ kind: 'missing', param: f.param, table: 'token', missing: true }, { kind: 'missing', param: f.param, table: 'token', missing: false }] } : { kind: 'id', values: [] };
      return { kind: 'token', param: f.param, values, ...(f.negate ? { negate: true } : {}) };
    }
    case 'chain':
      return { ...f, filter: await resolve(repo, f.targetTypes[0], f.filter) };
    case 'has':
      return { ...f, filter: await resolve(repo, f.sourceType, f.filter) };
    case 'any':
      return { ...f, filters: await Promise.all(f.filters.map((g) => resolve(repo, type, g))) };
    case 'composite':
      return { ...f, components: await Promise.all(f.components.map((g) => resolve(repo, type, g))) };
    default:
      return f;
  }
}

async function listedIds(repo: Repository, listId: string, type: string): Promise<string[]> {
  let list: { entry?: { item?: { reference?: string } }[] };
  try {
    list = JSON.parse((await repo.read('List', listId)).raw);
  } catch (e) {
    if (e instanceof FhirError && (e.code === 'FHIR_NOT_FOUND' || e.code === 'FHIR_GONE')) return [];
    throw e;
  }
  const ids: string[] = [];
  for (const entry of list.entry ?? []) {
    const t = entry.item?.reference ? referenceTarget(entry.item.reference) : undefined;
    if (t && t.type === type) ids.push(t.id);
  }
  return ids;
}

async function valueSetCodes(repo: Repository, url: string): Promise<TokenValue[]> {
  const page = await repo.search({
    resourceType: 'ValueSet',
    filters: [{ kind: 'uri', param: 'url', mode: 'exact', values: [url] }],
    sort: [],
    count: 2,
    offset: 0,
    total: false,
  });
  if (page.entries.length === 0) throw new FhirError('FHIR_PARAM_INVALID', { param: ':in', detail: `no ValueSet with url '${url}' is stored` });
  const vs = JSON.parse(page.entries[0].raw) as ValueSet;
  const out: TokenValue[] = [];
  const walk = (cs: ValueSetExpansionContains[] | undefined) => {
    for (const c of cs ?? []) {
      if (c.code) out.push({ system: c.system ?? '', code: c.code });
      walk(c.contains);
    }
  };
  if (vs.expansion) {
    walk(vs.expansion.contains);
    return out;
  }
  for (const inc of vs.compose?.include ?? []) {
    if (inc.filter?.length || inc.valueSet?.length || !inc.concept) {
      throw new FhirError('FHIR_PARAM_UNKNOWN', { param: ':in', detail: `ValueSet '${url}' has no expansion and is defined by filters or other value sets; expanding those needs terminology support this build does not have` });
    }
    for (const c of inc.concept) out.push({ system: inc.system ?? '', code: c.code });
  }
  return out;
}
