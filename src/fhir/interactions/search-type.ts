/**
 * search-type: GET [type]?... and POST [type]/_search (form body); compartment search GET
 * Patient/[id]/[type]?... (../compartment.ts). Paged by _count/_offset, with _include and _revinclude
 * entries after the matches. https://hl7.org/fhir/R4/http.html#search , https://hl7.org/fhir/R4/search.html
 * Parameters ignored under Prefer: handling=lenient are reported in an OperationOutcome entry and left out
 * of the self link, which shows only what was applied.
 */
import { FhirError, issueOf } from '../../errors/fhir-error.ts';
import { parseSearch, type ParsedSearch } from '../../search/parse.ts';
import type { Filter, SearchPlan } from '../../search/plan.ts';
import type { SearchPage } from '../../store/repository.ts';
import { bundleJson } from '../bundle/json.ts';
import { compartmentFilter } from '../compartment.ts';
import type { Env, Handler } from '../context.ts';
import { parsePrefer } from '../http-semantics.ts';
import { outcomeOf } from '../outcome.ts';
import { MAX_INCLUDED, resolveIncludes } from '../search-include.ts';
import { resolvePlan } from '../search-resolve.ts';
import { subsetRaw } from '../subset.ts';
import type { FhirRequest } from '../types.ts';

/** The query of a search request: the URL's, plus a form body for POST _search */
export function searchQuery(req: FhirRequest): URLSearchParams {
  if (req.method !== 'POST') return req.query;
  if (req.body !== undefined && !(req.body instanceof URLSearchParams)) {
    throw new FhirError('FHIR_UNSUPPORTED_MEDIA_TYPE', { detail: req.contentType ?? 'unknown' });
  }
  return new URLSearchParams([...req.query, ...((req.body as URLSearchParams | undefined) ?? [])]);
}

export function parseRequest(env: Env, req: FhirRequest, type: string, query: URLSearchParams): ParsedSearch {
  const lenient = parsePrefer(req.headers.prefer).handling === 'lenient';
  const { defaultCount, maxCount } = env.deps.options;
  return parseSearch(type, query, { lenient, defaultCount, maxCount, baseUrl: req.context.baseUrl });
}

export function ignoredIssues(parsed: Pick<ParsedSearch, 'ignored'>, type: string) {
  return parsed.ignored.map((i) => issueOf('FHIR_PARAM_UNKNOWN', { param: i.param, type, detail: i.reason, expression: i.param }, 'warning'));
}

