/**
 * idx_quantity: quantity parameters, https://hl7.org/fhir/R4/search.html#quantity :
 *   [number]|[system]|[code]  with a UCUM unit that converts: canonical_code = ? and the canonical value
 *                             compared (so 5.4|http://unitsofmeasure.org|mg finds 0.0054 g)
 *                             otherwise: system = ? AND code = ? and the value compared
 *   [number]||[code]          code = ? OR unit = ?
 *   [number]                  the value alone
 * Sorting uses the canonical value where there is one.
 */
import type { Filter, QuantityValue } from '../../../search/plan.ts';
import type { QuantityRow } from '../../../search/rows.ts';
import { and, call, col, eq, or, val, type Expr, type SqlValue } from '../builder.ts';
import { ParamTable } from './param-table.ts';
import { numberCondition } from './ranges.ts';

export class QuantityIndex extends ParamTable<'quantity'> {
  readonly table = 'idx_quantity';
  readonly key = 'quantity';
  readonly columns = ['value', 'system', 'code', 'unit', 'canonical_value', 'canonical_code'];
  readonly filterKind = 'quantity';

  values(r: QuantityRow): SqlValue[] {
    return [r.value, r.system, r.code, r.unit, r.canonicalValue, r.canonicalCode];
  }

  condition(t: string, _f: Filter, q: QuantityValue): Expr | undefined {
    if (q.canonicalCode !== undefined) {
      return and(eq(col(t, 'canonical_code'), val(q.canonicalCode)), numberCondition(col(t, 'canonical_value'), q));
    }
    const system = q.system === undefined ? undefined : eq(col(t, 'system'), val(q.system));
    const code =
      q.code === undefined ? undefined
      : q.system === undefined ? or(eq(col(t, 'code'), val(q.code)), eq(col(t, 'unit'), val(q.code)))
      : eq(col(t, 'code'), val(q.code));
    return and(system, code, numberCondition(col(t, 'value'), q));
  }

  override sortValue(t: string): Expr {
    return call('COALESCE', [col(t, 'canonical_value'), col(t, 'value')]);
  }
}
