/**
 * _id and _lastUpdated: served by columns of the head table (resource_current) itself, through the same
 * protocol as the index tables so the search query has one way to ask for a WHERE or an ORDER BY.
 *
 * _lastUpdated compares the instant meta.lastUpdated with the half-open range [low, high) a search date
 * denotes, per the prefix table of https://hl7.org/fhir/R4/search.html#prefix :
 *   eq, ap: low <= lu < high     ne: lu < low OR lu >= high
 *   gt, sa: lu >= high           lt, eb: lu < low
 *   ge:     lu >= low            le: lu < high
 * (An instant is a point, so "starts after" and "greater than" coincide; `ap` is taken as `eq`.)
 * Instants are stored as fixed-width UTC ISO text, so text comparison is time comparison.
 */
import type { DateValue, Filter, SortKey } from '../../../search/plan.ts';
import { and, cmp, col, inList, or, val, type Expr, type Order } from '../builder.ts';
import type { SearchContext, SearchIndex } from './index-table.ts';
import { toInstant } from '../instant.ts';

export class HeadColumns implements SearchIndex {
  serves(filter: Filter): boolean {
    return filter.kind === 'id' || filter.kind === 'lastUpdated';
  }

  where(filter: Filter, ctx: SearchContext): Expr {
    // An empty id list matches nothing (IN () is not portable SQL)
    if (filter.kind === 'id') return filter.values.length === 0 ? cmp('=', val(1), val(0)) : inList(col(ctx.head, 'id'), filter.values.map((v) => val(v)));
    if (filter.kind === 'lastUpdated') return or(...filter.values.map((v) => lastUpdatedCondition(col(ctx.head, 'last_updated'), v)));
    throw new Error(`resource_current cannot serve a ${filter.kind} filter`);
  }

  sorts(key: SortKey): boolean {
    return key.param === '_id' || key.param === '_lastUpdated';
  }

  orderBy(key: SortKey, ctx: SearchContext): Order {
    return { expr: col(ctx.head, key.param === '_id' ? 'id' : 'last_updated'), descending: key.descending };
  }
}

function lastUpdatedCondition(lu: Expr, v: DateValue): Expr {
  const low = val(toInstant(v.low));
  const high = val(toInstant(v.high));
  switch (v.prefix) {
    case 'eq':
    case 'ap':
      return and(cmp('>=', lu, low), cmp('<', lu, high))!;
    case 'ne':
      return or(cmp('<', lu, low), cmp('>=', lu, high));
    case 'gt':
    case 'sa':
      return cmp('>=', lu, high);
    case 'lt':
    case 'eb':
      return cmp('<', lu, low);
    case 'ge':
      return cmp('>=', lu, low);
    case 'le':
      return cmp('<', lu, high);
  }
}

