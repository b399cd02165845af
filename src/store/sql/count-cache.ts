/**
 * Counts a search computes besides its page (the capped Bundle.total and the planner's probes), kept until
 * the next COMMIT of the store. A repeated search (a list a client polls, a paging client asking page after
 * page) then pays only for its page. HAPI FHIR reuses cached search results for a minute by default; this
 * cache is never stale: the store calls invalidate() synchronously after every COMMIT, and a count is
 * stored only when no COMMIT happened while its search ran, so what it holds always describes the current
 * committed state. Bounded; cleared rather than evicted entry by entry (a write empties it anyway).
 * The same rule keeps the room board's rows (Repository.board, ./board.ts) for a board that many screens poll.
 */
export class CommitCache<V> {
  readonly #map = new Map<string, V>();
  readonly #max: number;
  #generation = 0;

  constructor(max = 5_000) {
    this.#max = max;
  }

  /** Changes with every COMMIT: a search notes it before it starts and passes it to set() */
  get generation(): number {
    return this.#generation;
  }

  invalidate(): void {
    this.#generation++;
    if (this.#map.size > 0) this.#map.clear();
  }

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  /** Keeps n for key when nothing was committed since `generation` was read */
  set(key: string, generation: number, n: V): void {
    if (generation !== this.#generation) return;
    if (this.#map.size >= this.#max) this.#map.clear();
    this.#map.set(key, n);
  }
}

/** Search totals and planner probes */
export class CountCache extends CommitCache<number> {}
