/**
 * The Repository handed to withTransaction's fn (DESIGN.md house rule 8: a FHIR transaction Bundle runs
 * inside one). It works on the writer connection while the write queue holds it (in the transaction's own
 * SAVEPOINT of a group commit), so its reads and searches see the transaction's own writes, and nothing
 * else can write in between: "search identifier, create if none" cannot race (https://hl7.org/fhir/R4/http.html#ccreate).
 *
 * Each write runs in its own SAVEPOINT so it is atomic even if fn catches its error and carries on; writes
 * are chained so concurrent calls from fn (Promise.all) cannot interleave their statements. A nested
 * withTransaction is a SAVEPOINT: its writes roll back alone when its fn throws. Keys written here are
 * collected so the store drops them from its read cache after COMMIT (never before: a rollback must leave
 * the cache as it was). https://sqlite.org/lang_savepoint.html
 */
import { reindexAll } from '../sql/versions.ts';
import type { Resource } from '@medplum/fhirtypes';
import type { SearchPlan } from '../../search/plan.ts';
import type {
  BoardRows, CreateOptions, DeleteOptions, HistoryOptions, HistoryPage, HistoryScope, Repository, SearchPage, StoredResource,
  UpdateItem, UpdateOptions, UpdateResult,
} from '../repository.ts';
import { updateEach } from '../repository.ts';
import { runBoard } from '../sql/board.ts';
import { runHistory } from '../sql/history.ts';
import { runSearch } from '../sql/search.ts';
import { createOne, deleteOne, readOne, updateOne, vreadOne, type WriteEnv } from '../sql/versions.ts';
import type { SqliteConnection } from './connection.ts';

export interface SqliteWriteEnv extends WriteEnv {
  conn: SqliteConnection;
}

export class SqliteTransaction implements Repository {
  readonly kind = 'sqlite';
  /** `type/id` of every resource written, for cache invalidation after COMMIT */
  readonly touched = new Set<string>();
  readonly #env: SqliteWriteEnv;
  #ended = false;
  #chain: Promise<unknown> = Promise.resolve();
  #depth = 0;

  constructor(env: SqliteWriteEnv) {
    this.#env = env;
  }

  end(): void {
    this.#ended = true;
  }

  #live(): void {
    if (this.#ended) throw new Error('this transaction has ended: a transaction repository must not outlive its withTransaction');
  }

  async read(resourceType: string, id: string): Promise<StoredResource> {
    this.#live();
    return readOne(this.#env.conn, resourceType, id);
  }

  async vread(resourceType: string, id: string, versionId: string): Promise<StoredResource> {
    this.#live();
    return vreadOne(this.#env.conn, resourceType, id, versionId);
  }

  async search(plan: SearchPlan): Promise<SearchPage> {
    this.#live();
    return runSearch(this.#env.conn, plan);
  }

  async history(scope: HistoryScope, opts: HistoryOptions): Promise<HistoryPage> {
    this.#live();
    return runHistory(this.#env.conn, scope, opts);
  }

  async board(siteId: string): Promise<BoardRows> {
    this.#live();
    return runBoard(this.#env.conn, siteId);
  }

  create(resource: Resource, opts?: CreateOptions): Promise<StoredResource> {
    return this.#write(resource.resourceType, () => createOne(this.#env, resource, opts));
  }

  update(resource: Resource, opts?: UpdateOptions): Promise<UpdateResult> {
    return this.#write(resource.resourceType, () => updateOne(this.#env, resource, opts));
  }

  updateAll(items: readonly UpdateItem[]): Promise<UpdateResult[]> {
    return updateEach(this, items);
  }

  delete(resourceType: string, id: string, opts?: DeleteOptions): Promise<StoredResource | undefined> {
    return this.#write(resourceType, () => deleteOne(this.#env, resourceType, id, opts));
  }

  /** Inside the transaction: its resources are indexed again in it (and committed with it) */
  async reindex(resourceTypes?: readonly string[]): Promise<number> {
    this.#live();
    return reindexAll(this.#env.conn, resourceTypes);
  }

  async withTransaction<T>(fn: (tx: Repository) => Promise<T>): Promise<T> {
    this.#live();
    const name = `tx_nested_${++this.#depth}`;
    const conn = this.#env.conn;
    conn.run(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      conn.run(`RELEASE ${name}`);
      return result;
    } catch (e) {
      if (conn.inTransaction) {
        conn.run(`ROLLBACK TO ${name}`);
        conn.run(`RELEASE ${name}`);
      }
      throw e;
    } finally {
      this.#depth--;
    }
  }

  async close(): Promise<void> {
    throw new Error('close the store, not a transaction repository');
  }

  #write<T extends StoredResource | undefined>(type: string, op: () => Promise<T>): Promise<T> {
    const conn = this.#env.conn;
    const p = this.#chain.then(async () => {
      this.#live();
      conn.run('SAVEPOINT tx_write');
      try {
        const r = await op();
        conn.run('RELEASE tx_write');
        if (r) this.touched.add(`${type}/${r.id}`);
        return r;
      } catch (e) {
        if (conn.inTransaction) {
          conn.run('ROLLBACK TO tx_write');
          conn.run('RELEASE tx_write');
        }
        throw e;
      }
    });
    this.#chain = p.catch(() => undefined);
    return p;
  }
}
