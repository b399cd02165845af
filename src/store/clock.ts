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
