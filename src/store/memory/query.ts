/**
 * search and history over the memory store's Maps, with exactly the semantics of the SQL stores
 * (../sql/search.ts, ../sql/history.ts, ../sql/indexes/*): the contract suite holds both to one behaviour.
 * Strings compare by UTF-16 code unit, which for FHIR ids ([A-Za-z0-9-.]) and ISO instants is the byte
 * order SQLite's BINARY collation uses.
 * Spec: https://hl7.org/fhir/R4/search.html (#token, #prefix, #sort), https://hl7.org/fhir/R4/http.html#history
 */
import type { DateValue, Filter, SearchPlan, SortKey, TokenValue } from '../../search/plan.ts';
import type { HistoryOptions, HistoryPage, HistoryScope, SearchPage, StoredResource } from '../repository.ts';
import { toInstant } from '../sql/instant.ts';
import type { MemoryState, TxLog, Version } from './state.ts';

export function search(state: MemoryState, tx: TxLog | undefined, plan: SearchPlan): SearchPage {
  const matches: Version[] = [];
  for (const list of state.byType.get(plan.resourceType)?.values() ?? []) {
    const v = state.current(list, tx);
    if (v && !v.s.deleted && plan.filters.every((f) => matchesFilter(v, f))) matches.push(v);
  }
  const keys: SortKey[] = plan.sort.length > 0 ? [...plan.sort] : [{ param: '_lastUpdated', descending: false }];
  if (!keys.some((k) => k.param === '_id')) keys.push({ param: '_id', descending: false });
  matches.sort((a, b) => {
    for (const k of keys) {
      const x = k.param === '_id' ? a.s.id : a.s.lastUpdated;
      const y = k.param === '_id' ? b.s.id : b.s.lastUpdated;
      if (x !== y) return (x < y ? -1 : 1) * (k.descending ? -1 : 1);
    }
    return 0;
  });
  const entries = matches.slice(plan.offset, plan.offset + plan.count).map((v) => v.s);
  return plan.total ? { entries, total: matches.length } : { entries };
}

function matchesFilter(v: Version, f: Filter): boolean {
  switch (f.kind) {
    case 'id':
      return f.values.includes(v.s.id);
    case 'token':
      return v.tokens.some((r) => r.param === f.param && f.values.some((t) => tokenMatches(r.system, r.code, t)));
    case 'lastUpdated':
      return f.values.some((d) => inRange(v.s.lastUpdated, d));
    default:
      throw new Error(`the memory store cannot serve a ${(f as Filter).kind} filter`);
  }
}

function tokenMatches(system: string | null, code: string, t: TokenValue): boolean {
  if (t.system !== undefined && (t.system === '' ? system !== null : system !== t.system)) return false;
  return t.code === undefined || code === t.code;
}

function inRange(lu: string, d: DateValue): boolean {
  const low = toInstant(d.low);
  const high = toInstant(d.high);
  switch (d.prefix) {
    case 'eq':
    case 'ap':
      return lu >= low && lu < high;
    case 'ne':
      return lu < low || lu >= high;
    case 'gt':
    case 'sa':
      return lu >= high;
    case 'lt':
    case 'eb':
      return lu < low;
    case 'ge':
      return lu >= low;
    case 'le':
      return lu < high;
  }
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
  const matching = picked.filter((s) => (since === undefined || s.lastUpdated > since) && (until === undefined || s.lastUpdated <= until));
  const offset = opts.offset ?? 0;
  return { entries: matching.slice(offset, offset + opts.count), total: matching.length };
}
