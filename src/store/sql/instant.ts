/**
 * meta.lastUpdated as the stores compare it: UTC ISO text with six fractional digits
 * ("2026-11-23T09:00:00.000000Z"), the form MonotonicClock writes (../clock.ts says why microseconds). Text
 * order equals time order only in this one form, so every bound that reaches a comparison with a stored
 * lastUpdated is brought to it first ("2026-11-23T10:00:00+01:00" -> "...09:00:00.000000Z"; a stored
 * millisecond form "...09:00:00.123Z" -> "...09:00:00.123000Z"). Digits below the microsecond are
 * truncated, which is exact for our comparisons because stored values have microsecond precision:
 * lu > x.0000005 iff lu > x.000000, and lu <= x.0000005 iff lu <= x.000000.
 * Spec: https://hl7.org/fhir/R4/datatypes.html#instant
 */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** date, time to the second, optional fraction, zone */
const PARTS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

export function toInstant(value: string): string {
  if (CANONICAL.test(value)) return value;
  if (MILLIS.test(value)) return `${value.slice(0, 23)}000Z`;
  return microsInstant(instantMicros(value));
}

/** The canonical form of a value that is a whole instant (seconds and a zone), digits below the
 * microsecond truncated; undefined for anything less (a date, a time without seconds or zone) */
export function exactInstant(value: string): string | undefined {
  return PARTS.test(value) ? toInstant(value) : undefined;
}

/** Microseconds since the epoch of an instant (digits below the microsecond truncated); throws when the
 * text is not an instant */
export function instantMicros(value: string): number {
  const m = PARTS.exec(value);
  if (m === null) {
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw new Error(`not an instant: '${value}'`);
    return t * 1000;
  }
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) throw new Error(`not an instant: '${value}'`);
  return seconds * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

/** The canonical text of an instant given in microseconds since the epoch */
export function microsInstant(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(us - ms * 1000).padStart(3, '0')}Z`;
}

/** The next instant after this one in canonical form: a stored lastUpdated as the range [it, next) */
export function nextInstant(value: string): string {
  return microsInstant(instantMicros(value) + 1);
}
