/**
 * The search conformance table (fixtures/search: a seed set and hand-written queries with their expected
 * ids, derived from https://hl7.org/fhir/R4/search.html) run through the HTTP API of one app. Shared by the
 * differential test (test/golden/search-conformance.test.ts: memory and SQLite must agree with the table
 * and with each other) and `npm run conformance:search`, which prints the scores.
 *
 * A query is "unsupported" when the server refuses it as not supported (400, issue type not-supported)
 * although the table expects an answer: the feature is missing, which the score shows, as opposed to
 * "wrong", an answer that differs from the table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'search');

export interface TableQuery {
  id: string;
  feature: string;
  query: string;
  expect: string[];
  include?: string[];
  order?: 'any' | 'exact';
  total?: number;
  status?: number;
  spec?: string;
  why?: string;
}

export interface QueryResult {
  q: TableQuery;
  status: number;
  matches: string[];
  included: string[];
  total?: number;
  /** 'pass' | 'wrong' | 'unsupported' */
  verdict: 'pass' | 'wrong' | 'unsupported';
  detail?: string;
}

export function loadTable(): { seed: { resource: { resourceType: string; id: string } }[]; queries: TableQuery[] } {
  const seed = JSON.parse(readFileSync(join(FIXTURES, 'seed.json'), 'utf8')) as { entry: { resource: { resourceType: string; id: string } }[] };
  const queries = JSON.parse(readFileSync(join(FIXTURES, 'queries.json'), 'utf8')) as TableQuery[];
  return { seed: seed.entry, queries };
}

/** Loads the seed as one transaction of PUTs (ids kept; references between seed resources resolve) */
export async function loadSeed(app: FastifyInstance, seed: { resource: { resourceType: string; id: string } }[]): Promise<void> {
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: seed.map((e) => ({ resource: e.resource, request: { method: 'PUT', url: `${e.resource.resourceType}/${e.resource.id}` } })),
  };
  const res = await app.inject({ method: 'POST', url: '/fhir', headers: { 'content-type': 'application/fhir+json' }, payload: JSON.stringify(bundle) });
  if (res.statusCode !== 200) throw new Error(`seed transaction failed: ${res.statusCode} ${res.body.slice(0, 2000)}`);
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export async function runQuery(app: FastifyInstance, q: TableQuery): Promise<QueryResult> {
  const res = await app.inject({ method: 'GET', url: `/fhir/${q.query}` });
  const body = res.json() as { resourceType?: string; total?: number; issue?: { code?: string }[]; entry?: { resource?: { resourceType: string; id: string }; search?: { mode?: string } }[] };
  const entries = body.entry ?? [];
  const pick = (mode: string) => entries.filter((e) => e.search?.mode === mode && e.resource).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);
  const r: QueryResult = { q, status: res.statusCode, matches: pick('match'), included: pick('include'), total: body.total, verdict: 'pass' };
  const expectedStatus = q.status ?? 200;
  if (res.statusCode !== expectedStatus) {
    const notSupported = res.statusCode === 400 && body.issue?.some((i) => i.code === 'not-supported');
    r.verdict = expectedStatus === 200 && (notSupported || res.statusCode === 404) ? 'unsupported' : 'wrong';
    r.detail = `status ${res.statusCode}, expected ${expectedStatus}: ${res.body.slice(0, 300)}`;
    return r;
  }
  if (expectedStatus !== 200) return r;
  const matchOk = q.order === 'exact' ? r.matches.join('\n') === q.expect.join('\n') : sameSet(r.matches, q.expect);
  if (!matchOk) {
    r.verdict = 'wrong';
    r.detail = `matches ${JSON.stringify(r.matches)}, expected ${JSON.stringify(q.expect)}`;
  } else if (q.include && !sameSet(r.included, q.include)) {
    r.verdict = 'wrong';
    r.detail = `included ${JSON.stringify(r.included)}, expected ${JSON.stringify(q.include)}`;
  } else if (q.total !== undefined && r.total !== q.total) {
    r.verdict = 'wrong';
    r.detail = `total ${r.total}, expected ${q.total}`;
  }
  return r;
}

/** Every query needs more than the default page: ask for up to 1,000 unless the query sets _count */
export function withCount(q: TableQuery): TableQuery {
  if (/[?&]_count=/.test(q.query) || /_summary=count/.test(q.query) || q.status) return q;
  return { ...q, query: `${q.query}${q.query.includes('?') ? '&' : '?'}_count=1000` };
}
