/**
 * The in-memory matcher: a SearchPlan's filters evaluated on index rows (./rows.ts). It is the reference
 * statement of each rule; the SQL indexes (src/store/sql/indexes/) implement the same rules, and the
 * search conformance table (fixtures/search) is run against both and must give the same ids.
 *
 * Range rules (https://hl7.org/fhir/R4/search.html#prefix), target [tl, th) against search [sl, sh):
 *   eq  sl <= tl and th <= sh (the search range contains the target)    ne  not eq
 *   gt  th > sh      lt  tl < sl      ge  gt or eq      le  lt or eq
 *   sa  tl >= sh     eb  th <= sl     ap  the ranges overlap (ap's range is widened by the parser)
 * Numbers and quantities are points v against the search value s and its precision range [sl, sh):
 *   eq  sl <= v < sh   ne  not eq   gt/sa  v > s   lt/eb  v < s   ge  v >= s   le  v <= s   ap  sl <= v <= sh
 */
import type { DateValue, Filter, NearValue, NumberValue, QuantityValue, ReferenceValue, SortKey, TokenValue } from './plan.ts';
import { chordSquared, chordSquaredLimit, unitVector } from './geo.ts';
import { keysOf } from './shared-rows.ts';
import { nextInstant, toInstant } from '../store/sql/instant.ts';
import type { DateRow, IndexRows, PositionRow, QuantityRow, ReferenceRow, TokenRow } from './rows.ts';

/** What the matcher needs from a store: the rows of live current resources */
export interface MatchSource {
  /** The live current resource, or undefined (never existed, or deleted) */
  get(resourceType: string, id: string): { id: string; lastUpdated: string; rows: IndexRows } | undefined;
  /** Every live current resource of a type */
  all(resourceType: string): Iterable<{ id: string; lastUpdated: string; rows: IndexRows }>;
}

export interface Candidate {
  resourceType: string;
  id: string;
  lastUpdated: string;
  rows: IndexRows;
}

export function matches(c: Candidate, f: Filter, src: MatchSource): boolean {
  switch (f.kind) {
    case 'id':
      return f.values.includes(c.id);
    case 'lastUpdated': {
      const next = nextInstant(c.lastUpdated);
      return f.values.some((d) => dateMatches(c.lastUpdated, next, { prefix: d.prefix, low: toInstant(d.low), high: toInstant(d.high) }));
    }
    case 'token': {
      const hit = c.rows.token.some((r) => r.param === f.param && f.values.some((t) => tokenMatches(r, t)));
      return f.negate ? !hit : hit;
    }
    case 'text':
      return c.rows.text.some((r) => r.param === f.param && f.values.some((v) => r.text.startsWith(v)));
    case 'string': {
      const keys = keysOf(c.resourceType, f.param);
      return c.rows.string.some((r) => keys.includes(r.param) && f.values.some((v) =>
        f.mode === 'exact' ? r.value === v : f.mode === 'contains' ? r.folded.includes(v) : r.folded.startsWith(v)));
    }
    case 'date':
      return c.rows.date.some((r) => r.param === f.param && f.values.some((d) => dateRowMatches(r, d)));
    case 'number':
      return c.rows.number.some((r) => r.param === f.param && f.values.some((n) => numberMatches(r.value, n)));
    case 'quantity':
      return c.rows.quantity.some((r) => r.param === f.param && f.values.some((q) => quantityMatches(r, q)));
    case 'reference':
      return c.rows.reference.some((r) => r.param === f.param && f.values.some((v) => referenceMatches(r, v)));
    case 'uri':
      return c.rows.uri.some((r) => r.param === f.param && f.values.some((v) =>
        f.mode === 'exact' ? r.value === v : f.mode === 'below' ? r.value.startsWith(v) : v.startsWith(r.value)));
    case 'near':
      return c.rows.position.some((r) => r.param === f.param && f.values.some((v) => nearMatches(r, v)));
    case 'missing': {
      const keys = keysOf(c.resourceType, f.param);
      const present = (c.rows[f.table] as { param: string }[]).some((r) => keys.includes(r.param));
      return f.missing ? !present : present;
    }
    case 'chain':
      return c.rows.reference.some((r) =>
        r.param === f.param && r.targetType !== null && r.targetId !== null && f.targetTypes.includes(r.targetType) &&
        targetMatches(r.targetType, r.targetId, f.filter, src));
    case 'has':
      for (const s of src.all(f.sourceType)) {
        const points = s.rows.reference.some((r) => r.param === f.param && r.targetType === c.resourceType && r.targetId === c.id);
        if (points && matches({ resourceType: f.sourceType, ...s }, f.filter, src)) return true;
      }
      return false;
    case 'any':
      return f.filters.some((g) => matches(c, g, src));
    case 'composite': {
      const groups = new Set<number>();
      for (const list of Object.values(c.rows) as { grp?: number }[][]) for (const r of list) if (r.grp !== undefined) groups.add(r.grp);
      for (const g of groups) {
        const only = { ...c, rows: rowsOfGroup(c.rows, g) };
        if (f.components.every((cf) => matches(only, cf, src))) return true;
      }
      return false;
    }
    case 'list':
    case 'valueSet':
      throw new Error(`a ${f.kind} filter must be resolved before it reaches a store`);
  }
}

