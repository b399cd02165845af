/**
 * idx_text: the text behind token values, folded (../../../search/fold.ts), for the :text modifier
 * (https://hl7.org/fhir/R4/search.html#modifiers: "the search parameter is processed as a string that
 * searches text associated with the code/value"): CodeableConcept.text, Coding.display and
 * Identifier.type.text, matched like a string parameter, by folded prefix.
 */
import type { Filter } from '../../../search/plan.ts';
import type { TextRow } from '../../../search/rows.ts';
import { col, type Expr, type SqlValue } from '../builder.ts';
import { ParamTable } from './param-table.ts';
import { prefixRange } from './ranges.ts';

export class TextIndex extends ParamTable<'text'> {
  readonly table = 'idx_text';
  readonly key = 'text';
  readonly columns = ['text'];
  readonly filterKind = 'text';

  values(r: TextRow): SqlValue[] {
    return [r.text];
  }

  condition(t: string, _f: Filter, v: string): Expr | undefined {
    return prefixRange(col(t, 'text'), v);
  }
}
