/**
 * history-instance, history-type and history-system, with _since, _at and _count; paged newest first.
 * https://hl7.org/fhir/R4/http.html#history
 * Paging is pinned: the first page's newest entry fixes `_until` for the links, so versions written while a
 * client pages do not shift the following pages.
 */
import { FhirError } from '../../errors/fhir-error.ts';
import { parseDateRange } from '../../search/date.ts';
import { exactInstant } from '../../store/sql/instant.ts';
import type { HistoryScope, StoredResource } from '../../store/repository.ts';
import { bundleJson, type RawEntry } from '../bundle/json.ts';
import { etagOf } from '../http-semantics.ts';
import type { Handler } from '../context.ts';
import type { FhirRequest } from '../types.ts';

const HISTORY_PARAMS = new Set(['_count', '_since', '_at', '_offset', '_until', '_format', '_pretty']);

export const history: Handler = async (env, req, p) => {
  const scope: HistoryScope = { resourceType: p.type, id: p.id };
  if (p.type && p.id) await env.repo.read(p.type, p.id).catch((e: unknown) => {
    // A deleted resource still has a history; only a resource that never existed is 404.
    if (e instanceof FhirError && e.code === 'FHIR_GONE') return;
    throw e;
  });
  const q = req.query;
  for (const key of q.keys()) {
    if (!HISTORY_PARAMS.has(key)) throw new FhirError('FHIR_PARAM_UNKNOWN', { param: key, type: 'history', expression: key });
  }
  const { defaultCount, maxCount } = env.deps.options;
  const count = Math.min(intParam(q, '_count') ?? defaultCount, maxCount);
  const offset = intParam(q, '_offset') ?? 0;
  const since = instantParam(q, '_since');
  const at = instantParam(q, '_at');
  // The first page is not bounded; its newest entry pins the following pages, so versions written while
  // a client pages do not shift them. (The store's clock may run ahead of the wall clock under load, so
  // "now" would be the wrong pin.)
  const pinned = instantParam(q, '_until');
  const page = await env.repo.history(scope, { count, offset, since, at, until: pinned });
  const until = pinned ?? page.entries[0]?.lastUpdated;

  const base = req.context.baseUrl;
  const selfPath = [base, p.type, p.id, '_history'].filter(Boolean).join('/');
  const link = (o: number) => {
    const u = new URLSearchParams();
    if (since) u.set('_since', since);
    if (at) u.set('_at', at);
    if (until) u.set('_until', until);
    u.set('_count', String(count));
    u.set('_offset', String(o));
    return `${selfPath}?${u.toString()}`;
  };
  const links = [{ relation: 'self', url: link(offset) }];
  if (offset + count < page.total) links.push({ relation: 'next', url: link(offset + count) });
  if (offset > 0) links.push({ relation: 'previous', url: link(Math.max(0, offset - count)) });
  const raw = bundleJson({ type: 'history', total: page.total, link: links }, page.entries.map((s) => historyEntry(s, req)));
  return { status: 200, raw };
};

export function historyEntry(s: StoredResource, req: FhirRequest): RawEntry {
  const url = `${s.resourceType}/${s.id}`;
  const response = { status: s.deleted ? '204 No Content' : s.versionId === '1' ? '201 Created' : '200 OK', etag: etagOf(s.versionId), lastModified: s.lastUpdated };
  const request = s.deleted ? { method: 'DELETE', url } : s.versionId === '1' ? { method: 'POST', url: s.resourceType } : { method: 'PUT', url };
  return { fullUrl: `${req.context.baseUrl}/${url}`, raw: s.deleted ? undefined : s.raw, request, response };
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^\d+$/.test(v)) throw new FhirError('FHIR_PARAM_INVALID', { param: name, detail: 'must be a non-negative integer', expression: name });
  return Number(v);
}

function instantParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  const range = parseDateRange(v);
  if (!range) throw new FhirError('FHIR_PARAM_INVALID', { param: name, detail: `'${v}' is not a FHIR instant`, expression: name });
  // A whole instant is taken exactly, to the microsecond: `_until` carries a stored lastUpdated, which
  // shares its millisecond with other writes (src/store/clock.ts). Anything less is its range's start.
  return exactInstant(v) ?? range.low;
}

