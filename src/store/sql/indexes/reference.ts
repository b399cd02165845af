/**
 * idx_reference: reference parameters, https://hl7.org/fhir/R4/search.html#reference :
 *   [param]=Type/id, [param]:Type=id  -> target_type = ? AND target_id = ?
 *   [param]=id                        -> target_id = ? (any type)
 *   [param]=<absolute or canonical>   -> url = ? (an absolute URL on this server's base arrives as Type/id)
 * The (target_type, target_id) index also serves _has and _revinclude, which walk references backwards.
 */
import type { Filter, ReferenceValue } from '../../../search/plan.ts';
import type { ReferenceRow } from '../../../search/rows.ts';
import { and, call, col, eq, val, type Expr, type SqlValue } from '../builder.ts';
import { ParamTable } from './param-table.ts';

export class ReferenceIndex extends ParamTable<'reference'> {
  readonly table = 'idx_reference';
  readonly key = 'reference';
  readonly columns = ['target_type', 'target_id', 'url'];
  readonly filterKind = 'reference';

  values(r: ReferenceRow): SqlValue[] {
    return [r.targetType, r.targetId, r.url];
  }

  condition(t: string, _f: Filter, v: ReferenceValue): Expr | undefined {
    if ('url' in v) return eq(col(t, 'url'), val(v.url));
    return and(eq(col(t, 'target_id'), val(v.id)), v.type === undefined ? undefined : eq(col(t, 'target_type'), val(v.type)));
  }

  /** Type/id fixes every column of idx_reference_target (type, param, target_id, target_type, id) before the id */
  override idOrdered(f: Filter): boolean {
    return f.kind === 'reference' && f.values.length === 1 && !('url' in f.values[0]) && f.values[0].type !== undefined;
  }

  override sortValue(t: string): Expr {
    return call('COALESCE', [col(t, 'url'), col(t, 'target_id')]);
  }
}
