/**
 * The memory store's data: every version of every resource in Maps, plus a log in write order for type and
 * system history. Versions are only ever appended, so an undo journal of "what was appended" is enough to
 * roll a transaction back: undo pops in reverse order.
 *
 * Visibility matches the SQLite store's WAL snapshots: a version written inside an open transaction is
 * `pending` and invisible to readers outside it until COMMIT clears the flag. Writers are serialised
 * (one transaction at a time), so pending versions are always the newest of their resource and of the log.
 * https://hl7.org/fhir/R4/http.html#history (versions are kept), https://hl7.org/fhir/R4/http.html#transaction
 */
import type { Resource } from '@medplum/fhirtypes';
import { extractRows } from '../../search/extract.ts';
import { emptyRows, type IndexRows } from '../../search/rows.ts';
import { MonotonicClock } from '../clock.ts';
import type { StoredResource } from '../repository.ts';
import { storedVersion } from '../serialise.ts';
import type { Head } from '../sql/version-rules.ts';
import { Mutex } from './mutex.ts';

export interface Version {
  readonly s: StoredResource;
  /** Index rows of this version (none for a tombstone); rebuilt by reindex */
  rows: IndexRows;
  pending: boolean;
}

interface Appended {
  list: Version[];
  version: Version;
}

/** An open transaction: what it appended, in order */
export interface TxLog {
  journal: Appended[];
  ended: boolean;
}

export class MemoryState {
  /** type -> id -> versions, oldest first */
  readonly byType = new Map<string, Map<string, Version[]>>();
  /** every version in write (= lastUpdated) order */
  readonly log: Version[] = [];
  readonly clock: MonotonicClock;
  readonly mutex = new Mutex();

  constructor(now?: () => number) {
    this.clock = new MonotonicClock(now);
  }

  versions(type: string, id: string): Version[] | undefined {
    return this.byType.get(type)?.get(id);
  }

  /** The newest version a reader may see: with `tx` its own pending writes, without only committed ones */
  current(list: Version[] | undefined, tx: TxLog | undefined): Version | undefined {
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) if (tx || !list[i].pending) return list[i];
    return undefined;
  }

  /** The current version of type/id as `tx` sees it, unless it is a delete */
  live(type: string, id: string, tx: TxLog | undefined): Version | undefined {
    const v = this.current(this.versions(type, id), tx);
    return v && !v.s.deleted ? v : undefined;
  }

  /** Every live current version of a type, as `tx` sees them */
  *liveOf(type: string, tx: TxLog | undefined): Generator<Version> {
    for (const list of this.byType.get(type)?.values() ?? []) {
      const v = this.current(list, tx);
      if (v && !v.s.deleted) yield v;
    }
  }

  head(type: string, id: string, tx: TxLog | undefined): Head | undefined {
    const v = this.current(this.versions(type, id), tx);
    return v && { version: Number(v.s.versionId), deleted: v.s.deleted };
  }

  append(type: string, id: string, version: number, resource: Resource | undefined, tx: TxLog | undefined): StoredResource {
    const s = storedVersion(type, id, version, this.clock.next(), resource);
    let ids = this.byType.get(type);
    if (!ids) this.byType.set(type, (ids = new Map()));
    let list = ids.get(id);
    if (!list) ids.set(id, (list = []));
    const v: Version = { s, rows: resource === undefined ? emptyRows() : extractRows(resource), pending: tx !== undefined };
    list.push(v);
    this.log.push(v);
    tx?.journal.push({ list, version: v });
    return s;
  }

  /** Rebuilds the index rows of the current versions of these types (all when omitted) */
  reindex(types: readonly string[] | undefined): number {
    let n = 0;
    for (const [type, ids] of this.byType) {
      if (types && !types.includes(type)) continue;
      for (const list of ids.values()) {
        const v = list[list.length - 1];
        v.rows = v.s.deleted ? emptyRows() : extractRows(JSON.parse(v.s.raw) as Resource);
        n++;
      }
    }
    return n;
  }

  commit(tx: TxLog): void {
    for (const a of tx.journal) a.version.pending = false;
    tx.journal.length = 0;
  }

  /** Pops everything the transaction appended after `mark` (0: the whole transaction) */
  undo(tx: TxLog, mark: number): void {
    while (tx.journal.length > mark) {
      const { list, version } = tx.journal.pop()!;
      if (list.at(-1) !== version || this.log.at(-1) !== version) throw new Error('memory store undo journal out of order');
      list.pop();
      this.log.pop();
      if (list.length === 0) this.byType.get(version.s.resourceType)!.delete(version.s.id);
    }
  }
}
