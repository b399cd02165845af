/**
 * The default store: one SQLite file in WAL mode (DESIGN.md §4, `npm start` needs no server).
 *
 * Two connections, because WAL gives each reader the last committed snapshot: the READER serves read,
 * vread, search and history outside transactions, so a read never sees another caller's uncommitted
 * transaction and never waits for a writer; the WRITER is owned by the write queue (./write-queue.ts:
 * group commit for single writes and for withTransaction, each in its own SAVEPOINT).
 * https://sqlite.org/wal.html , https://sqlite.org/isolation.html
 *
 * Durability (https://sqlite.org/pragma.html#pragma_synchronous): FULL (default) syncs the WAL after every
 * COMMIT before its callers are answered, so an answered write survives a power cut. The sync is ours, run
 * off the event loop (./wal-sync.ts: the writer connection itself is at NORMAL), and reads of the database
 * wait while it runs (./read-gate.ts), so no read ever shows a write that a power cut could still undo. NORMAL syncs only at checkpoints, so an answered write survives a crash of this process but the last
 * commits can be lost (never corrupted) when the machine loses power. ':memory:' is a throw-away WAL file
 * on tmpfs with synchronous=OFF, deleted at close: two connections cannot share a true in-memory database
 * without shared-cache mode, whose table locks would make readers fail instead of reading a snapshot.
 *
 * Reads are the hot path: one cached prepared statement on a primary key, behind an LRU of current
 * versions that only ever holds committed data (filled from the reader, replaced or dropped after COMMIT).
 * One process per file: the LRU is not told about another process's writes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, mkdtempSync, rmSync, existsSync, type fdatasync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { SearchPlan } from '../../search/plan.ts';
import { MonotonicClock } from '../clock.ts';
import type {
  BoardRows, CreateOptions, DeleteOptions, HistoryOptions, HistoryPage, HistoryScope, Repository, SearchPage, StoredResource,
  UpdateItem, UpdateOptions, UpdateResult,
} from '../repository.ts';
import { bind, call, col, exec, render, slot, type Query } from '../sql/builder.ts';
import { sqliteDialect } from '../sql/dialect.ts';
import { runBoard } from '../sql/board.ts';
import { runHistory } from '../sql/history.ts';
import { migrate, needsReindex } from '../sql/migrations/index.ts';
import { runSearch } from '../sql/search.ts';
import { readCurrent, toStored } from '../sql/statements.ts';
import { createOne, deleteOne, reindexAll, updateMany, updateOne, vreadOne, type WriteOp } from '../sql/versions.ts';
import { SqliteConnection } from './connection.ts';
import { Lru } from './lru.ts';
import { SqliteTransaction, type SqliteWriteEnv } from './transaction.ts';
import { Checkpointer } from './checkpointer.ts';
import { CommitCache, CountCache } from '../sql/count-cache.ts';
import { WriteQueue } from './write-queue.ts';
import { WalSync } from './wal-sync.ts';
import { ReadGate, gated } from './read-gate.ts';
import { WriterThread } from './writer-thread.ts';
import { extractRows } from '../../search/extract.ts';
import type { Connection } from '../sql/dialect.ts';

export interface SqliteStoreOptions {
  /** A path, or ':memory:' for a throw-away store */
  file: string;
  synchronous?: 'FULL' | 'NORMAL';
  /** Read cache size in entries (0 turns it off) */
  cacheEntries?: number;
  /** Wall clock for lastUpdated (tests) */
  now?: () => number;
  /** WAL checkpoints in a worker thread (default); false leaves them to SQLite's automatic checkpoint */
  checkpointer?: boolean;
  /** Search totals and probes, and room boards, kept until the next COMMIT (../sql/count-cache.ts); default true */
  countCache?: boolean;
  /** With FULL: sync the WAL ourselves off the event loop (default true); false lets SQLite sync inside
   * COMMIT, on the event loop (the bench compares the two) */
  syncOffLoop?: boolean;
  /** Single writes carried out by a writer thread (./writer-thread.ts); default: for a file store whose
   * clock is the wall clock. Transactions run on this thread either way. */
  writerThread?: boolean;
  /** Tests: the fdatasync the store's own WAL sync uses (node:fs fdatasync) */
  fdatasync?: typeof fdatasync;
  /** How often the planner statistics are refreshed (refreshStatistics), in ms; default one hour, 0 never */
  statisticsEveryMs?: number;
}

