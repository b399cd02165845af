/**
 * search and history over the memory store's Maps, with exactly the semantics of the SQL stores
 * (../sql/search.ts, ../sql/history.ts, ../sql/indexes/*): the contract suite holds both to one behaviour.
 * Strings compare by UTF-16 code unit, which for FHIR ids ([A-Za-z0-9-.]) and ISO instants is the byte
 * order SQLite's BINARY collation uses.
 * Spec: https://hl7.org/fhir/R4/search.html (#token, #prefix, #sort), https://hl7.org/fhir/R4/http.html#history
 */
import { compareBy, matches, type Candidate, type MatchSource } from '../../search/match.ts';
import type { SearchPlan } from '../../search/plan.ts';
import type { HistoryOptions, HistoryPage, HistoryScope, SearchPage, StoredResource } from '../repository.ts';
import { toInstant } from '../sql/instant.ts';
import type { MemoryState, TxLog, Version } from './state.ts';

/** The memory store as the matcher sees it: live current versions with their index rows */
function source(state: MemoryState, tx: TxLog | undefined): MatchSource {
  const row = (v: Version) => ({ id: v.s.id, lastUpdated: v.s.lastUpdated, rows: v.rows });
  return {
    get: (type, id) => {
      const v = state.live(type, id, tx);
      return v && row(v);
    },
    *all(type) {
      for (const v of state.liveOf(type, tx)) yield row(v);
    },
  };
}

export function search(state: MemoryState, tx: TxLog | undefined, plan: SearchPlan): SearchPage {
  const src = source(state, tx);
  const hits: { c: Candidate; s: StoredResource }[] = [];
  for (const v of state.liveOf(plan.resourceType, tx)) {
    const c: Candidate = { resourceType: plan.resourceType, id: v.s.id, lastUpdated: v.s.lastUpdated, rows: v.rows };
    if (plan.filters.every((f) => matches(c, f, src))) hits.push({ c, s: v.s });
  }
  // The SQL stores' order: the plan's keys (missing values last), then the id.
  hits.sort((a, b) => compareBy(plan.sort, a.c, b.c));
  let window = hits;
  let start = plan.offset;
  if (plan.cursor && 'after' in plan.cursor) {
    const after = plan.cursor.after;
    window = hits.filter((h) => h.s.id > after);
  } else if (plan.cursor) {
    const before = plan.cursor.before;
    window = hits.filter((h) => h.s.id < before);
    start = Math.max(0, window.length - plan.count);
  }
  const entries = window.slice(start, start + plan.count).map((h) => h.s);
  if (!plan.total || (plan.totalLimit !== undefined && hits.length > plan.totalLimit)) return { entries };
  return { entries, total: hits.length };
}

export function history(state: MemoryState, tx: TxLog | undefined, scope: HistoryScope, opts: HistoryOptions): HistoryPage {
  const source: readonly Version[] =
    scope.id !== undefined && scope.resourceType !== undefined ? (state.versions(scope.resourceType, scope.id) ?? []) : state.log;
  const since = opts.since === undefined ? undefined : toInstant(opts.since);
  const until = opts.until === undefined ? undefined : toInstant(opts.until);
  const at = opts.at === undefined ? undefined : toInstant(opts.at);
  const inScope = (v: Version) =>
    (tx !== undefined || !v.pending) &&
    (scope.resourceType === undefined || v.s.resourceType === scope.resourceType) &&
    (scope.id === undefined || v.s.id === scope.id);

  let picked: StoredResource[] = [];
  if (at === undefined) {
    for (let i = source.length - 1; i >= 0; i--) if (inScope(source[i])) picked.push(source[i].s);
  } else {
    // newest version at or before `at`, per resource; source is in lastUpdated order, so the last wins
    const atInstant = new Map<string, StoredResource>();
    for (const v of source) if (inScope(v) && v.s.lastUpdated <= at) atInstant.set(`${v.s.resourceType}/${v.s.id}`, v.s);
    picked = [...atInstant.values()].filter((s) => !s.deleted).sort((a, b) => (a.lastUpdated < b.lastUpdated ? 1 : -1));
  }
  const matching = picked.filter((s) => (since === undefined || s.lastUpdated >= since) && (until === undefined || s.lastUpdated <= until));
  const offset = opts.offset ?? 0;
  return { entries: matching.slice(offset, offset + opts.count), total: matching.length };
}
