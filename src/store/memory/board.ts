/**
 * The room board over the memory store's Maps: the same rows, from the same index rows, as the SQL
 * stores' one query (../sql/board.ts; the contract suite holds both to one answer). BoardRows: ../repository.ts.
 */
import type { BoardRows } from '../repository.ts';
import { sortBoard } from '../sql/board.ts';
import type { MemoryState, TxLog, Version } from './state.ts';

/** target ids of the reference rows `param` -> `targetType` of a version */
const targets = (v: Version, param: string, targetType: string): string[] =>
  v.rows.reference.filter((r) => r.param === param && r.targetType === targetType && r.targetId !== null).map((r) => r.targetId!);

export function board(state: MemoryState, tx: TxLog | undefined, siteId: string): BoardRows {
  const out: BoardRows = { places: [], encounters: [], patients: [] };
  const site = state.live('Location', siteId, tx);
  if (!site) return out;
  out.site = { id: siteId, raw: site.s.raw };

  // partOf, walked breadth first from the site; `seen` ends a cycle as SQL's UNION does
  const children = new Map<string, Version[]>();
  for (const v of state.liveOf('Location', tx)) {
    for (const parent of targets(v, 'partof', 'Location')) {
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(v);
    }
  }
  const seen = new Set([siteId]);
  const places = new Map<string, Version>();
  for (let queue = [siteId]; queue.length > 0; ) {
    const next: string[] = [];
    for (const id of queue) {
      for (const child of children.get(id) ?? []) {
        if (seen.has(child.s.id)) continue;
        seen.add(child.s.id);
        places.set(child.s.id, child);
        next.push(child.s.id);
      }
    }
    queue = next;
  }
  for (const [id, v] of places) out.places.push({ id, raw: v.s.raw });

  for (const e of state.liveOf('Encounter', tx)) {
    const at = targets(e, 'current-location', 'Location').filter((id) => places.has(id) || id === siteId);
    for (const place of at) out.encounters.push({ id: e.s.id, place, raw: e.s.raw });
    if (at.length === 0) continue;
    // one row per Encounter place, as the SQL joins the Patient to each row of `enc`
    for (const pid of targets(e, 'subject', 'Patient')) {
      const p = state.live('Patient', pid, tx);
      if (p) for (const _ of at) out.patients.push({ id: pid, encounter: e.s.id, raw: p.s.raw });
    }
  }
  return sortBoard(out);
}
