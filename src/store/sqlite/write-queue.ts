/**
 * The one writer: every write of a SQLite store passes through this queue (DESIGN.md §5, "group commit").
 *
 * Why: with synchronous=FULL each COMMIT is an fsync of the WAL, which costs milliseconds on most disks
 * and blocks the event loop (better-sqlite3 is synchronous). Single writes that are waiting are therefore
 * run together in one BEGIN IMMEDIATE..COMMIT, each inside its own SAVEPOINT, so a write that fails (412,
 * constraint) rolls back alone and rejects only its own caller, and the batch pays one fsync. Every caller
 * is answered after the COMMIT of its batch, so a resolved create is durable at the configured level.
 * While a COMMIT blocks, new requests pile up in the socket buffers; the queue yields to the event loop
 * (setImmediate) before each batch so they have been parsed and queued, and join the next batch.
 *
 * A transaction (withTransaction) is a job like any other, in its own SAVEPOINT: while its async fn runs it
 * holds the writer (jobs run one after another, never interleaved), and a throw rolls back only its own
 * writes. Transactions therefore share a COMMIT with their neighbours too; measured here on 10-entry
 * transaction Bundles with 16 clients, a COMMIT each capped them near 300/s. A group stops taking jobs after
 * MAX_GROUP_MS so an early caller is not kept waiting behind many long transactions. Jobs are taken strictly
 * in arrival order, so writers are serialised and none starves.
 * https://sqlite.org/lang_transaction.html , https://sqlite.org/lang_savepoint.html
 */
import type { SqliteConnection } from './connection.ts';

interface Job {
  run: () => Promise<unknown>;
  /** Called synchronously right after COMMIT, before any other code runs (cache maintenance) */
  committed: (result: unknown) => void;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** A group stops taking further jobs once it has run this long, so commit latency stays bounded */
const MAX_GROUP_MS = 15;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class WriteQueue {
  readonly #conn: SqliteConnection;
  readonly #maxBatch: number;
  readonly #jobs: Job[] = [];
  #running: Promise<void> | undefined;
  /** Batches and transactions committed (tests use it to see that group commit happens) */
  commits = 0;

  readonly #onCommit: () => void;

  /** `onCommit` runs synchronously right after every COMMIT, before any caller is answered */
  constructor(conn: SqliteConnection, maxBatch = 500, onCommit: () => void = () => {}) {
    this.#conn = conn;
    this.#maxBatch = maxBatch;
    this.#onCommit = onCommit;
  }

  /** A single write, group-committed with its neighbours */
  single<T>(run: () => Promise<T>, committed: (r: T) => void = () => {}): Promise<T> {
    return this.#push(run, committed as (r: unknown) => void);
  }

  /** A transaction: run holds the writer alone while it runs, in its own SAVEPOINT of the group */
  exclusive<T>(run: () => Promise<T>, committed: () => void = () => {}): Promise<T> {
    return this.#push(run, committed);
  }

  /** Resolves when every queued job has been answered */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #push<T>(run: () => Promise<T>, committed: (r: unknown) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ run, committed, resolve: resolve as (v: unknown) => void, reject });
      this.#running ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#jobs.length > 0) {
        await new Promise<void>((r) => setImmediate(r));
        await this.#runBatch(this.#jobs.splice(0, this.#maxBatch));
      }
    } finally {
      this.#running = undefined;
    }
  }

  async #runBatch(batch: Job[]): Promise<void> {
    const c = this.#conn;
    const outcomes: Outcome[] = [];
    try {
      c.run(c.dialect.beginWrite());
    } catch (e) {
      for (const j of batch) j.reject(e);
      return;
    }
    const started = performance.now();
    for (let i = 0; i < batch.length; i++) {
      if (i > 0 && performance.now() - started > MAX_GROUP_MS) {
        // Long transactions in the group: commit what ran, answer those callers, queue the rest first.
        this.#jobs.unshift(...batch.splice(i));
        break;
      }
      c.run('SAVEPOINT w');
      try {
        const value = await batch[i].run();
        c.run('RELEASE w');
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (!c.inTransaction) {
          // The engine rolled the whole transaction back (SQLITE_FULL, IOERR...): the writes before this
          // one are lost with it. Their callers get this error; the jobs not yet run go back to the queue.
          this.#jobs.unshift(...batch.slice(i + 1));
          for (let k = 0; k < outcomes.length; k++) batch[k].reject(error);
          batch[i].reject(error);
          return;
        }
        c.run('ROLLBACK TO w');
        c.run('RELEASE w');
        outcomes.push({ ok: false, error });
      }
    }
    try {
      c.run('COMMIT');
    } catch (e) {
      if (c.inTransaction) c.run('ROLLBACK');
      batch.forEach((j, k) => j.reject(outcomes[k].ok ? e : (outcomes[k] as { error: unknown }).error));
      return;
    }
    this.commits++;
    this.#onCommit();
    batch.forEach((j, k) => {
      const o = outcomes[k];
      if (o.ok) {
        this.#afterCommit(j, o.value);
        j.resolve(o.value);
      } else {
        j.reject(o.error);
      }
    });
  }

  /** Cache maintenance must never leave a committed caller unanswered */
  #afterCommit(job: Job, value: unknown): void {
    try {
      job.committed(value);
    } catch (e) {
      process.emitWarning(e instanceof Error ? e : String(e), 'HelsebroStoreWarning');
    }
  }
}
