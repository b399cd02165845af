/**
 * The protocol every search index speaks (DESIGN.md house rule 5): which filters and sorts it serves, the
 * index rows a resource contributes, the statements that rewrite those rows, the WHERE for a filter and the
 * ORDER BY for a sort. The search query (../search.ts) only dispatches to these objects, so the search
 * issue adds idx_string, idx_date, idx_reference... as new classes beside idx_token without touching it.
 *
 * Spec: https://hl7.org/fhir/R4/search.html (parameter types), #sort
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Filter, SortKey } from '../../../search/plan.ts';
import type { Expr, Order, Statement } from '../builder.ts';

/** What a WHERE or ORDER BY fragment may refer to: the alias of the current-version row being filtered,
 * and the resource type the whole search is restricted to (bound once, so subqueries stay uncorrelated). */
export interface SearchContext {
  readonly head: string;
  readonly resourceType: string;
}

export interface SearchIndex {
  serves(filter: Filter): boolean;
  /** A condition on the head row that is true when the row matches the filter (values OR-ed inside) */
  where(filter: Filter, ctx: SearchContext): Expr;
  sorts(key: SortKey): boolean;
  orderBy(key: SortKey, ctx: SearchContext): Order;
}

/** An index with its own table, written in the same transaction as the resource version it indexes */
export interface IndexTable<R> extends SearchIndex {
  readonly table: string;
  /** The rows the resource contributes (none for a tombstone: deleted resources are not searchable) */
  rows(resource: Resource): R[];
  /** Statements that make the stored rows of (type, id) exactly `rows` */
  write(resourceType: string, id: string, rows: readonly R[]): Statement[];
}
