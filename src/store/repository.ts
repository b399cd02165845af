/**
 * The storage contract (DESIGN.md §5, house rule 2). Every store (memory, sqlite, later postgres) implements
 * this interface and passes the one suite in test/contract/.
 *
 * Spec:
 * - Versions and meta: https://hl7.org/fhir/R4/resource.html#Meta (versionId, lastUpdated are server-set)
 * - Logical ids: https://hl7.org/fhir/R4/datatypes.html#id  ([A-Za-z0-9\-\.]{1,64})
 * - Delete leaves a tombstone version; read then answers 410: https://hl7.org/fhir/R4/http.html#delete
 * - History: https://hl7.org/fhir/R4/http.html#history (newest first; deletes appear as entries without resource)
 *
 * Semantics every store shares:
 * - versionId is "1", "2", ... per resource, assigned by the store; a delete also takes a version number.
 * - lastUpdated is an instant with millisecond precision in UTC ("2026-11-23T09:00:00.000Z"), assigned by the
 *   store, strictly increasing within a store so _since/_at boundaries are exact.
 * - `raw` is the exact JSON text served for that version (meta included); stores never re-serialise on read.
 * - Every write method is atomic; inside `withTransaction` all writes commit or roll back together, and the
 *   transaction is serialisable with respect to every other write of the same store (writers are serialised).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { SearchPlan } from '../search/plan.ts';

export interface StoredResource {
  resourceType: string;
  id: string;
  versionId: string;
  lastUpdated: string;
  /** True for the tombstone version written by a delete; raw is then '' */
  deleted: boolean;
  /** The exact JSON served for this version (with meta.versionId and meta.lastUpdated) */
  raw: string;
}

export interface CreateOptions {
  /** Use this id instead of generating one (update-as-create, transaction urn:uuid resolution) */
  id?: string;
}

export interface UpdateOptions {
  /** Version the client expects to replace (If-Match); a mismatch throws FHIR_PRECONDITION_FAILED */
  ifMatch?: string;
  /** Create the resource when no version exists (update-as-create). Default true. */
  upsert?: boolean;
}

export interface UpdateResult extends StoredResource {
  /** True when this update created the resource (no earlier version, or the last version was a delete) */
  created: boolean;
}

/** One of the updates given to updateAll */
export interface UpdateItem {
  resource: Resource;
  opts?: UpdateOptions;
}

/** Why updateAll wrote nothing: the update at `index` failed with `cause` (a FhirError, or a fault) */
export class UpdateAllError extends Error {
  readonly index: number;
  override readonly cause: unknown;

  constructor(index: number, cause: unknown) {
    super(`update ${index} of the group failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'UpdateAllError';
    this.index = index;
    this.cause = cause;
  }
}

/** The items' updates one after another; the first that fails ends it as UpdateAllError naming its index */
export async function updateInOrder<T>(items: readonly T[], update: (item: T) => Promise<UpdateResult>): Promise<UpdateResult[]> {
  const out: UpdateResult[] = [];
  for (let k = 0; k < items.length; k++) {
    try {
      out.push(await update(items[k]));
    } catch (e) {
      throw new UpdateAllError(k, e);
    }
  }
  return out;
}

/** updateAll on any store: the updates one after another inside withTransaction */
export function updateEach(repo: Repository, items: readonly UpdateItem[]): Promise<UpdateResult[]> {
  return repo.withTransaction((tx) => updateInOrder(items, (i) => tx.update(i.resource, i.opts)));
}

export interface DeleteOptions {
  ifMatch?: string;
}

export interface HistoryScope {
  resourceType?: string;
  id?: string;
}

export interface HistoryOptions {
  /** Only versions with lastUpdated > since (instant) */
  since?: string;
  /** Only versions current at this instant: lastUpdated <= at, and the newest such version per resource */
  at?: string;
  /** Page size */
  count: number;
  /** Number of entries to skip (stable because history rows are immutable and ordered newest first) */
  offset?: number;
  /** Only versions with lastUpdated <= this instant: pins a paging session so later writes do not shift pages */
  until?: string;
}

export interface HistoryPage {
  entries: StoredResource[];
  /** Total number of matching versions */
  total: number;
}

export interface SearchPage {
  /** Current versions of matching resources, in plan order */
  entries: StoredResource[];
  /** Total number of matches when the plan asked for it */
  total?: number;
}

/** What the room board reads (Location/$board: src/fhir/operations/board.ts), in one query on the SQL
 * stores (../sql/board.ts). Live current versions only; each list sorted by id (then its second key). */
export interface BoardRows {
  /** The site's Location, absent when there is none (never created, or deleted) */
  site?: { id: string; raw: string };
  /** Every Location under the site through Location.partOf (search parameter partof), at any depth; a
   * deleted Location is not there, and neither is what hangs only under it */
  places: { id: string; raw: string }[];
  /** Encounters with a place among their current-location rows (the search parameter's expression: an
   * active Encounter.location entry of an Encounter that is arrived, triaged, in-progress or onleave):
   * one row per Encounter and place */
  encounters: { id: string; place: string; raw: string }[];
  /** The Patients those Encounters have as subject: one row per Patient and row of `encounters` (an
   * Encounter at two places gives its Patient twice) */
  patients: { id: string; encounter: string; raw: string }[];
}

export interface Repository {
  readonly kind: string;
  /** Current version; throws FHIR_NOT_FOUND, or FHIR_GONE when the latest version is a delete */
  read(resourceType: string, id: string): Promise<StoredResource>;
  /** A given version; throws FHIR_VERSION_NOT_FOUND (or FHIR_NOT_FOUND when the resource never existed). A
   * tombstone version is returned with deleted=true (the router answers 410). */
  vread(resourceType: string, id: string, versionId: string): Promise<StoredResource>;
  /** The committed current version when the store holds it in memory, without waiting; undefined when it
   * does not (then `read` answers). Optional: a store without such a cache leaves it out. */
  cached?(resourceType: string, id: string): StoredResource | undefined;
  /** New resource (version 1); the id is generated unless opts.id; throws FHIR_PRECONDITION_FAILED... never:
   * creating over an existing id is an error the caller must avoid (use update). */
  create(resource: Resource, opts?: CreateOptions): Promise<StoredResource>;
  update(resource: Resource, opts?: UpdateOptions): Promise<UpdateResult>;
  /** Several updates (each also as create), in this order, all-or-nothing: one write job of the store, so a
   * store with a writer thread runs them there, beside the event loop, and commits them with other writes.
   * Rejects with UpdateAllError naming the update that failed; then none was written. */
  updateAll(items: readonly UpdateItem[]): Promise<UpdateResult[]>;
  /** Writes a tombstone version. Returns it, or undefined when there was nothing to delete (never existed or
   * already deleted): delete is idempotent per https://hl7.org/fhir/R4/http.html#delete */
  delete(resourceType: string, id: string, opts?: DeleteOptions): Promise<StoredResource | undefined>;
  history(scope: HistoryScope, opts: HistoryOptions): Promise<HistoryPage>;
  search(plan: SearchPlan): Promise<SearchPage>;
  /** The room board of a site (a Location id): see BoardRows */
  board(siteId: string): Promise<BoardRows>;
  /** Rebuilds the index rows of every current resource of these types (all types when omitted) from the
   * search parameters registered now; one transaction, writers wait. Returns the number of resources. */
  reindex(resourceTypes?: readonly string[]): Promise<number>;
  /** Runs fn with a repository bound to one database transaction; all-or-nothing, writers serialised. */
  withTransaction<T>(fn: (tx: Repository) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
