/**
 * A small cache of hot current versions, so a repeated read costs a Map lookup instead of a SQLite call.
 * Bounded by entries and by the characters of raw JSON it holds. Eviction is "second chance" (CLOCK): a hit
 * only sets a bit, and eviction passes over the oldest entries once, re-queueing those hit since; this
 * keeps LRU behaviour without re-inserting into the Map on every read (the read is the hot path).
 * Correctness rules live with the caller (./repository.ts): fill only from committed data, replace or
 * drop only after COMMIT, never on a rolled-back write.
 */
import type { StoredResource } from '../repository.ts';

interface Entry {
  readonly value: StoredResource;
  hit: boolean;
}

export class Lru {
  readonly #map = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxChars: number;
  #chars = 0;

  constructor(maxEntries = 10_000, maxChars = 64 * 1024 * 1024) {
    this.#maxEntries = maxEntries;
    this.#maxChars = maxChars;
  }

  get(key: string): StoredResource | undefined {
    const e = this.#map.get(key);
    if (e === undefined) return undefined;
    e.hit = true;
    return e.value;
  }

  set(key: string, value: StoredResource): void {
    this.delete(key);
    if (this.#maxEntries === 0 || value.raw.length > this.#maxChars / 16) return;
    this.#map.set(key, { value: Object.freeze(value), hit: false });
    this.#chars += value.raw.length;
    while (this.#map.size > this.#maxEntries || this.#chars > this.#maxChars) this.#evictOne();
  }

  delete(key: string): void {
    const e = this.#map.get(key);
    if (e !== undefined) {
      this.#chars -= e.value.raw.length;
      this.#map.delete(key);
    }
  }

  clear(): void {
    this.#map.clear();
    this.#chars = 0;
  }

  get size(): number {
    return this.#map.size;
  }

  #evictOne(): void {
    for (;;) {
      const [key, e] = this.#map.entries().next().value!;
      this.#map.delete(key);
      if (!e.hit) {
        this.#chars -= e.value.raw.length;
        return;
      }
      e.hit = false;
      this.#map.set(key, e);
    }
  }
}
