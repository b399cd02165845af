/**
 * idx_string: string parameters, https://hl7.org/fhir/R4/search.html#string . Three columns per value:
 *   value   as written            :exact  -> folded = fold(?) AND value = ?  (case- and accent-sensitive;
 *                                            the folded part lets the index find the candidates)
 *   folded  ../../../search/fold  default -> folded >= ? AND folded < ?  (a prefix as an index range)
 *                                 :contains -> instr(folded, ?) > 0
 *   sort    Norwegian sort key    _sort     (æ, ø, å after z; binary order of the key)
 */
import type { Filter } from '../../../search/plan.ts';
import type { StringRow } from '../../../search/rows.ts';
import { fold } from '../../../search/fold.ts';
import { and, col, contains, eq, val, type Expr, type SqlValue } from '../builder.ts';
import { ParamTable } from './param-table.ts';
import { prefixRange } from './ranges.ts';

export class StringIndex extends ParamTable<'string'> {
  readonly table = 'idx_string';
  readonly key = 'string';
  readonly columns = ['value', 'folded', 'sort'];
  readonly filterKind = 'string';

  values(r: StringRow): SqlValue[] {
    return [r.value, r.folded, r.sort];
  }

  condition(t: string, f: Filter, v: string): Expr | undefined {
    if (f.kind !== 'string') throw new Error(`idx_string cannot serve a ${f.kind} filter`);
    // The folded range finds the candidates through the index; value = ? keeps the exact ones
    if (f.mode === 'exact') return and(eq(col(t, 'folded'), val(fold(v))), eq(col(t, 'value'), val(v)));
    if (f.mode === 'contains') return contains(col(t, 'folded'), val(v));
    return prefixRange(col(t, 'folded'), v);
  }

  override sortValue(t: string): Expr {
    return col(t, 'sort');
  }
}
