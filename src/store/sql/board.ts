/**
 * The room board's one query (Location/$board, ../../fhir/operations/board.ts; what it returns:
 * BoardRows in ../repository.ts). One statement, so the board is one consistent snapshot and one round
 * trip on a networked database:
 *
 *   WITH RECURSIVE place (id) AS (                       -- the site, then every Location partOf a place
 *     SELECT c.id FROM resource_current c WHERE c.type = 'Location' AND c.id = ? AND c.deleted = 0
 *     UNION SELECT r.id FROM place p CROSS JOIN idx_reference r WHERE r.type = 'Location' AND r.param = 'partof'
 *       AND r.target_type = 'Location' AND r.target_id = p.id),
 *   enc (id, place) AS MATERIALIZED (                    -- Encounters now at a place
 *     SELECT r.id, r.target_id FROM place p CROSS JOIN idx_reference r WHERE r.type = 'Encounter'
 *       AND r.param = 'current-location' AND r.target_type = 'Location' AND r.target_id = p.id)
 *   SELECT 'L', c.id, NULL, c.json FROM place p CROSS JOIN resource_current c …              -- the Locations
 *   UNION ALL SELECT 'E', c.id, e.place, c.json FROM enc e CROSS JOIN resource_current c …   -- Encounters
 *   UNION ALL SELECT 'P', c.id, e.id, c.json FROM enc e CROSS JOIN idx_reference r CROSS JOIN resource_current c …
 *
 * The joins from a CTE are `fixed` (CROSS JOIN, condition in the WHERE): SQLite cannot estimate a CTE's size
 * and otherwise scanned resource_current by type with an automatic index on the CTE
 * (https://sqlite.org/optoverview.html#crossjoin; PostgreSQL plans a CROSS JOIN with a WHERE freely).
 * current-location rows exist only for Encounters whose status is arrived, triaged, in-progress or onleave
 * (its expression says so), so `enc` needs no status check (an EXISTS on the status rows cost a quarter of
 * the statement). Every join is an index seek: idx_reference_target (type, param, target_id, …) for partOf and
 * current-location, idx_reference_resource (type, id) from an Encounter, the
 * primary key of resource_current. Index rows exist only for live current versions, so the recursion
 * needs no head table; UNION (not UNION ALL) in `place` ends it on a partOf cycle. The anchor reads the
 * site's head, so a site that does not exist gives no 'L' row for it (the operation's 404) in the same
 * statement. WITH RECURSIVE and MATERIALIZED: https://sqlite.org/lang_with.html ,
 * https://www.postgresql.org/docs/current/queries-with.html
 */
import type { BoardRows } from '../repository.ts';
import { and, bind, col, eq, lit, render, slot, union, val, type Compound, type Expr, type Query, type Select } from './builder.ts';
import type { Connection, Dialect } from './dialect.ts';

const LOCATION = 'Location';
const ENCOUNTER = 'Encounter';

/** idx_reference rows `param` of `type` pointing at `targetType`/`targetId` */
const refTo = (r: string, type: string, param: string, targetType: string, targetId: Expr): Expr =>
  and(eq(col(r, 'type'), val(type)), eq(col(r, 'param'), val(param)), eq(col(r, 'target_type'), val(targetType)), eq(col(r, 'target_id'), targetId))!;

/** The live head of `type` whose id is `id` */
const head = (type: string, id: Expr): Expr => and(eq(col('c', 'type'), val(type)), eq(col('c', 'id'), id), eq(col('c', 'deleted'), val(0)))!;

/** A row of the result: kind tag, id, the id it hangs on, the stored JSON */
const row = (kind: string, id: Expr, on: Expr, json: Expr): Select['columns'] => [
  { expr: lit(kind), as: 'kind' }, { expr: id, as: 'id' }, { expr: on, as: 'ref' }, { expr: json, as: 'body' },
];

