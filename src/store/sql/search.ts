/**
 * search(plan) as SQL: the head table `resource_current c`, restricted to the plan's type and to live
 * (non-deleted) heads, AND-ed with one WHERE fragment per filter from the index that serves it, ordered by
 * the plan's sort keys (default: _lastUpdated then _id, ascending: a stable order, so _offset paging never
 * repeats or skips a row while nothing is written), paged by LIMIT/OFFSET.
 * Spec: https://hl7.org/fhir/R4/search.html , #sort , #count , #total (_total)
 */
import type { Filter, SearchPlan, SortKey } from '../../search/plan.ts';
import type { SearchPage } from '../repository.ts';
import { and, call, col, eq, exec, val, type Expr, type Order, type Select } from './builder.ts';
import type { Connection } from './dialect.ts';
import type { SearchContext, SearchIndex } from './indexes/index-table.ts';
import { SEARCH_INDEXES } from './indexes/registry.ts';
import { columnsOf, toStored } from './statements.ts';

function indexFor(filter: Filter): SearchIndex {
  const ix = SEARCH_INDEXES.find((i) => i.serves(filter));
  // The planner only emits filters the stores support; anything else is a programming fault (500).
  if (!ix) throw new Error(`no index serves the ${filter.kind} filter`);
  return ix;
}

function sorterFor(key: SortKey): SearchIndex {
  const ix = SEARCH_INDEXES.find((i) => i.sorts(key));
  if (!ix) throw new Error(`no index sorts by ${key.param}`);
  return ix;
}

export function searchStatements(plan: SearchPlan): { page: Select; count: Select } {
  const ctx: SearchContext = { head: 'c', resourceType: plan.resourceType };
  const where = and(
    eq(col('c', 'type'), val(plan.resourceType)),
    eq(col('c', 'deleted'), val(0)),
    ...plan.filters.map((f) => indexFor(f).where(f, ctx)),
  ) as Expr;
  const orderBy: Order[] = plan.sort.map((k) => sorterFor(k).orderBy(k, ctx));
  // Ties are broken by id (unique within the type), so the order is total and paging is stable.
  if (plan.sort.length === 0) orderBy.push({ expr: col('c', 'last_updated') });
  if (!plan.sort.some((k) => k.param === '_id')) orderBy.push({ expr: col('c', 'id') });
  return {
    page: { kind: 'select', from: 'resource_current', as: 'c', columns: columnsOf('c'), where, orderBy, limit: plan.count, offset: plan.offset },
    count: { kind: 'select', from: 'resource_current', as: 'c', columns: [{ expr: call('COUNT', '*'), as: 'n' }], where },
  };
}

export async function runSearch(conn: Connection, plan: SearchPlan): Promise<SearchPage> {
  const { page, count } = searchStatements(plan);
  const rows = plan.count > 0 ? (await exec(conn, page)).rows : [];
  const entries = rows.map(toStored);
  if (!plan.total) return { entries };
  const total = totalFromPage(plan.offset, plan.count, entries.length) ?? Number((await exec(conn, count)).rows[0].n);
  return { entries, total };
}

/** The total, when a short page proves it (so the COUNT query can be skipped); undefined otherwise */
export function totalFromPage(offset: number, count: number, got: number): number | undefined {
  if (got < count && (got > 0 || offset === 0)) return offset + got;
  return undefined;
}
