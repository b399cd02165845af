/**
 * Single writes in a worker thread: the SQL of a create, update or delete (about half of a create's cost on
 * the event loop: 180 µs of 360 measured here, COMMIT and its fsync included) runs on the other core, with a
 * connection of its own to the same file (./writer-worker.ts), while the event loop goes on parsing,
 * validating and answering.
 *
 * The write queue (./write-queue.ts) still decides everything about order: it hands a run of waiting single
 * writes to the worker as one batch (data: ../sql/versions.ts WriteOp, with index rows extracted here), and
 * runs transactions on the main thread's own writer connection, never both at once, so the two connections
 * never contend for SQLite's write lock. The worker commits each batch at the store's synchronous level
 * (FULL: SQLite syncs the WAL inside COMMIT, and publishes the commit to readers only after that sync) and
 * answers once it is done, so an answered write is as durable as the level says and no read sees it earlier.
 * lastUpdated stays strictly increasing across the two writers: each batch carries the last instant the
 * main thread handed out, and the answer the worker's last one.
 *
 * A worker that dies fails its batch with FHIR_SERVICE_UNAVAILABLE (whether that batch committed is not
 * known: the client must look before it retries) and is started again; after MAX_RESTARTS deaths in a
 * minute the store refuses writes until the server restarts.
 * https://nodejs.org/api/worker_threads.html , https://sqlite.org/wal.html#concurrency
 */
import { Worker } from 'node:worker_threads';
import { FhirError, type ErrorIssue } from '../../errors/fhir-error.ts';
import type { ErrorCode, ErrorDetails } from '../../errors/catalogue.ts';
import type { Outcome } from './write-queue.ts';
import { UpdateAllError } from '../repository.ts';

/** An error as it crosses the thread boundary */
export type WireError =
  | { at: number; error: WireError }
  | { fhir: { code: ErrorCode; details: ErrorDetails; issues: ErrorIssue[]; message: string } }
  | { name: string; message: string; code?: string };

export type WireOutcome = { ok: true; value: unknown } | { ok: false; error: WireError };

export function toWire(e: unknown): WireError {
  if (e instanceof UpdateAllError) return { at: e.index, error: toWire(e.cause) };
  if (e instanceof FhirError) return { fhir: { code: e.code, details: e.details, issues: e.issues, message: e.message } };
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
}

export function fromWire(w: WireError): Error {
  if ('at' in w) return new UpdateAllError(w.at, fromWire(w.error));
  if ('fhir' in w) {
    const e = new FhirError(w.fhir.code, w.fhir.details, w.fhir.issues);
    e.message = w.fhir.message;
    return e;
  }
  const e = new Error(w.message) as Error & { code?: string };
  e.name = w.name;
  if (w.code) e.code = w.code;
  return e;
}

export interface BatchRequest {
  kind: 'batch';
  seq: number;
  /** The last lastUpdated the main thread handed out */
  floor: string | undefined;
  ops: unknown[];
}

export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'open-failed'; error: WireError }
  | { kind: 'done'; seq: number; outcomes: WireOutcome[]; commits: number; last: string | undefined }
  | { kind: 'closed' };

const MAX_RESTARTS = 3;

export interface WriterThreadOptions {
  file: string;
  synchronous: 'FULL' | 'NORMAL';
  /** The main thread's clock: read before each batch, moved on after it */
  lastIssued: () => string | undefined;
  observe: (issued: string | undefined) => void;
  /** Told when the worker died (the store logs it) */
  onFault?: (message: string) => void;
}

export class WriterThread {
  readonly #opts: WriterThreadOptions;
  #worker!: Worker;
  #seq = 0;
  #pending = new Map<number, { resolve: (r: { outcomes: Outcome[]; commits: number }) => void; reject: (e: unknown) => void }>();
  #deaths: number[] = [];
  #failed: FhirError | undefined;
  #closing = false;
  #onRestart: (() => void) | undefined;

  private constructor(opts: WriterThreadOptions) {
    this.#opts = opts;
  }

  static async start(opts: WriterThreadOptions): Promise<WriterThread> {
    const t = new WriterThread(opts);
    await t.#spawn();
    return t;
  }

  /** Set when the store has given up on its worker */
  get failed(): FhirError | undefined {
    return this.#failed;
  }

  /** Runs single writes, given as data, in one batch of the worker; resolves once they are durable */
  run = (ops: unknown[]): Promise<{ outcomes: Outcome[]; commits: number }> => {
    if (this.#failed) return Promise.reject(this.#failed);
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject });
      const msg: BatchRequest = { kind: 'batch', seq, floor: this.#opts.lastIssued(), ops };
      this.#worker.postMessage(msg);
    });
  };

  /** Tests: ends the worker the way a crash would; it is started again */
  async terminate(): Promise<void> {
    const worker = this.#worker;
    const restarted = new Promise<void>((resolve) => (this.#onRestart = resolve));
    await worker.terminate();
    await restarted;
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.postMessage({ kind: 'close' });
    });
  }

  #spawn(): Promise<void> {
    const { file, synchronous } = this.#opts;
    const worker = new Worker(new URL('./writer-worker.ts', import.meta.url), { workerData: { file, synchronous } });
    this.#worker = worker;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'ready') {
          ready = true;
          resolve();
        } else if (m.kind === 'open-failed') {
          reject(fromWire(m.error));
        } else if (m.kind === 'done') {
          const p = this.#pending.get(m.seq);
          this.#pending.delete(m.seq);
          this.#opts.observe(m.last);
          p?.resolve({
            commits: m.commits,
            outcomes: m.outcomes.map((o) => (o.ok ? o : { ok: false, error: fromWire(o.error) })),
          });
        }
      });
      worker.on('error', (e) => {
        if (!ready) reject(e);
        else this.#opts.onFault?.(`SQLite writer thread failed: ${e.message}`);
      });
      worker.on('exit', (code) => {
        if (this.#worker !== worker) return;
        const lost = [...this.#pending.values()];
        this.#pending.clear();
        const error = new FhirError('FHIR_SERVICE_UNAVAILABLE', {
          detail: 'the store\'s writer stopped while carrying out this write; whether it was committed is not known: read before retrying',
        });
        for (const p of lost) p.reject(error);
        if (this.#closing || !ready) return;
        this.#opts.onFault?.(`SQLite writer thread exited with code ${code}`);
        const now = Date.now();
        this.#deaths = [...this.#deaths.filter((t) => now - t < 60_000), now];
        if (this.#deaths.length > MAX_RESTARTS) {
          this.#failed = new FhirError('FHIR_SERVICE_UNAVAILABLE', { detail: 'the store\'s writer failed repeatedly; writes are refused until the server is restarted' });
          return;
        }
        this.#spawn().then(() => {
          this.#onRestart?.();
          this.#onRestart = undefined;
        }, (e: unknown) => {
          this.#failed = new FhirError('FHIR_SERVICE_UNAVAILABLE', { detail: `the store's writer could not be restarted: ${e instanceof Error ? e.message : String(e)}` });
        });
      });
    });
  }
}
