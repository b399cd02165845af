/**
 * Reads never see a write before it is durable (what SQLite's synchronous=FULL gives by syncing inside
 * COMMIT, kept now that the sync runs off the event loop: ./wal-sync.ts).
 *
 * From right before a COMMIT until its WAL sync has finished, statements on the store's reader connection
 * wait; then they go on, in arrival order, and see the committed state, all of it durable. The write queue
 * starts its next COMMIT only after a macrotask boundary (setImmediate), so every read released by `open`
 * runs its statement before that COMMIT can happen. The wait is at most one sync (a few hundred µs here),
 * and only for reads that reach the database: the LRU of ./repository.ts holds committed, durable versions
 * only and answers without waiting.
 *
 * Why not hold the reader in a read transaction instead (a snapshot from before the COMMIT): that was tried
 * first. A reader that always holds a WAL read mark keeps the writer from ever restarting the WAL, and the
 * WAL grew by about 90 KB per create here without bound (https://sqlite.org/wal.html#avoiding_excessively_large_wal_files).
 *
 * If the sync fails the gate stays shut for good: the reader's connection would show commits that may not
 * be on disk, so every database read fails with the store's error until a restart.
 */
import type { SqlValue } from '../sql/builder.ts';
import type { Connection, QueryResult } from '../sql/dialect.ts';

export class ReadGate {
  #shut: Promise<void> | undefined;
  #open: (() => void) | undefined;
  #failed: Error | undefined;

  /** undefined when reads may run now; else a Promise to await first (it rejects once the store failed) */
  get wait(): Promise<void> | undefined {
    return this.#shut;
  }

  shut(): void {
    if (this.#shut || this.#failed) return;
    this.#shut = new Promise<void>((resolve) => (this.#open = resolve));
  }

  open(): void {
    if (this.#failed) return;
    const open = this.#open;
    this.#shut = undefined;
    this.#open = undefined;
    open?.();
  }

  /** For good: waiting and later reads reject with `error` */
  fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = error;
    const open = this.#open;
    this.#shut = Promise.reject(error);
    this.#shut.catch(() => undefined);
    this.#open = undefined;
    // Waiters were given the earlier promise: wake them; they see the failure through gated().
    open?.();
  }

  get failed(): Error | undefined {
    return this.#failed;
  }
}

/** The reader connection behind the gate: answers synchronously while the gate is open (the common case) */
export function gated(conn: Connection, gate: ReadGate): Connection {
  const run = (sql: string, values: readonly SqlValue[]): QueryResult | Promise<QueryResult> => {
    const wait = gate.wait;
    if (wait === undefined) return conn.query(sql, values);
    // Shut again by the time we wake (the next COMMIT): wait again.
    return wait.then(() => run(sql, values));
  };
  return { dialect: conn.dialect, query: run };
}
