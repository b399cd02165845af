/**
 * What every idx_* table has in common: rows (type, id, param, <value columns>) for the current,
 * non-deleted version of a resource, rewritten with it; a filter is an uncorrelated
 * `head.id IN (SELECT t.id FROM idx_x t WHERE t.type = ? AND t.param = ? AND (<value> OR <value>))`, so the
 * database drives the search from the (type, param, value) index; :missing is the same subquery without
 * values (NOT IN for missing=true); a sort is the smallest value (largest when descending) of the
 * resource's rows, resources without one last. https://hl7.org/fhir/R4/search.html#missing , #sort
 */
import type { Filter, SortKey } from '../../../search/plan.ts';
import type { IndexRows } from '../../../search/rows.ts';
import { keysOf } from '../../../search/shared-rows.ts';
import { and, call, col, eq, inList, not, or, sub, val, type Expr, type Order, type Select, type SqlValue, type Statement } from '../builder.ts';
import type { IndexTable, SearchContext } from './index-table.ts';

type RowKey = keyof IndexRows;

/** The rows of a parameter: its own code, or the keys it shares (../../../search/shared-rows.ts) */
export function paramIs(column: Expr, type: string, code: string): Expr {
  const keys = keysOf(type, code);
  return keys.length === 1 ? eq(column, val(keys[0])) : inList(column, keys.map((k) => val(k)));
}
type Row<K extends RowKey> = IndexRows[K][number];

export abstract class ParamTable<K extends RowKey> implements IndexTable {
  abstract readonly table: string;
  /** Which IndexRows list this table stores, and the `table` name :missing filters and sort keys use */
  abstract readonly key: K;
  /** Value columns after (type, id, param) */
  abstract readonly columns: readonly string[];
  abstract readonly filterKind: Filter['kind'];
  /** The per-row value a sort takes the smallest (largest when descending) of; ../../../search/match.ts
   * sortValue() is the same rule for the memory store */
  sortValue(t: string, _descending: boolean): Expr {
    return col(t, 'value');
  }

  abstract values(row: Row<K>): SqlValue[];

  /** The OR of a filter's values as a condition on alias `t` (undefined: any row of the parameter) */
  valuesCondition(t: string, filter: Filter, _ctx?: SearchContext): Expr | undefined {
    const alternatives = (filter as { values: unknown[] }).values.map((v) => this.condition(t, filter, v));
    return alternatives.some((a) => a === undefined) ? undefined : or(...(alternatives as Expr[]));
  }
  /** The condition on alias `t` for one value of a filter; undefined = every row of the parameter */
  abstract condition(t: string, filter: Filter, value: unknown): Expr | undefined;
  /** Whether the filter matches resources WITHOUT a matching row (token :not) */
  protected negated(_filter: Filter): boolean {
    return false;
  }

  write(resourceType: string, id: string, rows: IndexRows, fresh: boolean): Statement[] {
    const mine = rows[this.key] as Row<K>[];
    const out: Statement[] = [];
    if (!fresh) {
      out.push({ kind: 'delete', table: this.table, where: and(eq(col(undefined, 'type'), val(resourceType)), eq(col(undefined, 'id'), val(id)))! });
    }
    if (mine.length > 0) {
      out.push({
        kind: 'insert',
        table: this.table,
        columns: ['type', 'id', 'param', ...this.columns, 'grp'],
        rows: mine.map((r) => [resourceType, id, r.param, ...this.values(r), r.grp ?? null]),
      });
    }
    return out;
  }

  serves(filter: Filter): boolean {
    return filter.kind === this.filterKind || (filter.kind === 'missing' && filter.table === this.key);
  }

  where(filter: Filter, ctx: SearchContext): Expr {
    const head = col(ctx.head, 'id');
    if (filter.kind === 'missing') {
      const present = inList(head, this.selectIds(filter, ctx, undefined));
      return filter.missing ? not(present) : present;
    }
    const hit = inList(head, this.selectIds(filter, ctx, this.valuesCondition(`t${ctx.depth}`, filter, ctx)));
    return this.negated(filter) ? not(hit) : hit;
  }

  /**
   * The ids of the matching resources as one SELECT on this table, when the filter is positive (a row must
   * exist): rows are kept for live current versions only, so these ids need no check against the head
   * table (a chain's or _has's inner search uses them as they are). Undefined for :missing=true and :not,
   * which match resources WITHOUT rows and so need the head table for the set of live resources.
   */
  ids(filter: Filter, ctx: SearchContext): Select | undefined {
    if (filter.kind === 'missing') return filter.missing ? undefined : this.selectIds(filter, ctx, undefined);
    if (this.negated(filter)) return undefined;
    return this.selectIds(filter, ctx, this.valuesCondition(`t${ctx.depth}`, filter, ctx));
  }

  /**
   * Whether ids() walks the (type, param, <values>, id) index with every value column fixed by equality, so
   * its rows come in id order: a search can then stream its page and its count from this index without
   * collecting and sorting every match (../search.ts). Only single-valued equality filters qualify.
   */
  idOrdered(_filter: Filter): boolean {
    return false;
  }

  /** `SELECT t.id` of this table's rows of the filter's parameter that meet `cond` (all of them: undefined) */
  protected selectIds(filter: Filter, ctx: SearchContext, cond: Expr | undefined): Select {
    const t = `t${ctx.depth}`;
    return {
      kind: 'select',
      from: this.table,
      as: t,
      columns: [col(t, 'id')],
      where: and(eq(col(t, 'type'), val(ctx.resourceType)), paramIs(col(t, 'param'), ctx.resourceType, (filter as { param: string }).param), cond),
    };
  }

  sorts(key: SortKey): boolean {
    return key.table === this.key;
  }

  orderBy(key: SortKey, ctx: SearchContext): Order {
    const t = `s${ctx.depth}`;
    const value = sub({
      kind: 'select',
      from: this.table,
      as: t,
      columns: [call(key.descending ? 'MAX' : 'MIN', [this.sortValue(t, key.descending)])],
      where: and(eq(col(t, 'type'), col(ctx.head, 'type')), eq(col(t, 'id'), col(ctx.head, 'id')), paramIs(col(t, 'param'), ctx.resourceType, key.param)),
    });
    return { expr: value, descending: key.descending, nullsLast: true };
  }
}
