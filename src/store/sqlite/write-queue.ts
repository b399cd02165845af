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
 *
 * Durability is a seam (`Durability`): after each COMMIT the batch waits for `after`, which for a durable
 * file store is the WAL's fdatasync on libuv's thread pool (./wal-sync.ts), so the event loop keeps parsing,
 * validating and answering other requests meanwhile, and the writes that arrive then form the next batch.
 * The next batch starts only when the sync is done: from `beforeCommit` to `afterCommit` the store holds its
 * reads back (./read-gate.ts), so no read sees a commit before it is durable, and when they go on the state
 * they see is wholly durable. Callers and the committed hooks run only once their batch is durable. Without a sync to wait for (NORMAL, the throw-away store) `after`
 * answers at once, right after COMMIT.
 * https://sqlite.org/lang_transaction.html , https://sqlite.org/lang_savepoint.html
 */
import type { SqliteConnection } from './connection.ts';

/** When a committed batch may be answered */
export interface Durability {
  /**
   * Called right after a COMMIT: undefined when it is durable already; else a Promise of undefined once
   * everything committed so far is durable, or of the error that prevents it
   */
  wait(): Promise<Error | undefined> | undefined;
  /** Set once durability is lost for good: every later write is refused with it */
  readonly failed: Error | undefined;
  idle(): Promise<void>;
}

/** Committed is durable enough (synchronous=NORMAL or OFF): answer right after COMMIT */
export const AT_COMMIT: Durability = {
  wait: () => undefined,
  failed: undefined,
  idle: () => Promise.resolve(),
};

interface Job {
  run: () => Promise<unknown>;
  /** The same write as data, for a remote writer (./writer-thread.ts); absent for transactions */
  op?: unknown;
  /** Called synchronously right after COMMIT, before any other code runs (cache maintenance) */
  committed: (result: unknown) => void;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** A group stops taking further jobs once it has run this long, so commit latency stays bounded */
const MAX_GROUP_MS = 15;

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * A writer in another thread with its own connection to the same file: it runs a batch of single writes
 * given as data in one transaction of its own and reports each one's outcome once they are durable. Jobs
 * are still taken strictly in arrival order: a run of single writes goes to it, a transaction runs here, and
 * the two never overlap, so they never contend for SQLite's write lock.
 */
export type RemoteWriter = (ops: unknown[]) => Promise<{ outcomes: Outcome[]; commits: number }>;

export class WriteQueue {
  readonly #conn: SqliteConnection;
  readonly #maxBatch: number;
  readonly #maxGroupMs: number;
  readonly #jobs: Job[] = [];
  #running: Promise<void> | undefined;
  /** Batches sent to the remote writer and not answered yet, and how many writes they hold */
  readonly #inFlight = new Set<Promise<void>>();
  #remoteInFlight = 0;
  /** A local batch (a transaction) is waiting for its turn or running: remote writes must queue behind it */
  #localRunning = false;
  /** Batches and transactions committed (tests use it to see that group commit happens) */
  commits = 0;

  readonly #beforeCommit: () => void;
  readonly #settled: (lost: Error | undefined) => void;
  readonly #durability: Durability;

  /**
   * Hooks, both synchronous: `beforeCommit` right before each COMMIT statement; `afterCommit` once per
   * beforeCommit, when the outcome is known and before any caller is answered: undefined when the COMMIT is
   * durable (or failed, so nothing changed), the error when it committed but cannot be made durable.
   */
  readonly #remote: RemoteWriter | undefined;

  constructor(conn: SqliteConnection, opts: { maxBatch?: number; maxGroupMs?: number; beforeCommit?: () => void; afterCommit?: (lost: Error | undefined) => void; durability?: Durability; remote?: RemoteWriter } = {}) {
    this.#conn = conn;
    this.#remote = opts.remote;
    this.#maxBatch = opts.maxBatch ?? 500;
    this.#maxGroupMs = opts.maxGroupMs ?? MAX_GROUP_MS;
    this.#beforeCommit = opts.beforeCommit ?? (() => {});
    this.#settled = opts.afterCommit ?? (() => {});
    this.#durability = opts.durability ?? AT_COMMIT;
  }

  /**
   * A single write, group-committed with its neighbours: `run` carries it out on this queue's connection;
   * `op`, the same write as data, lets the remote writer carry it out instead when there is one
   */
  single<T>(run: () => Promise<T>, committed: (r: T) => void = () => {}, op?: unknown): Promise<T> {
    return this.#push(run, committed as (r: unknown) => void, op);
  }

