/**
 * The FHIRPath engine of the server: fhirpath.js (HL7/LHNCBC) with the R4 model, behind one small facade so
 * the validator, search extraction and FHIRPath Patch share one compiled-expression cache.
 *
 * Spec: FHIRPath N1 (http://hl7.org/fhirpath/N1/) and FHIR R4's use of it
 * (https://hl7.org/fhir/R4/fhirpath.html: %resource, %rootResource, %ucum, %sct, %loinc, %vs-[name],
 * %ext-[name]).
 *
 * Why fhirpath.js and not @medplum/core's engine (which the server already loads): measured on the official
 * R4 FHIRPath tests by `npm run conformance:fhirpath`, which runs both engines side by side and prints the
 * scores. Medplum's engine gets date arithmetic wrong (`@1973-12-25 + 1 day`) and returns an empty
 * `descendants()`, which silently disables ele-1 and dom-3 in any validator built on it.
 *
 * Expressions are compiled once per (expression, base) and kept in a bounded cache: a profile's constraints
 * are parsed once, not on every validation (issue: validation, point 2).
 */
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';

/** A compiled expression: input (a resource, a part of one, or nothing) and extra %variables -> results */
export type FhirPathFn = (input: unknown, env?: Record<string, unknown>) => unknown[];

const CACHE_LIMIT = 5_000;

/** fhirpath.js's date/time values: the literal text in `asStr` (what we need of them here) */
interface TimeValue { asStr: string; ctx: unknown; constructor: new (ctx: unknown, s: string) => TimeValue }
interface Quantity { value: unknown; unit: string }
const isTime = (v: unknown): v is TimeValue => v !== null && typeof v === 'object' && typeof (v as TimeValue).asStr === 'string';
const TZ = /(Z|[+-]\d\d:\d\d)$/;

/**
 * Functions fhirpath.js 5.2.2 lacks (N1 §5.11 and FHIR R4 fhirpath.html):
 *   precision()        digits of a date, dateTime or time value (@2014 -> 4, @T10:30 -> 4)
 *   conformsTo(url)    for the base definitions (http://hl7.org/fhir/StructureDefinition/<type>): whether the
 *                      resource is of that type; any other profile is an error for now (the official
 *                      suite expects an error for a profile that cannot be resolved: testConformsTo3), until
 *                      the profile validator answers it
 */
const FUNCTIONS = {
  precision: {
    fn: (inputs: unknown[]) => inputs.flatMap((v) => (isTime(v) ? [v.asStr.replace(TZ, '').replace(/\D/g, '').length] : [])),
    arity: { 0: [] },
  },
  conformsTo: {
    fn: (inputs: unknown[], url: string) => {
      const base = 'http://hl7.org/fhir/StructureDefinition/';
      if (typeof url !== 'string' || !url.startsWith(base)) throw new Error(`conformsTo: unknown profile ${String(url)}`);
      const want = url.slice(base.length);
      return inputs.map((node) => {
        // the input arrives as the resource's JSON, or wrapped in a ResourceNode (`data`)
        const data = (node as { data?: unknown })?.data ?? node;
        const type = (data as { resourceType?: string } | undefined)?.resourceType;
        return type !== undefined && (type === want || want === 'Resource' || (want === 'DomainResource' && !NOT_DOMAIN.has(type)));
      });
    },
    arity: { 1: ['String'] },
  },
};
const NOT_DOMAIN = new Set(['Bundle', 'Binary', 'Parameters']);

/** Typed results (the caller asks for plain values); trace() writes nothing (a server's stdout is its log) */
const OPTIONS = { resolveInternalTypes: false, traceFn: () => {}, userInvocationTable: FUNCTIONS, async: false } as unknown as { async: false };

/**
 * fhirpath.js adds a duration to a dateTime in the machine's local zone and prints the result with the local
 * offset (`@1973-12-25T00:00:00.000+10:00 + 1 second` came out as `1973-12-24T14:00:01-00:00` on a UTC
 * machine): the same instant, but N1 §6.6.1 keeps the operand's offset and precision. The result is written
 * again in the operand's own offset and shape. Patched once, on the shared prototype (minus calls plus).
 */
