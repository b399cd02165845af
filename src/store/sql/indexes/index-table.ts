/**
 * The protocol every search index speaks (DESIGN.md house rule 5): which filters and sorts it serves, the
 * rows it keeps for a resource, the statements that rewrite those rows, the WHERE for a filter and the
 * ORDER BY for a sort. The search query (../search.ts) only dispatches to these objects and composes
 * chains and _has from them.
 *
 * Spec: https://hl7.org/fhir/R4/search.html (parameter types), #sort
 */
import type { Filter, SortKey } from '../../../search/plan.ts';
import type { IndexRows } from '../../../search/rows.ts';
import type { Expr, Order, Statement } from '../builder.ts';
import type { DateStats } from './date.ts';

/** What a WHERE or ORDER BY fragment may refer to: the alias of the current-version row being filtered,
 * the resource type the search is restricted to (bound once, so subqueries stay uncorrelated), and the
 * nesting depth (chains and _has nest searches; aliases carry the depth so they never collide). */
export interface SearchContext {
  readonly head: string;
  readonly resourceType: string;
  readonly depth: number;
  /** idx_date_stats rows by `${type}|${param}` (./date.ts), read in the query's snapshot; absent where the
   * caller did not read them, and then no bound depends on them */
  readonly dateStats?: ReadonlyMap<string, DateStats>;
  /** Matches counted per filter before planning (../search.ts probe), by filter object */
  readonly probes?: ReadonlyMap<Filter, number>;
}

export interface SearchIndex {
  serves(filter: Filter): boolean;
  /** A condition on the head row that is true when the row matches the filter (values OR-ed inside) */
  where(filter: Filter, ctx: SearchContext): Expr;
  sorts(key: SortKey): boolean;
  orderBy(key: SortKey, ctx: SearchContext): Order;
}

/** An index with its own table, written in the same transaction as the resource version it indexes */
export interface IndexTable extends SearchIndex {
  readonly table: string;
  /** Statements that make the stored rows of (type, id) exactly this table's share of `rows`; `fresh`
   * when the resource had no rows before (its first version), so nothing needs deleting */
  write(resourceType: string, id: string, rows: IndexRows, fresh: boolean): Statement[];
}