  /** A transaction: run holds the writer alone while it runs, in its own SAVEPOINT of the group */
  exclusive<T>(run: () => Promise<T>, committed: () => void = () => {}): Promise<T> {
    return this.#push(run, committed);
  }

  /** Resolves when every queued job has been answered */
  async idle(): Promise<void> {
    while (this.#running || this.#inFlight.size > 0) {
      await this.#running;
      await Promise.all(this.#inFlight);
    }
    await this.#durability.idle();
  }

  #push<T>(run: () => Promise<T>, committed: (r: unknown) => void, op?: unknown): Promise<T> {
    const failed = this.#durability.failed;
    if (failed) return Promise.reject(failed);
    return new Promise<T>((resolve, reject) => {
      const job: Job = { run, committed, op: this.#remote ? op : undefined, resolve: resolve as (v: unknown) => void, reject };
      if (job.op !== undefined && this.#jobs.length === 0 && !this.#localRunning && this.#remoteInFlight < this.#maxBatch) {
        // Nothing local ahead of it: sent now. The remote writer groups what reaches it while it commits, so
        // its batches form while this thread goes on with the next requests, and the two threads overlap.
        this.#track(this.#runRemote([job]), 1);
        return;
      }
      this.#jobs.push(job);
      this.#running ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#jobs.length > 0) {
        await new Promise<void>((r) => setImmediate(r));
        // With a remote writer, a group is a run of jobs of one kind: remote single writes, or local jobs.
        const remote = this.#remote !== undefined && this.#jobs[0].op !== undefined;
        let n = 1;
        const max = Math.min(this.#jobs.length, this.#maxBatch);
        while (n < max && (this.#remote === undefined || (this.#jobs[n].op !== undefined) === remote)) n++;
        if (remote) {
          // Sent at once, not awaited: the remote writer queues what it is sent while it commits, so its
          // next group commit is as large as what waited meanwhile. Bounded, so a fast sender cannot pile up
          // unlimited writes in front of it.
          while (this.#remoteInFlight >= this.#maxBatch) await Promise.race(this.#inFlight);
          this.#track(this.#runRemote(this.#jobs.splice(0, n)), n);
        } else {
          // A local job (a transaction) starts only when every write sent before it is done.
          this.#localRunning = true;
          try {
            while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
            await this.#runBatch(this.#jobs.splice(0, n));
          } finally {
            this.#localRunning = false;
          }
        }
      }
      while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
    } finally {
      this.#running = undefined;
    }
  }

  #track(p: Promise<void>, n: number): void {
    this.#inFlight.add(p);
    this.#remoteInFlight += n;
    void p.then(() => {
      this.#inFlight.delete(p);
      this.#remoteInFlight -= n;
    });
  }

  async #runRemote(batch: Job[]): Promise<void> {
    let result: Awaited<ReturnType<RemoteWriter>>;
    try {
      result = await this.#remote!(batch.map((j) => j.op));
    } catch (e) {
      for (const j of batch) j.reject(e);
      return;
    }
    this.commits += result.commits;
    this.#settled(undefined);
    batch.forEach((j, k) => this.#answer(j, result.outcomes[k]));
  }

  #answer(job: Job, o: Outcome): void {
    if (o.ok) {
      this.#afterCommit(job, o.value);
      job.resolve(o.value);
    } else {
      job.reject(o.error);
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
      if (i > 0 && performance.now() - started > this.#maxGroupMs) {
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
    this.#beforeCommit();
    try {
      c.run('COMMIT');
    } catch (e) {
      if (c.inTransaction) c.run('ROLLBACK');
      this.#settled(undefined);
      batch.forEach((j, k) => j.reject(outcomes[k].ok ? e : (outcomes[k] as { error: unknown }).error));
      return;
    }
    const syncing = this.#durability.wait();
    const lost = syncing === undefined ? undefined : await syncing;
    this.#settled(lost);
    if (lost) {
      // Committed in SQLite but not known to be on disk: nobody is told it was written.
      batch.forEach((j, k) => j.reject(outcomes[k].ok ? lost : (outcomes[k] as { error: unknown }).error));
      return;
    }
    this.commits++;
    batch.forEach((j, k) => this.#answer(j, outcomes[k]));
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
