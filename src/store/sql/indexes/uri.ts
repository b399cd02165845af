/**
 * idx_uri: uri parameters, https://hl7.org/fhir/R4/search.html#uri :
 *   exact   value = ?
 *   :below  the stored uri starts with the search value   (a prefix as an index range)
 *   :above  the search value starts with the stored uri   (substr(?, 1, length(value)) = value)
 */
import type { Filter } from '../../../search/plan.ts';
import type { UriRow } from '../../../search/rows.ts';
import { col, eq, prefixOf, val, type Expr, type SqlValue } from '../builder.ts';
import { ParamTable } from './param-table.ts';
import { prefixRange } from './ranges.ts';

export class UriIndex extends ParamTable<'uri'> {
  readonly table = 'idx_uri';
  readonly key = 'uri';
  readonly columns = ['value'];
  readonly filterKind = 'uri';

  values(r: UriRow): SqlValue[] {
    return [r.value];
  }

  condition(t: string, f: Filter, v: string): Expr | undefined {
    if (f.kind !== 'uri') throw new Error(`idx_uri cannot serve a ${f.kind} filter`);
    if (f.mode === 'below') return prefixRange(col(t, 'value'), v);
    if (f.mode === 'above') return prefixOf(col(t, 'value'), val(v));
    return eq(col(t, 'value'), val(v));
  }
}
