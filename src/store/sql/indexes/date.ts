/**
 * idx_date: date parameters as instant ranges [low, high) in UTC (fixed-width ISO text, so text order is
 * time order). https://hl7.org/fhir/R4/search.html#date ; the prefix rules are in ./ranges.ts. Sorting uses
 * the start of the range ascending and its end descending.
 */
import type { DateValue, Filter } from '../../../search/plan.ts';
import type { DateRow } from '../../../search/rows.ts';
import { col, type Expr, type SqlValue } from '../builder.ts';
import { ParamTable } from './param-table.ts';
import { dateCondition } from './ranges.ts';

export class DateIndex extends ParamTable<'date'> {
  readonly table = 'idx_date';
  readonly key = 'date';
  readonly columns = ['low', 'high'];
  readonly filterKind = 'date';

  values(r: DateRow): SqlValue[] {
    return [r.low, r.high];
  }

  condition(t: string, _f: Filter, d: DateValue): Expr | undefined {
    return dateCondition(col(t, 'low'), col(t, 'high'), d);
  }

  override sortValue(t: string, descending: boolean): Expr {
    return col(t, descending ? 'high' : 'low');
  }
}
