/**
 * idx_number: number parameters, https://hl7.org/fhir/R4/search.html#number (rules in ./ranges.ts).
 */
import type { Filter, NumberValue } from '../../../search/plan.ts';
import type { NumberRow } from '../../../search/rows.ts';
import { col, type Expr, type SqlValue } from '../builder.ts';
import { ParamTable } from './param-table.ts';
import { numberCondition } from './ranges.ts';

export class NumberIndex extends ParamTable<'number'> {
  readonly table = 'idx_number';
  readonly key = 'number';
  readonly columns = ['value'];
  readonly filterKind = 'number';

  values(r: NumberRow): SqlValue[] {
    return [r.value];
  }

  condition(t: string, _f: Filter, n: NumberValue): Expr | undefined {
    return numberCondition(col(t, 'value'), n);
  }
}
