/**
 * Version semantics of the Repository contract (../repository.ts) over the connection seam, shared by every
 * SQL store. These functions are not transactions themselves: the store runs each write inside its own
 * transaction or savepoint and holds the write lock (writers are serialised), so "read the head, then write
 * head + 1" cannot race. The (type, id, version) primary key is the last guard against a duplicate version.
 *
 * Spec: https://hl7.org/fhir/R4/http.html#read , #vread , #create , #update , #delete ,
 * https://hl7.org/fhir/R4/http.html#concurrency (If-Match / versionId)
 */
import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { MonotonicClock } from '../clock.ts';
import { updateInOrder, type CreateOptions, type DeleteOptions, type StoredResource, type UpdateItem, type UpdateOptions, type UpdateResult } from '../repository.ts';
import { newId, storedVersion } from '../serialise.ts';
import { and, cmp, col, eq, exec, inList, or, val, type Statement } from './builder.ts';
import type { Connection } from './dialect.ts';
import { INDEX_TABLES } from './indexes/registry.ts';
import { extractRows } from '../../search/extract.ts';
import { emptyRows, type IndexRows } from '../../search/rows.ts';
import { checkCreate, checkDelete, checkId, checkUpdate, type Head } from './version-rules.ts';
import { insertVersion, readCurrent, readHead, readVersion, toStored, upsertHead } from './statements.ts';

export interface WriteEnv {
  conn: Connection;
  clock: MonotonicClock;
}

const VERSION_ID = /^[1-9][0-9]{0,15}$/;

export async function readOne(conn: Connection, type: string, id: string): Promise<StoredResource> {
  const row = (await exec(conn, readCurrent(type, id))).rows[0];
  if (!row) throw new FhirError('FHIR_NOT_FOUND', { type, id });
  const s = toStored(row);
  if (s.deleted) throw new FhirError('FHIR_GONE', { type, id, versionId: s.versionId });
  return s;
}

export async function vreadOne(conn: Connection, type: string, id: string, versionId: string): Promise<StoredResource> {
  const row = VERSION_ID.test(versionId) ? (await exec(conn, readVersion(type, id, Number(versionId)))).rows[0] : undefined;
  if (row) return toStored(row);
  if (!(await headOf(conn, type, id))) throw new FhirError('FHIR_NOT_FOUND', { type, id });
  throw new FhirError('FHIR_VERSION_NOT_FOUND', { type, id, versionId });
}

async function headOf(conn: Connection, type: string, id: string): Promise<Head | undefined> {
  const row = (await exec(conn, readHead(type, id))).rows[0];
  return row ? { version: Number(row.version), deleted: Number(row.deleted) === 1 } : undefined;
}

/**
 * A single write as data: what a store's writer needs to carry it out anywhere, also in another thread
 * (../sqlite/writer-thread.ts). `rows` are the resource's index rows, extracted by the caller (extraction
 * needs the search parameter registry, which lives with the router); absent, they are extracted here.
 */
export type WriteOp =
  | { op: 'create'; resource: Resource; rows?: IndexRows; opts?: CreateOptions }
  | { op: 'update'; resource: Resource; rows?: IndexRows; opts?: UpdateOptions }
  | { op: 'delete'; type: string; id: string; opts?: DeleteOptions }
  /** Repository.updateAll: the caller's SAVEPOINT around the one job makes the group all-or-nothing */
  | { op: 'updates'; items: UpdateWrite[] };

/** One update of an `updates` op: Repository.updateAll's item with its index rows */
export type UpdateWrite = UpdateItem & { rows?: IndexRows };

export function applyWrite(env: WriteEnv, w: WriteOp): Promise<StoredResource | UpdateResult | UpdateResult[] | undefined> {
  switch (w.op) {
    case 'create':
      return createOne(env, w.resource, w.opts, w.rows);
    case 'update':
      return updateOne(env, w.resource, w.opts, w.rows);
    case 'delete':
      return deleteOne(env, w.type, w.id, w.opts);
    case 'updates':
      return updateMany(env, w.items);
  }
}

