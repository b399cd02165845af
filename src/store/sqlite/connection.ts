/**
 * better-sqlite3 behind the connection seam of house rule 3 (`{ dialect, query(sql, values) }`).
 *
 * How a synchronous driver fits the seam: `query` answers synchronously. Shared code in src/store/sql
 * `await`s whatever `query` returns, which is correct for a value and for a Promise, so the same code runs
 * on PostgreSQL later; SQLite-only hot paths (the read in ./repository.ts) call `prepare(...).get` directly
 * and never pay for a Promise. Being synchronous also means a COMMIT's fsync blocks the event loop for its
 * duration: that is why writes are group-committed (./write-queue.ts), one fsync per batch.
 *
 * Prepared statements are cached per SQL text (bounded, oldest evicted): statement texts come from the
 * builder, so a search with a different number of values is a different text.
 * https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md , https://sqlite.org/wal.html
 */
import Database from 'better-sqlite3';
import type { SqlValue } from '../sql/builder.ts';
import { sqliteDialect, type Connection, type QueryResult, type Row } from '../sql/dialect.ts';

type Stmt = Database.Statement<unknown[], Row>;

const CACHE_LIMIT = 500;
const CACHE_KIB = 64 * 1024;

export interface ConnectionOptions {
  readonly: boolean;
  /** 'OFF' only for the throw-away ':memory:' store */
  synchronous: 'FULL' | 'NORMAL' | 'OFF';
}

export class SqliteConnection implements Connection {
  readonly dialect = sqliteDialect;
  readonly db: Database.Database;
  readonly #cache = new Map<string, Stmt>();

  constructor(file: string, opts: ConnectionOptions) {
    this.db = new Database(file, { readonly: opts.readonly });
    // A writer holding the lock (another process, or a checkpoint) makes us wait, not fail at once.
    this.db.pragma('busy_timeout = 5000');
    // Page cache: SQLite's default is 2 MiB, far below the search indexes of a real store (a 100,000-patient
    // set is several hundred MiB). 64 MiB per connection. (On the core bench's small files it changed
    // nothing measurable: the write cost there is the index rows themselves; see the search issue's note.)
    this.db.pragma(`cache_size = -${CACHE_KIB}`);
    if (!opts.readonly) {
      // WAL: readers see the last committed snapshot while a writer works, and a commit appends to the
      // log instead of rewriting pages (https://sqlite.org/wal.html).
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${opts.synchronous}`);
      // Savepoint sub-journals and sort spills in RAM, not in temp files.
      this.db.pragma('temp_store = MEMORY');
    }
  }

  prepare(sql: string): Stmt {
    let st = this.#cache.get(sql);
    if (st === undefined) {
      st = this.db.prepare<unknown[], Row>(sql);
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(sql, st);
    }
    return st;
  }

  query(sql: string, values: readonly SqlValue[]): QueryResult {
    const st = this.prepare(sql);
    if (st.reader) return { rows: st.all(...values), changes: 0 };
    return { rows: [], changes: st.run(...values).changes };
  }

  /** Statements without values: BEGIN, COMMIT, SAVEPOINT... */
  run(sql: string): void {
    this.prepare(sql).run();
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  pragma(name: string): unknown {
    return this.db.pragma(name, { simple: true });
  }

  close(): void {
    this.#cache.clear();
    this.db.close();
  }
}