interface Parts {
  writer: SqliteConnection;
  reader: SqliteConnection;
  clock: MonotonicClock;
  cacheEntries: number;
  tempDir: string | undefined;
  checkpointer: Checkpointer | undefined;
  countCache: boolean;
  walSync: WalSync | undefined;
  thread: WriterThread | undefined;
  statisticsEveryMs: number;
}

const READ: Query = render(readCurrent(slot(0), slot(1)), sqliteDialect);

interface TxMark {
  active: boolean;
}

export class SqliteRepository implements Repository {
  readonly kind = 'sqlite';
  readonly #writer: SqliteConnection;
  readonly #reader: SqliteConnection;
  readonly #queue: WriteQueue;
  readonly #lru: Lru;
  readonly #env: SqliteWriteEnv;
  readonly #readStmt: ReturnType<SqliteConnection['prepare']>;
  readonly #inTx = new AsyncLocalStorage<TxMark>();
  /** Totals and planner probes of searches, valid until the next COMMIT (../sql/count-cache.ts) */
  readonly #counts: CountCache | undefined;
  /** Room boards by site, valid until the next COMMIT (the same switch as the counts) */
  readonly #boards: CommitCache<BoardRows> | undefined;
  readonly #tempDir: string | undefined;
  readonly #checkpointer: Checkpointer | undefined;
  readonly #walSync: WalSync | undefined;
  /** Holds reads of the database back while a COMMIT is not yet durable */
  readonly #gate = new ReadGate();
  /** The reader behind the gate, for the shared SQL code (search, history, vread) */
  readonly #gatedReader: Connection;
  readonly #thread: WriterThread | undefined;
  readonly #statisticsTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor({ writer, reader, clock, cacheEntries, tempDir, checkpointer, countCache, walSync, thread, statisticsEveryMs }: Parts) {
    this.#writer = writer;
    this.#reader = reader;
    this.#counts = countCache ? new CountCache() : undefined;
    this.#boards = countCache ? new CommitCache<BoardRows>(64) : undefined;
    this.#walSync = walSync;
    this.#thread = thread;
    this.#gatedReader = gated(reader, this.#gate);
    this.#queue = new WriteQueue(writer, {
      remote: thread?.run,
      durability: walSync,
      beforeCommit: walSync ? () => this.#gate.shut() : undefined,
      afterCommit: (lost) => {
        this.#counts?.invalidate();
        this.#boards?.invalidate();
        if (lost) this.#gate.fail(lost);
        else this.#gate.open();
      },
    });
    this.#lru = new Lru(cacheEntries);
    this.#env = { conn: writer, clock };
    this.#readStmt = reader.prepare(READ.sql);
    this.#tempDir = tempDir;
    this.#checkpointer = checkpointer;
    if (statisticsEveryMs > 0) {
      this.#statisticsTimer = setInterval(() => {
        this.refreshStatistics().catch((e: unknown) => process.emitWarning(`planner statistics not refreshed: ${(e as Error).message}`, 'HelsebroStoreWarning'));
      }, statisticsEveryMs);
      this.#statisticsTimer.unref();
    }
  }

  static async open(opts: SqliteStoreOptions): Promise<SqliteRepository> {
    const ephemeral = opts.file === ':memory:' || opts.file === '';
    let tempDir: string | undefined;
    let file = opts.file;
    if (ephemeral) {
      tempDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'helsebro-'));
      file = join(tempDir, 'store.db');
    } else {
      mkdirSync(dirname(file), { recursive: true });
    }
    const synchronous = ephemeral ? 'OFF' : (opts.synchronous ?? 'FULL');
    const syncOffLoop = synchronous === 'FULL' && opts.syncOffLoop !== false;
    const writer = new SqliteConnection(file, { readonly: false, synchronous: syncOffLoop ? 'NORMAL' : synchronous });
    let walSync: WalSync | undefined;
    let thread: WriterThread | undefined;
    try {
      const reindex = needsReindex(await migrate(writer));
      if (reindex) {
        writer.run(writer.dialect.beginWrite());
        try {
          await reindexAll(writer, reindex === 'all' ? undefined : reindex);
          writer.run('COMMIT');
        } catch (e) {
          writer.run('ROLLBACK');
          throw e;
        }
      }
      // Planner statistics for the search queries (https://sqlite.org/lang_analyze.html#pragopt: the
      // recommended call for a long-lived connection at open; cheap when nothing changed)
      writer.run('PRAGMA optimize=0x10002');
      // lastUpdated must stay strictly increasing across restarts, even if the wall clock went back.
      const clock = new MonotonicClock(opts.now);
      const max = (await exec(writer, { kind: 'select', from: 'resource', columns: [{ expr: call('MAX', [col(undefined, 'last_updated')]), as: 'm' }] })).rows[0]?.m;
      if (typeof max === 'string') clock.observe(max);
      // The -wal file exists from here on (the migrations wrote through it) until the last connection closes.
      if (syncOffLoop) walSync = new WalSync(file, opts.fdatasync);
      if (!ephemeral && (opts.writerThread ?? opts.now === undefined)) {
        thread = await WriterThread.start({
          file,
          synchronous: synchronous as 'FULL' | 'NORMAL',
          lastIssued: () => clock.lastIssued,
          observe: (t) => clock.observe(t),
          onFault: (message) => process.emitWarning(message, 'HelsebroStoreWarning'),
        });
      }
      const reader = new SqliteConnection(file, { readonly: true, synchronous: 'OFF' });
      // A throw-away store lives in RAM (/dev/shm): SQLite's own checkpoints cost nothing worth a thread.
      const checkpointer = ephemeral || opts.checkpointer === false ? undefined : new Checkpointer(writer, file, synchronous);
      return new SqliteRepository({
        writer, reader, clock, cacheEntries: opts.cacheEntries ?? 10_000, tempDir, checkpointer,
        countCache: opts.countCache !== false, walSync, thread, statisticsEveryMs: opts.statisticsEveryMs ?? 3_600_000,
      });
    } catch (e) {
      await thread?.close();
      walSync?.close();
      writer.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      throw e;
    }
  }

  async read(resourceType: string, id: string): Promise<StoredResource> {
    const key = `${resourceType}/${id}`;
    let s = this.#lru.get(key);
    if (s === undefined) {
      for (let wait = this.#gate.wait; wait !== undefined; wait = this.#gate.wait) await wait;
      const row = this.#readStmt.get(...bind(READ, [resourceType, id]));
      if (row === undefined) throw new FhirError('FHIR_NOT_FOUND', { type: resourceType, id });
      s = toStored(row);
      this.#lru.set(key, s);
    }
    if (s.deleted) throw new FhirError('FHIR_GONE', { type: resourceType, id, versionId: s.versionId });
    return s;
  }

  cached(resourceType: string, id: string): StoredResource | undefined {
    return this.#lru.get(`${resourceType}/${id}`);
  }

  vread(resourceType: string, id: string, versionId: string): Promise<StoredResource> {
    return vreadOne(this.#gatedReader, resourceType, id, versionId);
  }

  async create(resource: Resource, opts?: CreateOptions): Promise<StoredResource> {
    this.#notInsideTransaction();
    const rows = this.#thread ? extractRows(resource) : undefined;
    return this.#queue.single(() => createOne(this.#env, resource, opts, rows), (s) => this.#cache(s), { op: 'create', resource, rows, opts } satisfies WriteOp);
  }

  async update(resource: Resource, opts?: UpdateOptions): Promise<UpdateResult> {
    this.#notInsideTransaction();
    const rows = this.#thread ? extractRows(resource) : undefined;
    return this.#queue.single(() => updateOne(this.#env, resource, opts, rows), (s) => this.#cache(s), { op: 'update', resource, rows, opts } satisfies WriteOp);
  }

  /** One write job: with the writer thread the whole group runs there, in one SAVEPOINT of a group commit */
  async updateAll(items: readonly UpdateItem[]): Promise<UpdateResult[]> {
    this.#notInsideTransaction();
    const op = { op: 'updates', items: items.map(({ resource, opts }) => ({ resource, opts, rows: this.#thread ? extractRows(resource) : undefined })) } satisfies WriteOp;
    return this.#queue.single(() => updateMany(this.#env, op.items), (rs) => { for (const s of rs) this.#cache(s); }, op);
  }

  async delete(resourceType: string, id: string, opts?: DeleteOptions): Promise<StoredResource | undefined> {
    this.#notInsideTransaction();
    return this.#queue.single(() => deleteOne(this.#env, resourceType, id, opts), (s) => s && this.#cache(s), { op: 'delete', type: resourceType, id, opts } satisfies WriteOp);
  }

  history(scope: HistoryScope, opts: HistoryOptions): Promise<HistoryPage> {
    return runHistory(this.#gatedReader, scope, opts);
  }

  search(plan: SearchPlan): Promise<SearchPage> {
    return runSearch(this.#gatedReader, plan, true, this.#counts);
  }

  /** A board polled by many screens is read once per COMMIT: the same rows (the same object) until a write
   * commits, never rows older than the last COMMIT (kept only when none happened while they were read) */
  async board(siteId: string): Promise<BoardRows> {
    const hit = this.#boards?.get(siteId);
    if (hit) return hit;
    const generation = this.#boards?.generation ?? 0;
    const rows = await runBoard(this.#gatedReader, siteId);
    this.#boards?.set(siteId, generation, rows);
    return rows;
  }

  async reindex(resourceTypes?: readonly string[]): Promise<number> {
    return this.withTransaction(() => reindexAll(this.#env.conn, resourceTypes));
  }

  async withTransaction<T>(fn: (tx: Repository) => Promise<T>): Promise<T> {
    this.#notInsideTransaction();
    let tx: SqliteTransaction | undefined;
    return this.#queue.exclusive(
      async () => {
        tx = new SqliteTransaction(this.#env);
        const mark: TxMark = { active: true };
        try {
          return await this.#inTx.run(mark, () => fn(tx!));
        } finally {
          mark.active = false;
          tx.end();
        }
      },
      () => {
        for (const key of tx!.touched) this.#lru.delete(key);
      },
    );
  }

  /**
   * Refreshes the planner statistics of a long-running store, as https://sqlite.org/lang_analyze.html#pragopt
   * recommends ("PRAGMA optimize ... periodically, perhaps once per day or once per hour"): 0x10002 checks
   * every table, not only those this connection queried (the searches run on the reader), and since SQLite
   * 3.46 it limits its own ANALYZE so it stays quick on a large file. A connection loads sqlite_stat1 only
   * when it reads the schema, so the long-lived reader would keep planning with the statistics of the hour
   * it opened (measured: a fresh connection picks the new index, the open reader does not). When the
   * statistics changed, a table is created and dropped in the same transaction: a schema change, after which
   * every connection re-reads the schema with the new statistics and re-prepares its statements.
   * Runs as one writer job, so no write interleaves. Resolves whether the statistics changed.
   */
  async refreshStatistics(): Promise<boolean> {
    this.#notInsideTransaction();
    return this.#queue.exclusive(async () => {
      const db = this.#writer.db;
      const snapshot = (): string => {
        const held = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get() !== undefined;
        return held ? JSON.stringify(db.prepare('SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx').all()) : '';
      };
      const before = snapshot();
      db.exec('PRAGMA optimize=0x10002');
      if (snapshot() === before) return false;
      db.exec('CREATE TABLE helsebro_statistics_epoch (x); DROP TABLE helsebro_statistics_epoch');
      return true;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#statisticsTimer);
    await this.#queue.idle();
    await this.#thread?.close();
    await this.#checkpointer?.stop();
    this.#lru.clear();
    this.#walSync?.close();
    this.#reader.close();
    this.#writer.run('PRAGMA optimize');
    this.#writer.close();
    if (this.#tempDir) rmSync(this.#tempDir, { recursive: true, force: true });
  }

  /** For tests and the bench: what the store is actually running with */
  diagnostics(): { commits: number; synchronous: number; syncOffLoop: boolean; walSyncs: number; journalMode: unknown; cached: number; writerThread: boolean } {
    return {
      commits: this.#queue.commits,
      // What an answered write survives: 2 (FULL) when the WAL is synced before answering, by SQLite or by us
      synchronous: this.#walSync ? 2 : Number(this.#writer.pragma('synchronous')),
      syncOffLoop: this.#walSync !== undefined,
      walSyncs: this.#walSync?.syncs ?? 0,
      journalMode: this.#writer.pragma('journal_mode'),
      cached: this.#lru.size,
      writerThread: this.#thread !== undefined,
    };
  }

  /** Tests: stops the writer thread as a crash would (it is started again) */
  async crashWriterThread(): Promise<void> {
    await this.#thread?.terminate();
  }

  /** After COMMIT only: the committed version is the current one (a tombstone is cached too: read says 410) */
  #cache(s: StoredResource): void {
    const { resourceType, id, versionId, lastUpdated, deleted, raw } = s; // a copy: the LRU freezes what it holds
    this.#lru.set(`${resourceType}/${id}`, { resourceType, id, versionId, lastUpdated, deleted, raw });
  }

  /** A write on this repository from inside its own withTransaction would wait for itself forever */
  #notInsideTransaction(): void {
    if (this.#inTx.getStore()?.active) {
      throw new Error('write or withTransaction on the store inside its own withTransaction: use the tx repository passed to fn');
    }
  }
}
