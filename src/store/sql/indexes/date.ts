/**
 * idx_date: date parameters as instant ranges [low, high) in UTC (fixed-width ISO text, so text order is
 * time order). https://hl7.org/fhir/R4/search.html#date ; the prefix rules are in ./ranges.ts. Sorting uses
 * the start of the range ascending and its end descending.
 *
 * Bounded scans. The index is (type, param, low, high, id), so only a condition on `low` narrows the scan,
 * and most prefixes are about `high` (ge: high > x) or are one-sided (lt: low < x), which alone match most
 * of a large table. Two things make date searches index ranges instead of table-sized scans:
 *  - Implied bounds on low. Every row has low <= high, so `high <= x` implies `low <= x` (eq, le, eb, ap);
 *    and when every stored row of the parameter is finite and at most `span` long (idx_date_stats, written
 *    with the rows: see ../migrations/004-date-stats.ts), `high > x` implies `low > x - span` (gt, ge, ap).
 *    Added as plain AND terms on low, they are what SQLite's planner turns into an index range.
 *  - One row for all conditions on a parameter. `date=ge2020-01&date=lt2020-02` means: some row is >= and
 *    some row is < (search.html#combining: each parameter occurrence is its own condition). When no
 *    resource has ever had two rows of the parameter (multi = 0 in the statistics), "some row satisfies A
 *    and some row satisfies B" is "one row satisfies A and B", so the conditions share one subquery and
 *    their bounds meet: January 2020 becomes low in [2020-01-01 - span, 2020-02-01).
 * The statistics only grow (an upsert keeps the larger value), so they are never smaller than the rows
 * they describe; the search reads them again after its page and count and runs again if they grew
 * meanwhile (../search.ts runSearch).
 */
import type { DateValue, Filter } from '../../../search/plan.ts';
import type { DateRow, IndexRows } from '../../../search/rows.ts';
import { MAX_INSTANT, MIN_INSTANT } from '../../../search/rows.ts';
import { and, cmp, col, val, type Expr, type Select, type SqlValue, type Statement } from '../builder.ts';
import type { SearchContext } from './index-table.ts';
import { ParamTable } from './param-table.ts';
import { dateCondition } from './ranges.ts';

/** What idx_date_stats says about one (type, param): see ../migrations/004-date-stats.ts */
export interface DateStats {
  multi: boolean;
  open: boolean;
  /** milliseconds */
  span: number;
}

export const DATE_STATS_TABLE = 'idx_date_stats';
export const dateStatsKey = (type: string, param: string): string => `${type}|${param}`;

const MIN_MS = Date.parse(MIN_INSTANT);

export class DateIndex extends ParamTable<'date'> {
  readonly table = 'idx_date';
  readonly key = 'date';
  readonly columns = ['low', 'high'];
  readonly filterKind = 'date';

  values(r: DateRow): SqlValue[] {
    return [r.low, r.high];
  }

  override write(resourceType: string, id: string, rows: IndexRows, fresh: boolean): Statement[] {
    const out = super.write(resourceType, id, rows, fresh);
    const stats = new Map<string, { n: number; open: number; span: number }>();
    for (const r of rows.date) {
      if (r.param.includes('$')) continue; // composite components are searched through their composite only
      const s = stats.get(r.param) ?? { n: 0, open: 0, span: 0 };
      s.n++;
      if (r.low === MIN_INSTANT || r.high === MAX_INSTANT) s.open = 1;
      else s.span = Math.max(s.span, Date.parse(r.high) - Date.parse(r.low));
      stats.set(r.param, s);
    }
    if (stats.size > 0) {
      out.push({
        kind: 'insert',
        table: DATE_STATS_TABLE,
        columns: ['type', 'param', 'multi', 'open', 'span'],
        rows: [...stats].map(([param, s]) => [resourceType, param, s.n > 1 ? 1 : 0, s.open, s.span]),
        onConflict: { target: ['type', 'param'], update: ['multi', 'open', 'span'], mode: 'max' },
      });
    }
    return out;
  }

  condition(t: string, _f: Filter, d: DateValue): Expr | undefined {
    return dateCondition(col(t, 'low'), col(t, 'high'), d);
  }

