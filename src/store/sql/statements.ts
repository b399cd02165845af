/**
 * The statements every SQL store runs for reads and writes of versions, built once per call site from the
 * expression objects of ./builder.ts. Layout and its reasons: ./migrations/001-initial.ts.
 * Spec: https://hl7.org/fhir/R4/http.html#read , #vread , https://hl7.org/fhir/R4/resource.html#Meta
 */
import type { StoredResource } from '../repository.ts';
import { and, col, eq, val, type Expr, type Insert, type Select, type Slot, type SqlValue } from './builder.ts';
import type { Row } from './dialect.ts';

export const VERSION_COLUMNS = ['type', 'id', 'version', 'last_updated', 'deleted', 'json'] as const;

type V = SqlValue | Slot;

const key = (alias: string | undefined, type: V, id: V): Expr => and(eq(col(alias, 'type'), val(type)), eq(col(alias, 'id'), val(id)))!;

export const columnsOf = (alias: string | undefined) => VERSION_COLUMNS.map((c) => col(alias, c));

/** The current version (a tombstone included) of one resource: one primary-key lookup */
export function readCurrent(type: V, id: V): Select {
  return { kind: 'select', from: 'resource_current', columns: columnsOf(undefined), where: key(undefined, type, id) };
}

/** What a write needs to know about the head: its version number and whether it is a tombstone */
export function readHead(type: V, id: V): Select {
  return { kind: 'select', from: 'resource_current', columns: [col(undefined, 'version'), col(undefined, 'deleted')], where: key(undefined, type, id) };
}

export function readVersion(type: V, id: V, version: V): Select {
  return {
    kind: 'select',
    from: 'resource',
    columns: columnsOf(undefined),
    where: and(key(undefined, type, id), eq(col(undefined, 'version'), val(version))),
  };
}

export function insertVersion(s: StoredResource): Insert {
  return { kind: 'insert', table: 'resource', columns: VERSION_COLUMNS, rows: [rowOf(s)] };
}

/** The head row follows every write; a tombstone stays as the head so read can answer 410 */
export function upsertHead(s: StoredResource): Insert {
  return {
    kind: 'insert',
    table: 'resource_current',
    columns: VERSION_COLUMNS,
    rows: [rowOf(s)],
    onConflict: { target: ['type', 'id'], update: ['version', 'last_updated', 'deleted', 'json'] },
  };
}

function rowOf(s: StoredResource): SqlValue[] {
  return [s.resourceType, s.id, Number(s.versionId), s.lastUpdated, s.deleted ? 1 : 0, s.raw];
}

export function toStored(r: Row): StoredResource {
  return {
    resourceType: r.type as string,
    id: r.id as string,
    versionId: String(r.version),
    lastUpdated: r.last_updated as string,
    deleted: Number(r.deleted) === 1,
    raw: r.json as string,
  };
}