function rowsOfGroup(rows: IndexRows, g: number): IndexRows {
  const out = {} as Record<keyof IndexRows, unknown[]>;
  for (const k of Object.keys(rows) as (keyof IndexRows)[]) out[k] = (rows[k] as { grp?: number }[]).filter((r) => r.grp === g);
  return out as unknown as IndexRows;
}

function targetMatches(type: string, id: string, f: Filter, src: MatchSource): boolean {
  const head = src.get(type, id);
  return head !== undefined && matches({ resourceType: type, ...head }, f, src);
}

export function tokenMatches(r: TokenRow, t: TokenValue): boolean {
  if (t.system !== undefined && (t.system === '' ? r.system !== null : r.system !== t.system)) return false;
  return t.code === undefined || r.code === t.code;
}

function dateRowMatches(r: DateRow, d: DateValue): boolean {
  return dateMatches(r.low, r.high, d);
}

/** Within v.km of the point: the chord test of ./geo.ts, the same arithmetic the SQL index runs */
export function nearMatches(r: PositionRow, v: NearValue): boolean {
  return chordSquared(r, unitVector(v.lat, v.long)) <= chordSquaredLimit(v.km);
}

/** Instants are fixed-width UTC ISO text, so string comparison is time comparison */
export function dateMatches(tl: string, th: string, d: DateValue): boolean {
  const contained = d.low <= tl && th <= d.high;
  switch (d.prefix) {
    case 'eq': return contained;
    case 'ne': return !contained;
    case 'gt': return th > d.high;
    case 'lt': return tl < d.low;
    case 'ge': return th > d.high || contained;
    case 'le': return tl < d.low || contained;
    case 'sa': return tl >= d.high;
    case 'eb': return th <= d.low;
    case 'ap': return tl < d.high && th > d.low;
  }
}

export function numberMatches(v: number, n: NumberValue): boolean {
  switch (n.prefix) {
    case 'eq': return n.low <= v && v < n.high;
    case 'ne': return !(n.low <= v && v < n.high);
    case 'gt': case 'sa': return v > n.value;
    case 'lt': case 'eb': return v < n.value;
    case 'ge': return v >= n.value;
    case 'le': return v <= n.value;
    case 'ap': return n.low <= v && v <= n.high;
  }
}

function quantityMatches(r: QuantityRow, q: QuantityValue): boolean {
  if (q.canonicalCode !== undefined) {
    return r.canonicalCode === q.canonicalCode && r.canonicalValue !== null && numberMatches(r.canonicalValue, q);
  }
  if (q.system !== undefined && r.system !== q.system) return false;
  if (q.code !== undefined && !(r.code === q.code || (q.system === undefined && r.unit === q.code))) return false;
  return numberMatches(r.value, q);
}

export function referenceMatches(r: ReferenceRow, v: ReferenceValue): boolean {
  if ('url' in v) return r.url === v.url;
  return r.targetId === v.id && (v.type === undefined || r.targetType === v.type);
}

/** The value a resource sorts by for one key (undefined: it has none, and sorts last either way) */
export function sortValue(c: Candidate, key: SortKey): string | number | undefined {
  if (key.param === '_id') return c.id;
  if (key.param === '_lastUpdated') return c.lastUpdated;
  const pick = <T>(xs: T[]): T | undefined => {
    if (xs.length === 0) return undefined;
    return xs.reduce((a, b) => ((key.descending ? b > a : b < a) ? b : a));
  };
  switch (key.table) {
    case 'string': {
      const keys = keysOf(c.resourceType, key.param);
      return pick(c.rows.string.filter((r) => keys.includes(r.param)).map((r) => r.sort));
    }
    case 'token': return pick(c.rows.token.filter((r) => r.param === key.param).map((r) => r.code));
    case 'date': return pick(c.rows.date.filter((r) => r.param === key.param).map((r) => (key.descending ? r.high : r.low)));
    case 'number': return pick(c.rows.number.filter((r) => r.param === key.param).map((r) => r.value));
    case 'quantity': return pick(c.rows.quantity.filter((r) => r.param === key.param).map((r) => r.canonicalValue ?? r.value));
    case 'uri': return pick(c.rows.uri.filter((r) => r.param === key.param).map((r) => r.value));
    case 'reference':
      return pick(c.rows.reference.filter((r) => r.param === key.param).map((r) => r.url ?? r.targetId ?? undefined).filter((x): x is string => x !== undefined));
    default: return undefined;
  }
}

/** Compares two candidates by the plan's keys, missing values last; ties broken by id */
export function compareBy(keys: readonly SortKey[], a: Candidate, b: Candidate): number {
  for (const k of keys) {
    const x = sortValue(a, k);
    const y = sortValue(b, k);
    if (x === y) continue;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return (x < y ? -1 : 1) * (k.descending ? -1 : 1);
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

