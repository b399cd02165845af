/**
 * search-system: GET [base]?_type=Patient,Practitioner&... and POST [base]/_search
 * (https://hl7.org/fhir/R4/http.html#search , https://hl7.org/fhir/R4/search.html#_type). The query runs per
 * type and the pages are merged in the default order (id, then type); every parameter
 * must be one each listed type knows (R4: only parameters common to all of them), else the usual 400.
 * Without _type every resource type is searched. _sort, _include and _revinclude apply per type in R4 and
 * are refused here for now (a coded 400), as is paging past the first 1,000 merged matches.
 */
import { FhirError } from '../../errors/fhir-error.ts';
import { R4_RESOURCE_TYPES, R4_RESOURCE_TYPE_SET } from '../r4-resource-types.ts';
import type { StoredResource } from '../../store/repository.ts';
import { bundleJson } from '../bundle/json.ts';
import type { Handler } from '../context.ts';
import { outcomeOf } from '../outcome.ts';
import { resolvePlan } from '../search-resolve.ts';
import { ignoredIssues, parseRequest, searchQuery } from './search-type.ts';

const MAX_WINDOW = 1000;
const PER_TYPE_ONLY = new Set(['_sort', '_include', '_revinclude', '_include:iterate', '_revinclude:iterate']);

export const searchSystem: Handler = async (env, req) => {
  const query = new URLSearchParams(searchQuery(req));
  const typeParam = query.getAll('_type').flatMap((v) => v.split(','));
  query.delete('_type');
  for (const t of typeParam) if (!R4_RESOURCE_TYPE_SET.has(t)) throw new FhirError('FHIR_PARAM_INVALID', { param: '_type', detail: `'${t}' is not a resource type` });
  for (const k of query.keys()) {
    if (PER_TYPE_ONLY.has(k)) throw new FhirError('FHIR_PARAM_UNKNOWN', { param: k, detail: 'not supported in a search across types; search one type instead' });
  }
  const types = typeParam.length > 0 ? [...new Set(typeParam)] : R4_RESOURCE_TYPES;
  const parsed = types.map((type) => ({ type, ...parseRequest(env, req, type, query) }));
  const { count, offset } = parsed[0].plan;
  if (offset + count > MAX_WINDOW) throw new FhirError('FHIR_PARAM_INVALID', { param: '_offset', detail: `a search across types pages through the first ${MAX_WINDOW} matches only` });

  const matches: StoredResource[] = [];
  let total: number | undefined = 0;
  for (const p of parsed) {
    const plan = await resolvePlan(env.repo, { ...p.plan, offset: 0, count: offset + count + 1, total: true });
    const page = await env.repo.search(plan);
    matches.push(...page.entries);
    total = total === undefined || page.total === undefined ? undefined : total + page.total;
  }
  // The per-type order (by id), merged; equal ids of different types by type
  matches.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.resourceType < b.resourceType ? -1 : 1));
  const entries = matches.slice(offset, offset + count);
  const hasNext = matches.length > offset + count;

  const link = (o: number) => {
    const u = new URLSearchParams(parsed[0].applied);
    if (typeParam.length > 0) u.set('_type', types.join(','));
    u.set('_count', String(count));
    if (o > 0) u.set('_offset', String(o));
    return `${req.context.baseUrl}?${u.toString()}`;
  };
  const links = [{ relation: 'self', url: link(offset) }];
  if (hasNext) links.push({ relation: 'next', url: link(offset + count) });
  if (offset > 0) links.push({ relation: 'previous', url: link(Math.max(0, offset - count)) });
  const issues = ignoredIssues(parsed[0], types.join(','));
  const raw = bundleJson(
    { type: 'searchset', total: parsed[0].plan.total ? total : undefined, link: links },
    entries.map((s) => ({ fullUrl: `${req.context.baseUrl}/${s.resourceType}/${s.id}`, raw: s.raw, search: { mode: 'match' } })),
    issues.length ? outcomeOf(issues) : undefined,
  );
  return { status: 200, raw };
};
