/**
 * The memory store: the Repository contract (../repository.ts) over Maps, for tests and throw-away servers.
 * It shares the refusal rules (../sql/version-rules.ts), the one serialiser (../serialise.ts) and the index
 * values (../../search/index-values.ts) with the SQL stores, and passes the same contract suite.
 *
 * Writers take one async mutex, so writes are serialised; withTransaction holds it for the whole of fn and
 * rolls back through the undo journal of ./state.ts when fn throws. A nested withTransaction on the tx
 * repository is a savepoint: a journal mark it rolls back to when its own fn throws.
 * Readers outside a transaction never see its pending versions (the SQLite store's snapshot semantics).
 * Spec: https://hl7.org/fhir/R4/http.html (read, vread, create, update, delete, history)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { SearchPlan } from '../../search/plan.ts';
import type {
  BoardRows, CreateOptions, DeleteOptions, HistoryOptions, HistoryPage, HistoryScope, Repository, SearchPage, StoredResource,
  UpdateItem, UpdateOptions, UpdateResult,
} from '../repository.ts';
import { updateEach } from '../repository.ts';
import { newId } from '../serialise.ts';
import { checkCreate, checkDelete, checkId, checkUpdate } from '../sql/version-rules.ts';
import { board } from './board.ts';
import { history, search } from './query.ts';
import { MemoryState, type TxLog } from './state.ts';

const VERSION_ID = /^[1-9][0-9]*$/;

interface Shared {
  state: MemoryState;
  inTx: AsyncLocalStorage<TxLog>;
}

export class MemoryRepository implements Repository {
  readonly kind = 'memory';
  readonly #shared: Shared;
  /** Set on the repository handed to withTransaction's fn */
  readonly #tx: TxLog | undefined;

  constructor(opts: { now?: () => number } = {}, shared?: Shared, tx?: TxLog) {
    this.#shared = shared ?? { state: new MemoryState(opts.now), inTx: new AsyncLocalStorage() };
    this.#tx = tx;
  }

  async read(resourceType: string, id: string): Promise<StoredResource> {
    const v = this.#view().current(this.#view().versions(resourceType, id), this.#live());
    if (!v) throw new FhirError('FHIR_NOT_FOUND', { type: resourceType, id });
    if (v.s.deleted) throw new FhirError('FHIR_GONE', { type: resourceType, id, versionId: v.s.versionId });
    return v.s;
  }

  async vread(resourceType: string, id: string, versionId: string): Promise<StoredResource> {
    const tx = this.#live();
    const list = this.#view().versions(resourceType, id);
    if (!this.#view().current(list, tx)) throw new FhirError('FHIR_NOT_FOUND', { type: resourceType, id });
    const v = VERSION_ID.test(versionId) ? list![Number(versionId) - 1] : undefined;
    if (!v || (v.pending && !tx)) throw new FhirError('FHIR_VERSION_NOT_FOUND', { type: resourceType, id, versionId });
    return v.s;
  }

  create(resource: Resource, opts: CreateOptions = {}): Promise<StoredResource> {
    return this.#write((state, tx) => {
      const type = resource.resourceType;
      if (opts.id === undefined) return state.append(type, newId(), 1, resource, tx);
      const id = checkId(type, opts.id);
      checkCreate(type, id, state.head(type, id, tx));
      return state.append(type, id, 1, resource, tx);
    });
  }

  update(resource: Resource, opts: UpdateOptions = {}): Promise<UpdateResult> {
    return this.#write((state, tx) => {
      const type = resource.resourceType;
      const id = checkId(type, resource.id);
      const head = state.head(type, id, tx);
      checkUpdate(type, id, head, opts);
      const s = state.append(type, id, (head?.version ?? 0) + 1, resource, tx);
      return { ...s, created: !head || head.deleted };
    });
  }

  delete(resourceType: string, id: string, opts: DeleteOptions = {}): Promise<StoredResource | undefined> {
    return this.#write((state, tx) => {
      const head = state.head(resourceType, id, tx);
      if (!checkDelete(resourceType, id, head, opts.ifMatch)) return undefined;
      return state.append(resourceType, id, head!.version + 1, undefined, tx);
    });
  }

  async history(scope: HistoryScope, opts: HistoryOptions): Promise<HistoryPage> {
    return history(this.#view(), this.#live(), scope, opts);
  }

  async search(plan: SearchPlan): Promise<SearchPage> {
    return search(this.#view(), this.#live(), plan);
  }

  async board(siteId: string): Promise<BoardRows> {
    return board(this.#view(), this.#live(), siteId);
  }

  async reindex(resourceTypes?: readonly string[]): Promise<number> {
    this.#notInsideTransaction();
    const release = await this.#shared.state.mutex.lock();
    try {
      return this.#shared.state.reindex(resourceTypes);
    } finally {
      release();
    }
  }

  updateAll(items: readonly UpdateItem[]): Promise<UpdateResult[]> {
    return updateEach(this, items);
  }

  async withTransaction<T>(fn: (tx: Repository) => Promise<T>): Promise<T> {
    const { state, inTx } = this.#shared;
    const open = this.#live();
    if (open) {
      // nested: a savepoint
      const mark = open.journal.length;
      try {
        return await fn(this);
      } catch (e) {
        state.undo(open, mark);
        throw e;
      }
    }
    this.#notInsideTransaction();
    const release = await state.mutex.lock();
    const log: TxLog = { journal: [], ended: false };
    try {
      const result = await inTx.run(log, () => fn(new MemoryRepository({}, this.#shared, log)));
      state.commit(log);
      return result;
    } catch (e) {
      state.undo(log, 0);
      throw e;
    } finally {
      log.ended = true;
      release();
    }
  }

  async close(): Promise<void> {
    if (this.#tx) throw new Error('close the store, not a transaction repository');
  }

  #view(): MemoryState {
    return this.#shared.state;
  }

  /** The open transaction of this tx repository (undefined on the store itself) */
  #live(): TxLog | undefined {
    if (this.#tx?.ended) throw new Error('this transaction has ended: a transaction repository must not outlive its withTransaction');
    return this.#tx;
  }

  /** Runs a synchronous write under the writer mutex (a tx repository already holds it) */
  async #write<T>(op: (state: MemoryState, tx: TxLog | undefined) => T): Promise<T> {
    const tx = this.#live();
    if (tx) return op(this.#shared.state, tx);
    this.#notInsideTransaction();
    const release = await this.#shared.state.mutex.lock();
    try {
      return op(this.#shared.state, undefined);
    } finally {
      release();
    }
  }

  /** A write on the store from inside its own withTransaction would wait for the mutex forever */
  #notInsideTransaction(): void {
    const open = this.#shared.inTx.getStore();
    if (open && !open.ended) {
      throw new Error('write or withTransaction on the store inside its own withTransaction: use the tx repository passed to fn');
    }
  }
}
