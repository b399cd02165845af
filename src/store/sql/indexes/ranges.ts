/**
 * Range conditions shared by the index tables, the SQL form of the rules in ../../../search/match.ts:
 * a text prefix as an index range, instant ranges with the nine prefixes, numbers against their precision.
 * https://hl7.org/fhir/R4/search.html#prefix
 */
import { prefixUpperBound } from '../../../search/fold.ts';
import type { DateValue, NumberValue } from '../../../search/plan.ts';
import { and, cmp, not, or, val, type Expr } from '../builder.ts';

/** column starts with prefix: prefix <= column < the next string after every extension of prefix */
export function prefixRange(column: Expr, prefix: string): Expr | undefined {
  const upper = prefixUpperBound(prefix);
  if (upper === undefined) return undefined;
  return and(cmp('>=', column, val(prefix)), cmp('<', column, val(upper)));
}

/** Target range [low, high) against a search range; see match.ts dateMatches */
export function dateCondition(low: Expr, high: Expr, d: DateValue): Expr {
  const sl = val(d.low);
  const sh = val(d.high);
  const contained = and(cmp('<=', sl, low), cmp('<=', high, sh))!;
  switch (d.prefix) {
    case 'eq': return contained;
    case 'ne': return not(contained);
    case 'gt': return cmp('>', high, sh);
    case 'lt': return cmp('<', low, sl);
    case 'ge': return or(cmp('>', high, sh), contained);
    case 'le': return or(cmp('<', low, sl), contained);
    case 'sa': return cmp('>=', low, sh);
    case 'eb': return cmp('<=', high, sl);
    case 'ap': return and(cmp('<', low, sh), cmp('>', high, sl))!;
  }
}

/** A point value against a number search value; see match.ts numberMatches */
export function numberCondition(v: Expr, n: NumberValue): Expr {
  const inPrecision = and(cmp('<=', val(n.low), v), cmp('<', v, val(n.high)))!;
  switch (n.prefix) {
    case 'eq': return inPrecision;
    case 'ne': return not(inPrecision);
    case 'gt': case 'sa': return cmp('>', v, val(n.value));
    case 'lt': case 'eb': return cmp('<', v, val(n.value));
    case 'ge': return cmp('>=', v, val(n.value));
    case 'le': return cmp('<=', v, val(n.value));
    case 'ap': return and(cmp('<=', val(n.low), v), cmp('<=', v, val(n.high)))!;
  }
}