export function boardStatement(): Compound {
  const place: Select = { kind: 'select', from: 'resource_current', as: 'c', columns: [col('c', 'id')], where: head(LOCATION, val(slot(0))) };
  const under: Select = {
    kind: 'select', from: 'place', as: 'p', columns: [col('r', 'id')],
    joins: [{ table: 'idx_reference', as: 'r', on: refTo('r', LOCATION, 'partof', LOCATION, col('p', 'id')), fixed: true }],
  };
  const enc: Select = {
    kind: 'select', from: 'place', as: 'p', columns: [col('r', 'id'), col('r', 'target_id')],
    joins: [{ table: 'idx_reference', as: 'r', on: refTo('r', ENCOUNTER, 'current-location', LOCATION, col('p', 'id')), fixed: true }],
  };
  const locations: Select = {
    kind: 'select', from: 'place', as: 'p', columns: row('L', col('c', 'id'), lit(null), col('c', 'json')),
    joins: [{ table: 'resource_current', as: 'c', on: head(LOCATION, col('p', 'id')), fixed: true }],
  };
  const encounters: Select = {
    kind: 'select', from: 'enc', as: 'e', columns: row('E', col('c', 'id'), col('e', 'place'), col('c', 'json')),
    joins: [{ table: 'resource_current', as: 'c', on: head(ENCOUNTER, col('e', 'id')), fixed: true }],
  };
  const patients: Select = {
    kind: 'select', from: 'enc', as: 'e', columns: row('P', col('c', 'id'), col('e', 'id'), col('c', 'json')),
    joins: [
      { table: 'idx_reference', as: 'r', on: and(eq(col('r', 'type'), val(ENCOUNTER)), eq(col('r', 'id'), col('e', 'id')), eq(col('r', 'param'), val('subject')), eq(col('r', 'target_type'), val('Patient')))!, fixed: true },
      { table: 'resource_current', as: 'c', on: head('Patient', col('r', 'target_id')), fixed: true },
    ],
  };
  return union('UNION ALL', [locations, encounters, patients], {
    recursive: true,
    ctes: [
      { name: 'place', columns: ['id'], query: union('UNION', [place, under]) },
      { name: 'enc', columns: ['id', 'place'], query: enc, materialized: true },
    ],
  });
}

const rendered = new Map<Dialect, Query>();

/** The statement rendered once per dialect, its one slot the site id */
export function boardQuery(dialect: Dialect): Query {
  let q = rendered.get(dialect);
  if (!q) rendered.set(dialect, (q = render(boardStatement(), dialect)));
  return q;
}

export async function runBoard(conn: Connection, siteId: string): Promise<BoardRows> {
  const q = boardQuery(conn.dialect);
  const { rows } = await conn.query(q.sql, bind(q, [siteId]));
  const out: BoardRows = { places: [], encounters: [], patients: [] };
  for (const r of rows) {
    const id = String(r.id);
    switch (r.kind) {
      case 'L':
        if (id === siteId) out.site = { id, raw: String(r.body) };
        else out.places.push({ id, raw: String(r.body) });
        break;
      case 'E':
        out.encounters.push({ id, place: String(r.ref), raw: String(r.body) });
        break;
      case 'P':
        out.patients.push({ id, encounter: String(r.ref), raw: String(r.body) });
        break;
    }
  }
  return sortBoard(out);
}

const byKeys = <T>(...keys: ((x: T) => string)[]) => (a: T, b: T): number => {
  for (const k of keys) {
    const x = k(a);
    const y = k(b);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/** The order every store answers in (ids compare as the bytes SQLite's BINARY collation compares) */
export function sortBoard(b: BoardRows): BoardRows {
  b.places.sort(byKeys((p) => p.id));
  b.encounters.sort(byKeys((e) => e.id, (e) => e.place));
  b.patients.sort(byKeys((p) => p.id, (p) => p.encounter));
  return b;
}
