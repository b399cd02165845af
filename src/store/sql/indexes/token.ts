/**
 * idx_token: token parameters, https://hl7.org/fhir/R4/search.html#token :
 *   [parameter]=[code]           any system           -> code = ?
 *   [parameter]=[system]|[code]  that system and code -> system = ? AND code = ?
 *   [parameter]=|[code]          no system            -> system IS NULL AND code = ?
 *   [parameter]=[system]|        any code in system   -> system = ?
 *   :not                         no matching row      -> id NOT IN (...)
 * Codes compare exactly (identifiers and codes are case-sensitive). The same table holds the derived
 * rows `<param>:identifier` (Reference.identifier, for the reference :identifier modifier) and
 * `<param>:of-type` (system = Identifier.type system|code, code = the value).
 */
import type { Filter, TokenValue } from '../../../search/plan.ts';
import type { TokenRow } from '../../../search/rows.ts';
import { and, col, eq, isNull, val, type Expr, type SqlValue } from '../builder.ts';
import { ParamTable } from './param-table.ts';

export class TokenIndex extends ParamTable<'token'> {
  readonly table = 'idx_token';
  readonly key = 'token';
  readonly columns = ['system', 'code'];
  readonly filterKind = 'token';

  values(r: TokenRow): SqlValue[] {
    return [r.system, r.code];
  }

  condition(t: string, _f: Filter, v: TokenValue): Expr | undefined {
    const system =
      v.system === undefined ? undefined : v.system === '' ? isNull(col(t, 'system')) : eq(col(t, 'system'), val(v.system));
    const code = v.code === undefined ? undefined : eq(col(t, 'code'), val(v.code));
    return and(system, code);
  }

  /** system|code and |code fix every column of idx_token_code (type, param, code, system, id) before the id */
  override idOrdered(f: Filter): boolean {
    return f.kind === 'token' && !f.negate && f.values.length === 1 && f.values[0].code !== undefined && f.values[0].system !== undefined;
  }

  protected override negated(f: Filter): boolean {
    return f.kind === 'token' && f.negate === true;
  }

  override sortValue(t: string): Expr {
    return col(t, 'code');
  }
}
