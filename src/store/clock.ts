/**
 * Server-assigned meta.lastUpdated: a UTC instant with microsecond digits ("2026-12-02T15:00:34.149000Z"),
 * strictly increasing per clock so that history _since/_at bounds and the order of versions never tie.
 * Spec: https://hl7.org/fhir/R4/datatypes.html#instant (any number of fractional digits is allowed).
 *
 * Why microseconds: with millisecond digits, "strictly increasing" meant one write per millisecond at most;
 * past 1,000 writes/s (a group commit does several thousand) each write took the next free millisecond and
 * lastUpdated ran ahead of the wall clock, by seconds during a bulk load. The digits below the millisecond
 * are a sequence within that millisecond, not a finer reading of the clock: the instant is the wall clock's
 * millisecond, and ties are broken without moving it. Every instant this clock hands out has exactly six
 * digits, so text order is time order (../store/sql/instant.ts brings every bound to the same form).
 */
import { instantMicros, microsInstant } from './sql/instant.ts';

export class MonotonicClock {
  /** microseconds since the epoch of the last instant handed out (0: none yet) */
  private last = 0;
  private readonly now: () => number;

  /** `now`: the wall clock in milliseconds */
  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** The last instant handed out, if any (another writer of the same store continues after it) */
  get lastIssued(): string | undefined {
    return this.last === 0 ? undefined : microsInstant(this.last);
  }

  /** Continues after an instant another writer of the same store handed out (or one read from the store) */
  observe(issued: string | undefined): void {
    const t = issued === undefined ? 0 : instantMicros(issued);
    if (t > this.last) this.last = t;
  }

  /** Next instant, after the previous one (and after `floor`, if given): the wall clock's millisecond
   * while it is ahead, else the next microsecond */
  next(floor?: string): string {
    if (floor !== undefined) this.observe(floor);
    let t = this.now() * 1000;
    if (t <= this.last) t = this.last + 1;
    this.last = t;
    return microsInstant(t);
  }
}