function keepOffsets(): void {
  const sample = fhirpath.evaluate(undefined, '@2000-01-01T00:00:00Z', {}, undefined, { resolveInternalTypes: false })[0] as TimeValue;
  const dateTimeProto = Object.getPrototypeOf(sample) as object;
  const timeBase = Object.getPrototypeOf(dateTimeProto) as { plus: (this: TimeValue, q: Quantity) => TimeValue };
  const plus = timeBase.plus;
  timeBase.plus = function (this: TimeValue, q: Quantity): TimeValue {
    const r = plus.call(this, q);
    if (Object.getPrototypeOf(this) !== dateTimeProto || !isTime(r)) return r;
    const text = reshape(this.asStr, r.asStr);
    return text === undefined ? r : new r.constructor(r.ctx, text);
  };
}

/** `result` (an instant with some offset) written in the offset and to the precision of `operand` */
export function reshape(operand: string, result: string): string | undefined {
  const t = operand.indexOf('T');
  if (t < 0) return undefined;
  const zone = TZ.exec(operand)?.[1];
  const time = operand.slice(t + 1, zone ? operand.length - zone.length : undefined);
  const ms = Date.parse(TZ.test(result) ? result : `${result}Z`);
  if (Number.isNaN(ms)) return undefined;
  const offset = zone === undefined ? -new Date(ms).getTimezoneOffset() : zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const wall = new Date(ms + offset * 60_000).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ in the operand's zone
  const parts = time.split(':').length; // HH, HH:mm or HH:mm:ss[.fff]
  const fraction = /\.(\d+)/.exec(time)?.[1].length ?? 0;
  let out = wall.slice(0, 11 + [2, 5, 8][parts - 1]);
  if (fraction > 0) out += `.${wall.slice(20, 23).padEnd(fraction, '0').slice(0, fraction)}`;
  return out + (zone ?? '');
}

keepOffsets();
const cache = new Map<string, FhirPathFn>();

const HL7_VS = 'http://hl7.org/fhir/ValueSet/';
const HL7_EXT = 'http://hl7.org/fhir/StructureDefinition/';

/** The constants FHIR R4 defines for FHIRPath (fhirpath.html#variables), with the caller's variables first */
function environment(extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const fixed: Record<string, unknown> = { sct: 'http://snomed.info/sct', loinc: 'http://loinc.org', ucum: 'http://unitsofmeasure.org', ...extra };
  return new Proxy(fixed, {
    has: (t, k) => typeof k === 'string' && (k in t || k.startsWith('vs-') || k.startsWith('ext-')),
    get: (t, k) => {
      if (typeof k !== 'string') return undefined;
      if (k in t) return t[k];
      if (k.startsWith('vs-')) return HL7_VS + k.slice(3);
      if (k.startsWith('ext-')) return HL7_EXT + k.slice(4);
      return undefined;
    },
  });
}

/** %resource and %rootResource default to the input when it is a whole resource */
function withResource(input: unknown, env: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (input === null || typeof input !== 'object' || !('resourceType' in input)) return env;
  if (env !== undefined && 'resource' in env) return env;
  return { resource: input, rootResource: input, ...env };
}

/**
 * Compiles `expression` (cached). `base` is the FHIR path of the input when it is not a whole resource
 * (for example `Patient.name` when a constraint on HumanName is checked on one name), so the engine knows
 * the types of what it navigates.
 * Throws on a syntax error; evaluation errors are thrown by the returned function.
 */
export function compileFhirPath(expression: string, base?: string): FhirPathFn {
  const key = base === undefined ? expression : `${base}\u0000${expression}`;
  let fn = cache.get(key);
  if (fn === undefined) {
    const compiled = fhirpath.compile(base === undefined ? expression : { base, expression }, r4, OPTIONS);
    fn = (input, env) => compiled(input as never, environment(withResource(input, env)) as never) as unknown[];
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, fn);
  }
  return fn;
}

/** Evaluates once (compiled and cached like any other expression) */
export function evalFhirPath(expression: string, input: unknown, env?: Record<string, unknown>): unknown[] {
  return compileFhirPath(expression)(input, env);
}

/** The FHIRPath type of each result, `System.Boolean`, `FHIR.date`, ... (results of a compiled function) */
export function fhirPathTypes(results: unknown[]): string[] {
  return fhirpath.types(results);
}

/** Results as plain JSON values: dates and times as their FHIR strings, Quantities as `value 'unit'` */
export function plainValues(results: unknown[]): unknown[] {
  return fhirpath.resolveInternalTypes(results) as unknown[];
}