/** A pin this server wrote into a paging link: le and a UTC instant with milliseconds */
const PIN = /^le\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * self, next and previous (https://hl7.org/fhir/R4/http.html#paging). `more`: there are matches beyond this
 * page in the direction it was read (forwards, or backwards for a `_before` page).
 *
 * In the default order (by id) the links are keyset cursors: next is `_after=<last id on the page>`,
 * previous `_before=<first id>`. They stay correct while other clients write: a resource updated between
 * two page requests keeps its id and so its place (it is neither skipped nor repeated), a deleted one drops
 * out without shifting the others, and one created meanwhile (a UUIDv7 id, greater than every earlier
 * server-assigned id) appears on a later page, so nothing that matched is lost or seen twice.
 * With _sort the links use _offset, pinned to the moment of the first page (_lastUpdated=le<now>) so
 * resources created meanwhile do not shift the pages; an update or delete of a matching resource still
 * moves the later pages by one (see ARCHITECTURE.md, "Paging").
 */
function pagingLinks(base: string, applied: [string, string][], plan: SearchPlan, entries: readonly { id: string }[], more: boolean) {
  const url = (extra: [string, string][]) => {
    const u = new URLSearchParams([...applied, ...extra]);
    u.set('_count', String(plan.count));
    return `${base}?${u.toString()}`;
  };
  if (plan.sort.length === 0) {
    const cursor = plan.cursor;
    const self = url(cursor ? ['after' in cursor ? ['_after', cursor.after] : ['_before', cursor.before]] : plan.offset > 0 ? [['_offset', String(plan.offset)]] : []);
    const links = [{ relation: 'self', url: self }];
    const backwards = cursor !== undefined && 'before' in cursor;
    const first = entries[0]?.id;
    const last = entries.at(-1)?.id;
    // forwards: more means a next page; a page reached by a cursor or an offset has one before it
    const hasNext = backwards ? true : more;
    const hasPrevious = backwards ? more : cursor !== undefined || plan.offset > 0;
    const nextFrom = last ?? (cursor && 'before' in cursor ? cursor.before : undefined);
    const previousFrom = first ?? (cursor && 'after' in cursor ? cursor.after : undefined);
    if (hasNext && nextFrom !== undefined) links.push({ relation: 'next', url: url([['_after', nextFrom]]) });
    if (hasPrevious && previousFrom !== undefined) links.push({ relation: 'previous', url: url([['_before', previousFrom]]) });
    return links;
  }
  const pinned = applied.some(([k, v]) => k === '_lastUpdated' && PIN.test(v));
  const pin: [string, string][] = pinned ? [] : [['_lastUpdated', `le${new Date().toISOString()}`]];
  const at = (offset: number, withPin: boolean) => url([...(withPin ? pin : []), ...(offset > 0 ? [['_offset', String(offset)] as [string, string]] : [])]);
  const links = [{ relation: 'self', url: at(plan.offset, false) }];
  if (more) links.push({ relation: 'next', url: at(plan.offset + plan.count, true) });
  if (plan.offset > 0) links.push({ relation: 'previous', url: at(Math.max(0, plan.offset - plan.count), true) });
  return links;
}

export const searchType: Handler = async (env, req, p) => {
  const type = p.type!;
  const parsed = parseRequest(env, req, type, searchQuery(req));
  const { ignored, applied, include, subset } = parsed;
  const rawOf = (s: { raw: string; resourceType: string }) => (subset ? subsetRaw(s.raw, s.resourceType, subset) : s.raw);
  let plan = parsed.plan;
  const extra: Filter[] = p.compartment ? [compartmentFilter(p.compartment.type, p.compartment.id, type)] : [];
  plan = await resolvePlan(env.repo, { ...plan, filters: [...extra, ...plan.filters] });
  // Ask for one more than the page to know whether there is a further page (in the paging direction)
  // without counting.
  const page: SearchPage = await env.repo.search({ ...plan, count: plan.count + 1 });
  const hasNext = page.entries.length > plan.count;
  const backwards = plan.cursor !== undefined && 'before' in plan.cursor;
  const entries = hasNext ? (backwards ? page.entries.slice(1) : page.entries.slice(0, plan.count)) : page.entries;

  const base = p.compartment ? `${req.context.baseUrl}/${p.compartment.type}/${p.compartment.id}/${type}` : `${req.context.baseUrl}/${type}`;
  const links = pagingLinks(base, applied, plan, entries, hasNext);
  const included = include.length > 0 ? await resolveIncludes(env.repo, entries, include) : { resources: [], truncated: false };
  const issues = ignoredIssues({ ignored }, type);
  if (included.truncated) issues.push(issueOf('FHIR_INCLUDE_TRUNCATED', { detail: String(MAX_INCLUDED) }, 'warning'));
  const raw = bundleJson(
    { type: 'searchset', total: page.total, link: links },
    [
      ...entries.map((s) => ({ fullUrl: `${req.context.baseUrl}/${type}/${s.id}`, raw: rawOf(s), search: { mode: 'match' } })),
      ...included.resources.map((s) => ({ fullUrl: `${req.context.baseUrl}/${s.resourceType}/${s.id}`, raw: rawOf(s), search: { mode: 'include' } })),
    ],
    issues.length ? outcomeOf(issues) : undefined,
  );
  return { status: 200, raw };
};
