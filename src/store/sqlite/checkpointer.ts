/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever COMMIT pushes
 * the WAL past its threshold; better-sqlite3 is synchronous, so that COMMIT (copying pages back into the
 * database file and syncing it) blocked the event loop for every request. Measured here with the ajv-only
 * write path at 32 connections: about 5,000 creates/s with SQLite's automatic checkpoint, about 7,000/s
 * without it. A worker thread with its own connection now checkpoints (PASSIVE) every `intervalMs`; the
 * writer keeps a high automatic threshold only as a safety valve should the worker fall behind or die.
 * https://sqlite.org/wal.html#automatic_checkpoint , https://sqlite.org/pragma.html#pragma_wal_autocheckpoint
 */
import { Worker } from 'node:worker_threads';
import type { SqliteConnection } from './connection.ts';

/** WAL pages before the writer checkpoints by itself (safety valve; 4 KiB pages: about 40 MB) */
export const WAL_PAGES_SAFETY_VALVE = 10_000;
/** After a checkpoint resets the WAL, SQLite truncates the file back to this size */
export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export class Checkpointer {
  readonly #worker: Worker;
  #stopped: Promise<void> | undefined;

  constructor(writer: SqliteConnection, file: string, synchronous: string, intervalMs = 100, onError?: (message: string) => void) {
    writer.db.pragma(`wal_autocheckpoint = ${WAL_PAGES_SAFETY_VALVE}`);
    writer.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    this.#worker = new Worker(new URL('./checkpoint-worker.ts', import.meta.url), { workerData: { file, synchronous, intervalMs } });
    this.#worker.on('message', (m: { kind: string; message?: string }) => {
      if (m.kind === 'error' && onError) onError(m.message ?? 'checkpoint failed');
    });
    // The checkpointer must never keep the process alive on its own.
    this.#worker.unref();
  }

  /** Runs a last checkpoint and closes the worker's connection. */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      // Held again while it finishes, so a closing process waits for the last checkpoint.
      this.#worker.ref();
      this.#worker.postMessage('stop');
    });
    return this.#stopped;
  }
}
