/**
 * An async mutex: the memory store's writers take it one at a time, as the contract requires ("the
 * transaction is serialisable with respect to every other write of the same store"). Waiters are served
 * in arrival order, so no writer starves.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves with the release function once every earlier holder has released */
  lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return ready;
  }
}