export function updateMany(env: WriteEnv, items: readonly UpdateWrite[]): Promise<UpdateResult[]> {
  return updateInOrder(items, (i) => updateOne(env, i.resource, i.opts, i.rows));
}

export async function createOne(env: WriteEnv, resource: Resource, opts: CreateOptions = {}, rows?: IndexRows): Promise<StoredResource> {
  const type = resource.resourceType;
  if (opts.id === undefined) return writeVersion(env, type, newId(), 1, resource, rows);
  const id = checkId(type, opts.id);
  checkCreate(type, id, await headOf(env.conn, type, id));
  return writeVersion(env, type, id, 1, resource, rows);
}

export async function updateOne(env: WriteEnv, resource: Resource, opts: UpdateOptions = {}, rows?: IndexRows): Promise<UpdateResult> {
  const type = resource.resourceType;
  const id = checkId(type, resource.id);
  const head = await headOf(env.conn, type, id);
  checkUpdate(type, id, head, opts);
  const s = await writeVersion(env, type, id, (head?.version ?? 0) + 1, resource, rows);
  return { ...s, created: !head || head.deleted };
}

export async function deleteOne(env: WriteEnv, type: string, id: string, opts: DeleteOptions = {}): Promise<StoredResource | undefined> {
  const head = await headOf(env.conn, type, id);
  if (!checkDelete(type, id, head, opts.ifMatch)) return undefined;
  return writeVersion(env, type, id, head!.version + 1, undefined);
}

/** Appends the version, moves the head, rewrites the index rows: the caller's transaction makes it atomic */
async function writeVersion(env: WriteEnv, type: string, id: string, version: number, resource: Resource | undefined, given?: IndexRows): Promise<StoredResource> {
  const s = storedVersion(type, id, version, env.clock.next(), resource);
  const statements: Statement[] = [insertVersion(s), upsertHead(s)];
  const rows = resource === undefined ? emptyRows() : (given ?? extractRows(resource));
  // A first version has no index rows to delete.
  for (const ix of INDEX_TABLES) statements.push(...ix.write(type, id, rows, version === 1));
  for (const st of statements) await exec(env.conn, st);
  return s;
}

/**
 * Rebuilds every index row of every current resource (after a migration that adds index tables or changes
 * how values are extracted). Runs in the caller's transaction; reads heads in id pages so memory stays
 * flat on a large store.
 */
export async function reindexAll(conn: Connection, types?: readonly string[]): Promise<number> {
  let n = 0;
  let after = { type: '', id: '' };
  for (;;) {
    const page = await exec(conn, {
      kind: 'select',
      from: 'resource_current',
      columns: [col(undefined, 'type'), col(undefined, 'id'), col(undefined, 'deleted'), col(undefined, 'json')],
      where: and(
        or(cmp('>', col(undefined, 'type'), val(after.type)), and(eq(col(undefined, 'type'), val(after.type)), cmp('>', col(undefined, 'id'), val(after.id)))!),
        types === undefined ? undefined : types.length === 0 ? cmp('=', val(1), val(0)) : inList(col(undefined, 'type'), types.map((t) => val(t))),
      ),
      orderBy: [{ expr: col(undefined, 'type') }, { expr: col(undefined, 'id') }],
      limit: 500,
    });
    if (page.rows.length === 0) return n;
    for (const r of page.rows) {
      const rows = Number(r.deleted) === 1 ? emptyRows() : extractRows(JSON.parse(r.json as string) as Resource);
      for (const ix of INDEX_TABLES) for (const st of ix.write(r.type as string, r.id as string, rows, false)) await exec(conn, st);
      n++;
    }
    const last = page.rows[page.rows.length - 1];
    after = { type: last.type as string, id: last.id as string };
  }
}
