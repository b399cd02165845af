/**
 * Instants as the stores compare them: UTC ISO text with milliseconds ("2026-11-23T09:00:00.000Z"), the
 * form MonotonicClock writes. Text order equals time order only in this one form, so every bound that
 * reaches a comparison is brought to it first ("2026-11-23T10:00:00+01:00" -> "...09:00:00.000Z").
 * Truncating sub-millisecond digits is exact for our comparisons because stored values have millisecond
 * precision: lu > 0.0005 iff lu > 0.000, and lu <= 0.0005 iff lu <= 0.000.
 * Spec: https://hl7.org/fhir/R4/datatypes.html#instant
 */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function toInstant(value: string): string {
  if (CANONICAL.test(value)) return value;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`not an instant: '${value}'`);
  return new Date(t).toISOString();
}
