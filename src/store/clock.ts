/**
 * Server-assigned meta.lastUpdated: an instant with millisecond precision in UTC, strictly increasing per
 * clock so that history _since/_at bounds and version order never tie.
 * Spec: https://hl7.org/fhir/R4/datatypes.html#instant
 */
export class MonotonicClock {
  private last = 0;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** The last instant handed out, if any (another writer of the same store continues after it) */
  get lastIssued(): string | undefined {
    return this.last === 0 ? undefined : new Date(this.last).toISOString();
  }

  /** Continues after an instant another writer of the same store handed out */
  observe(issued: string | undefined): void {
    const t = issued === undefined ? 0 : Date.parse(issued);
    if (t > this.last) this.last = t;
  }

  /** Next instant as an ISO string, at least 1 ms after the previous one (and after `floor`, if given) */
  next(floor?: string): string {
    let t = this.now();
    const f = floor ? Date.parse(floor) : 0;
    if (t <= this.last) t = this.last + 1;
    if (t <= f) t = f + 1;
    this.last = t;
    return new Date(t).toISOString();
  }
}
