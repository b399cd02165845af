/**
 * search-type: GET [type]?... and POST [type]/_search (form body), paged by _count/_offset, with _include
 * and _revinclude entries after the matches. https://hl7.org/fhir/R4/http.html#search , https://hl7.org/fhir/R4/search.html
 * Parameters ignored under Prefer: handling=lenient are reported in an OperationOutcome entry and left out
 * of the self link, which shows only what was applied.
 */
import { FhirError, issueOf } from '../../errors/fhir-error.ts';
import { parseSearch } from '../../search/parse.ts';
import { bundleJson } from '../bundle/json.ts';
import { MAX_INCLUDED, resolveIncludes } from '../search-include.ts';
import { parsePrefer } from '../http-semantics.ts';
import { outcomeOf } from '../outcome.ts';
import type { Handler } from '../context.ts';

export const searchType: Handler = async (env, req, p) => {
  const type = p.type!;
  let query = req.query;
  if (req.method === 'POST') {
    if (req.body !== undefined && !(req.body instanceof URLSearchParams)) {
      throw new FhirError('FHIR_UNSUPPORTED_MEDIA_TYPE', { detail: req.contentType ?? 'unknown' });
    }
    query = new URLSearchParams([...req.query, ...((req.body as URLSearchParams | undefined) ?? [])]);
  }
  const lenient = parsePrefer(req.headers.prefer).handling === 'lenient';
  const { defaultCount, maxCount } = env.deps.options;
  const { plan, ignored, applied, include } = parseSearch(type, query, { lenient, defaultCount, maxCount, baseUrl: req.context.baseUrl });
  // Ask for one more than the page to know whether there is a next page without counting.
  const page = await env.repo.search({ ...plan, count: plan.count + 1 });
  const hasNext = page.entries.length > plan.count;
  const entries = hasNext ? page.entries.slice(0, plan.count) : page.entries;

  const base = `${req.context.baseUrl}/${type}`;
  const link = (offset: number) => {
    const u = new URLSearchParams(applied);
    u.set('_count', String(plan.count));
    if (offset > 0) u.set('_offset', String(offset));
    return `${base}?${u.toString()}`;
  };
  const links = [{ relation: 'self', url: link(plan.offset) }];
  if (hasNext) links.push({ relation: 'next', url: link(plan.offset + plan.count) });
  if (plan.offset > 0) links.push({ relation: 'previous', url: link(Math.max(0, plan.offset - plan.count)) });
  const included = include.length > 0 ? await resolveIncludes(env.repo, entries, include) : { resources: [], truncated: false };
  const issues = ignored.map((i) => issueOf('FHIR_PARAM_UNKNOWN', { param: i.param, type, detail: i.reason, expression: i.param }, 'warning'));
  if (included.truncated) issues.push(issueOf('FHIR_INCLUDE_TRUNCATED', { detail: String(MAX_INCLUDED) }, 'warning'));
  const outcome = issues.length ? outcomeOf(issues) : undefined;
  const raw = bundleJson(
    { type: 'searchset', total: page.total, link: links },
    [
      ...entries.map((s) => ({ fullUrl: `${base}/${s.id}`, raw: s.raw, search: { mode: 'match' } })),
      ...included.resources.map((s) => ({ fullUrl: `${req.context.baseUrl}/${s.resourceType}/${s.id}`, raw: s.raw, search: { mode: 'include' } })),
    ],
    outcome,
  );
  return { status: 200, raw };
};