  override valuesCondition(t: string, filter: Filter, ctx?: SearchContext): Expr | undefined {
    const stats = ctx && statsFor(ctx, (filter as { param: string }).param);
    return and(super.valuesCondition(t, filter), ...boundTerms(t, filterBounds(filter, stats)));
  }

  /**
   * Several date filters on one parameter as one subquery, the ids of resources with one row meeting every
   * filter, when the statistics allow it (one row per resource at most); undefined when they do not, and
   * the caller AND-s one subquery per filter.
   */
  idsAll(filters: Filter[], ctx: SearchContext): Select | undefined {
    const param = (filters[0] as { param: string }).param;
    const stats = statsFor(ctx, param);
    if (!ctx.dateStats || (stats !== undefined && stats.multi)) return undefined;
    const t = `t${ctx.depth}`;
    const bounds = filters.map((f) => filterBounds(f, stats));
    const lbs = bounds.map((b) => b.lb).filter((x): x is string => x !== undefined);
    const ubs = bounds.map((b) => b.ub).filter((x): x is string => x !== undefined);
    return this.selectIds(filters[0], ctx, and(
      ...filters.map((f) => super.valuesCondition(t, f)),
      ...boundTerms(t, { lb: lbs.length ? lbs.reduce((a, b) => (a > b ? a : b)) : undefined, ub: ubs.length ? ubs.reduce((a, b) => (a < b ? a : b)) : undefined }),
    ));
  }

  override sortValue(t: string, descending: boolean): Expr {
    return col(t, descending ? 'high' : 'low');
  }
}

function statsFor(ctx: SearchContext, param: string): DateStats | undefined {
  return ctx.dateStats?.get(dateStatsKey(ctx.resourceType, param));
}

interface Bounds {
  lb?: string;
  ub?: string;
}

function boundTerms(t: string, b: Bounds): Expr[] {
  const out: Expr[] = [];
  if (b.lb !== undefined) out.push(cmp('>=', col(t, 'low'), val(b.lb)));
  if (b.ub !== undefined) out.push(cmp('<=', col(t, 'low'), val(b.ub)));
  return out;
}

/** Bounds on `low` that every row matching the filter (an OR of values) satisfies */
export function filterBounds(filter: Filter, stats: DateStats | undefined): Bounds {
  const values = (filter as { values: DateValue[] }).values;
  const each = values.map((d) => valueBounds(d, stats));
  return {
    lb: each.every((b) => b.lb !== undefined) ? each.map((b) => b.lb!).reduce((a, b) => (a < b ? a : b)) : undefined,
    ub: each.every((b) => b.ub !== undefined) ? each.map((b) => b.ub!).reduce((a, b) => (a > b ? a : b)) : undefined,
  };
}

/**
 * The bounds on a matching row's low for one value (rows are [low, high) with low <= high; see
 * ./ranges.ts dateCondition for each prefix's condition). Lower bounds from `high > x` need finite rows of
 * known longest span: unknown statistics (a chain's inner search) or an open-ended row give none.
 */
export function valueBounds(d: DateValue, stats: DateStats | undefined): Bounds {
  const finite = stats !== undefined && !stats.open;
  const minus = (iso: string): string | undefined => {
    if (!finite) return undefined;
    const ms = Date.parse(iso) - stats.span;
    return Number.isFinite(ms) && ms >= MIN_MS ? new Date(ms).toISOString() : undefined;
  };
  switch (d.prefix) {
    case 'eq': return { lb: d.low, ub: d.high }; // low >= sl and low <= high <= sh
    case 'ne': return {};
    case 'gt': return { lb: minus(d.high) }; // high > sh
    case 'lt': return { ub: d.low }; // low < sl
    case 'ge': return { lb: minus(d.low) }; // high > sh (so low > sh - span > sl - span) or low >= sl
    case 'le': return { ub: d.high }; // low < sl, or low <= high <= sh
    case 'sa': return { lb: d.high }; // low >= sh
    case 'eb': return { ub: d.low }; // low <= high <= sl
    case 'ap': return { lb: minus(d.low), ub: d.high }; // low < sh and high > sl
  }
}
