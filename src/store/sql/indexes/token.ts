/**
 * idx_token: token search parameters (today `identifier`; the search issue widens `params`).
 * Token matching rules, https://hl7.org/fhir/R4/search.html#token :
 *   [parameter]=[code]           any system           -> code = ?
 *   [parameter]=[system]|[code]  that system and code -> system = ? AND code = ?
 *   [parameter]=|[code]          no system            -> system IS NULL AND code = ?
 *   [parameter]=[system]|        any code in system   -> system = ?
 * Identifier values are case-sensitive (https://hl7.org/fhir/R4/datatypes.html#Identifier), so codes are
 * compared exactly. The filter is an uncorrelated `id IN (SELECT id FROM idx_token ...)` so the database
 * can drive the search from the (type, param, code, system) index.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Filter, SortKey, TokenRow, TokenValue } from '../../../search/plan.ts';
import { tokenRows } from '../../../search/index-values.ts';
import { and, call, col, eq, inList, isNull, or, sub, val, type Expr, type Order, type Statement } from '../builder.ts';
import type { IndexTable, SearchContext } from './index-table.ts';

export class TokenIndex implements IndexTable<TokenRow> {
  readonly table = 'idx_token';
  readonly params: ReadonlySet<string>;

  constructor(params: Iterable<string> = ['identifier']) {
    this.params = new Set(params);
  }

  serves(filter: Filter): boolean {
    return filter.kind === 'token' && this.params.has(filter.param);
  }

  rows(resource: Resource): TokenRow[] {
    return tokenRows(resource).filter((r) => this.params.has(r.param));
  }

  write(resourceType: string, id: string, rows: readonly TokenRow[]): Statement[] {
    const out: Statement[] = [
      { kind: 'delete', table: this.table, where: and(eq(col(undefined, 'type'), val(resourceType)), eq(col(undefined, 'id'), val(id)))! },
    ];
    if (rows.length > 0) {
      out.push({
        kind: 'insert',
        table: this.table,
        columns: ['type', 'id', 'param', 'system', 'code'],
        rows: rows.map((r) => [resourceType, id, r.param, r.system, r.code]),
      });
    }
    return out;
  }

  where(filter: Filter, ctx: SearchContext): Expr {
    if (filter.kind !== 'token') throw new Error(`idx_token cannot serve a ${filter.kind} filter`);
    const t = 't';
    const alternatives = filter.values.map((v) => valueCondition(t, v));
    const matchAny = alternatives.some((a) => a === undefined);
    return inList(col(ctx.head, 'id'), {
      kind: 'select',
      from: this.table,
      as: t,
      columns: [col(t, 'id')],
      where: and(
        eq(col(t, 'type'), val(ctx.resourceType)),
        eq(col(t, 'param'), val(filter.param)),
        matchAny ? undefined : or(...(alternatives as Expr[])),
      ),
    });
  }

  sorts(key: SortKey): boolean {
    return this.params.has(key.param);
  }

  /** Sorting by a token sorts by its smallest code (https://hl7.org/fhir/R4/search.html#sort leaves the
   * choice among repeated values to the server) */
  orderBy(key: SortKey, ctx: SearchContext): Order {
    const t = 'ts';
    const smallest = sub({
      kind: 'select',
      from: this.table,
      as: t,
      columns: [call('MIN', [col(t, 'code')])],
      where: and(
        eq(col(t, 'type'), col(ctx.head, 'type')),
        eq(col(t, 'id'), col(ctx.head, 'id')),
        eq(col(t, 'param'), val(key.param)),
      ),
    });
    return { expr: smallest, descending: key.descending };
  }
}

/** The condition for one token value, or undefined when it matches every row of the parameter */
function valueCondition(t: string, v: TokenValue): Expr | undefined {
  const system =
    v.system === undefined ? undefined : v.system === '' ? isNull(col(t, 'system')) : eq(col(t, 'system'), val(v.system));
  const code = v.code === undefined ? undefined : eq(col(t, 'code'), val(v.code));
  return and(system, code);
}
