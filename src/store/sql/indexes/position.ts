/**
 * idx_position: the special parameter near (Location.position), https://hl7.org/fhir/R4/location.html#positional .
 * One row per position: WGS84 degrees (lat, long) for a box the index can range over, and the unit vector
 * (x, y, z) for the exact test, chord^2 <= limit, which is arithmetic only and so gives the same answer in
 * every dialect and in ../../../search/match.ts (see ../../../search/geo.ts):
 *   Location?near=69.65|18.96|20|km ->
 *   t0.lat >= ? AND t0.lat <= ? AND t0.long >= ? AND t0.long <= ?
 *   AND ((t0.x - ?) * (t0.x - ?) + (t0.y - ?) * (t0.y - ?)) + (t0.z - ?) * (t0.z - ?) <= ?
 */
import { boundingBox, chordSquaredLimit, unitVector } from '../../../search/geo.ts';
import type { Filter, NearValue } from '../../../search/plan.ts';
import type { PositionRow } from '../../../search/rows.ts';
import { and, arith, cmp, col, val, type Expr, type SqlValue } from '../builder.ts';
import { ParamTable } from './param-table.ts';

export class PositionIndex extends ParamTable<'position'> {
  readonly table = 'idx_position';
  readonly key = 'position';
  readonly columns = ['lat', 'long', 'x', 'y', 'z'];
  readonly filterKind = 'near';

  values(r: PositionRow): SqlValue[] {
    return [r.lat, r.long, r.x, r.y, r.z];
  }

  condition(t: string, _f: Filter, v: NearValue): Expr | undefined {
    const limit = chordSquaredLimit(v.km);
    if (limit === Infinity) return undefined; // the whole sphere: every row
    const box = boundingBox(v.lat, v.long, v.km);
    const q = unitVector(v.lat, v.long);
    const sq = (c: 'x' | 'y' | 'z') => {
      const d = arith('-', col(t, c), val(q[c]));
      return arith('*', d, d);
    };
    return and(
      cmp('>=', col(t, 'lat'), val(box.latMin)),
      cmp('<=', col(t, 'lat'), val(box.latMax)),
      box.longMin === undefined ? undefined : cmp('>=', col(t, 'long'), val(box.longMin)),
      box.longMax === undefined ? undefined : cmp('<=', col(t, 'long'), val(box.longMax)),
      cmp('<=', arith('+', arith('+', sq('x'), sq('y')), sq('z')), val(limit)),
    );
  }

  /** near has no sort order in R4; a sort key never names it (the parser refuses _sort=near) */
  override sortValue(t: string): Expr {
    return col(t, 'lat');
  }
}
