/**
 * Durable commits without blocking the event loop: the WAL is made durable by our own fdatasync, run on
 * libuv's thread pool, instead of by SQLite inside COMMIT.
 *
 * Why: better-sqlite3 is synchronous, so with `PRAGMA synchronous=FULL` every COMMIT blocked the event loop
 * for the WAL's fdatasync (measured here: 508 µs per COMMIT of 8 creates with FULL against 190 µs with
 * NORMAL, the fsync being the difference). The writer connection therefore runs with synchronous=NORMAL (in
 * WAL mode: COMMIT appends the transaction's frames to the WAL with write(), no sync), and this class
 * fdatasyncs the -wal file after each COMMIT, off the main thread. Callers of a batch are answered only when
 * an fdatasync that STARTED AFTER their COMMIT has finished, so an answered write is on disk exactly as with
 * synchronous=FULL (it survives a process crash, an OS crash and a power cut, if the disk honours flushes).
 * While the sync runs the event loop is free: the requests that arrive meanwhile are parsed and validated and
 * wait in the write queue, which starts its next batch once the sync is done (./write-queue.ts).
 *
 * Why an fdatasync of the -wal file is enough: in WAL mode a transaction is committed when its frames,
 * ending in a commit frame with valid checksums, are in the WAL (https://sqlite.org/wal.html, "Commit");
 * Linux syncs a file's data through any descriptor of it; fdatasync includes the size metadata needed to
 * read the data back. The WAL header, rewritten when the WAL restarts, is in the same file. Frames of an
 * earlier WAL generation have been checkpointed first, and a checkpoint syncs the WAL before and the
 * database after copying in NORMAL as in FULL (https://sqlite.org/pragma.html#pragma_synchronous). Until our
 * sync returns, a power cut can lose the newest commits but never corrupt the file (NORMAL's guarantee).
 *
 * Visibility: a reader must never see a commit that a power cut could still take away (SQLite's FULL never
 * shows one, because it syncs before it publishes the frames). Reads of the database therefore wait from
 * just before each COMMIT until that COMMIT's sync has finished (./read-gate.ts, which also says why the
 * reader is not pinned in a read transaction instead).
 *
 * A failed fdatasync is not retried: after an fsync error Linux may have dropped the dirty pages and report
 * success next time (PostgreSQL's "fsyncgate", https://wiki.postgresql.org/wiki/Fsync_Errors), so every
 * waiting and every later caller gets the error and the store refuses writes until it is restarted.
 */
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { FhirError } from '../../errors/fhir-error.ts';
import type { Durability } from './write-queue.ts';

export class WalSync implements Durability {
  readonly #fd: number;
  /** The sync that has not started yet, shared by every COMMIT made since the running one started */
  #next: { promise: Promise<Error | undefined>; resolve: (e: Error | undefined) => void } | undefined;
  #running: Promise<Error | undefined> | undefined;
  #failed: FhirError | undefined;
  #closed = false;
  /** fdatasync calls made (tests and the bench use it to see that syncs are shared) */
  syncs = 0;

  readonly #fdatasync: typeof fdatasync;

  /**
   * `file` is the database; its -wal file must exist (the writer has opened the store in WAL mode).
   * `sync` is node:fs fdatasync; tests pass one they control.
   */
  constructor(file: string, sync: typeof fdatasync = fdatasync) {
    this.#fdatasync = sync;
    this.#fd = openSync(`${file}-wal`, 'r+');
    // What the store wrote while opening (migrations, a reindex) was committed at NORMAL: on disk now.
    fdatasyncSync(this.#fd);
    // The -wal file's directory entry: made durable once, so the file itself cannot vanish in a power cut.
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  /** The error that stopped the store, if one did */
  get failed(): FhirError | undefined {
    return this.#failed;
  }

  /** Call right after a COMMIT: resolves once that commit is on disk, or with the error that prevents it */
  wait(): Promise<Error | undefined> {
    if (this.#failed) return Promise.resolve(this.#failed);
    if (!this.#running) return (this.#running = this.#sync());
    // A sync is running, but it may have started before this COMMIT: wait for the next one.
    if (!this.#next) {
      let resolve!: (e: Error | undefined) => void;
      const promise = new Promise<Error | undefined>((r) => (resolve = r));
      this.#next = { promise, resolve };
    }
    return this.#next.promise;
  }

  /** Resolves when no sync is running or waiting */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  #sync(): Promise<Error | undefined> {
    this.syncs++;
    return new Promise((resolve) => {
      this.#fdatasync(this.#fd, (err) => {
        if (err && !this.#failed) {
          this.#failed = new FhirError('FHIR_SERVICE_UNAVAILABLE', {
            detail: `a write could not be made durable (fdatasync of the SQLite WAL: ${err.message}); writes are refused until the server is restarted`,
          });
        }
        const next = this.#next;
        this.#next = undefined;
        this.#running = undefined;
        if (next) {
          if (this.#failed) next.resolve(this.#failed);
          else void (this.#running = this.#sync()).then(next.resolve);
        }
        resolve(this.#failed);
      });
    });
  }
}
