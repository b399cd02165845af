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
 * scores (2026-11-23: fhirpath.js 5.2.2 as shipped 885 of the 935 active tests, @medplum/core 5.2.13 701;
 * this facade 917, 98.1%). Medplum's engine gets date arithmetic wrong (`@1973-12-25 + 1 day`) and returns an
 * empty `descendants()`, which silently disables ele-1 and dom-3 in any validator built on it.
 *
 * Where fhirpath.js is wrong, this module corrects it rather than forking it: user functions replace iif()
 * and replaceMatches() and add precision() and conformsTo(); date/time and Quantity values get small
 * patches on their prototypes (offsets in date arithmetic, tz-less comparison, quantity equivalence). Each
 * correction names the official test it makes pass; the failures left are listed by the conformance script.
 * A semantic check against the model (unknown elements, concrete choice names) is ./fhirpath-check.ts.
 *
 * Expressions are compiled once per (expression, base) and kept in a bounded cache: a profile's constraints
 * are parsed once, not on every validation (issue: validation, point 2).
 */
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { canonical, sameDimension } from '../search/ucum.ts';

/** A compiled expression: input (a resource, a part of one, or nothing) and extra %variables -> results */
export type FhirPathFn = (input: unknown, env?: Record<string, unknown>) => unknown[];

const CACHE_LIMIT = 5_000;

/** fhirpath.js's date/time values: the literal text in `asStr` (what we need of them here) */
interface TimeValue { asStr: string; ctx: unknown; constructor: new (ctx: unknown, s: string) => TimeValue }
interface Quantity { value: unknown; unit: string }
const isTime = (v: unknown): v is TimeValue => v !== null && typeof v === 'object' && typeof (v as TimeValue).asStr === 'string';
const TZ = /(Z|[+-]\d\d:\d\d)$/;

/**
 * Functions fhirpath.js 5.2.2 gets wrong or lacks (N1 §5.5, §5.6, §5.11 and FHIR R4 fhirpath.html):
 *   iif(c, a, b)       an error when the input has more than one item or the criterion is not one Boolean
 *                      (fhirpath.js took any non-empty criterion as true: testCollectionBoolean1, testIif6, 10)
 *   replaceMatches     an empty pattern leaves the string as it is
 *   matches            a pattern that is not a valid Unicode-mode regex (the R4 definitions' eld-16, eld-19 use
 *                      Java-dialect escapes) is compiled without the u flag rather than raising an error
 *   precision()        decimal places of a decimal (1.58700 -> 5), digits of a date, dateTime or time value
 *                      (@2014 -> 4, @T10:30 -> 4)
 *   conformsTo(url)    for the base definitions (http://hl7.org/fhir/StructureDefinition/<type>): whether the
 *                      resource is of that type; any other profile is an error for now (the official
 *                      suite expects an error for a profile that cannot be resolved: testConformsTo3), until
 *                      the profile validator answers it
 */
const regexes = new Map<string, RegExp>();

/**
 * matches()'s regex: Unicode mode, as fhirpath.js compiles it, unless the pattern is not valid there: the R4
 * definitions write some in the XML Schema / Java dialect, where escapes such as `\.` or `\@` inside a class are
 * allowed (eld-16, eld-19: "Invalid regular expression ... Invalid escape" in Unicode mode)
 */
function regexOf(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  let re = regexes.get(key);
  if (!re) {
    try {
      re = new RegExp(pattern, `su${flags}`);
    } catch {
      re = new RegExp(pattern, `s${flags}`);
    }
    if (regexes.size > 1_000) regexes.clear();
    regexes.set(key, re);
  }
  return re;
}

const FUNCTIONS = {
  iif: {
    fn: (data: unknown[], criterion: Lazy, yes: Lazy, no?: Lazy) => {
      if (data.length > 1) throw new Error('iif: the input collection has more than one item');
      const c = criterion(data);
      if (c.length > 1) throw new Error('iif: the criterion is not a single value');
      const b = c.length === 1 ? fhirpath.util.valData(c[0]) : undefined;
      if (c.length === 1 && typeof b !== 'boolean') throw new Error('iif: the criterion is not a Boolean');
      return b === true ? yes(data) : no ? no(data) : [];
    },
    arity: { 2: ['Expr', 'Expr'], 3: ['Expr', 'Expr', 'Expr'] },
  },
  replaceMatches: {
    fn: (data: unknown[], regex: unknown, substitution: unknown) => {
      if (data.length === 0 || isNothing(regex) || isNothing(substitution)) return [];
      if (data.length > 1) throw new Error('replaceMatches: the input collection has more than one item');
      const str = fhirpath.util.valData(data[0]) as unknown;
      if (typeof str !== 'string') throw new Error('replaceMatches: the input is not a String');
      // an empty pattern matches nothing to replace (testReplaceMatches2), not every position between letters
      return regex === '' ? str : str.replace(new RegExp(String(regex), 'gu'), String(substitution));
    },
    arity: { 2: ['String', 'String'] },
  },
  matches: {
    fn: (data: unknown[], regex: unknown, flags?: unknown) => {
      if (data.length === 0 || isNothing(regex)) return [];
      if (data.length > 1) throw new Error('matches: the input collection has more than one item');
      const str = fhirpath.util.valData(data[0]) as unknown;
      if (typeof str !== 'string') throw new Error('matches: the input is not a String');
      const f = isNothing(flags) ? '' : String(flags);
      if (!/^[im]*$/.test(f)) throw new Error('matches: flags must only contain i and/or m');
      return regexOf(String(regex), f).test(str);
    },
    arity: { 1: ['String'], 2: ['String', 'String'] },
  },
  precision: {
    fn: (inputs: unknown[]) => inputs.flatMap((v) => {
      const places = (v as { decimalPlaces?: unknown })?.decimalPlaces;
      if (typeof places === 'number') return [places]; // a decimal keeps its literal's digits (1.58700 -> 5)
      return isTime(v) ? [v.asStr.replace(TZ, '').replace(/\D/g, '').length] : [];
    }),
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
/** An 'Expr' argument of a user function: evaluated on demand, per input */
type Lazy = (data: unknown[]) => unknown[];
const isNothing = (v: unknown): boolean => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

/** Typed results (the caller asks for plain values); trace() writes nothing (a server's stdout is its log) */
const OPTIONS = { resolveInternalTypes: false, traceFn: () => {}, userInvocationTable: FUNCTIONS, async: false } as unknown as { async: false };

/**
 * Patches of fhirpath.js 5.2.2's date/time values, once, on the shared prototypes (minus calls plus):
 * fhirpath.js adds a duration to a dateTime in the machine's local zone and prints the result with the local
 * offset (`@1973-12-25T00:00:00.000+10:00 + 1 second` came out as `1973-12-24T14:00:01-00:00` on a UTC
 * machine): the same instant, but N1 §6.6.1 keeps the operand's offset and precision, so the result is written
 * again in the operand's own offset and shape. The process should still run in UTC (the Dockerfile's default):
 * fhirpath.js adds calendar days in local time, which a daylight-saving change would shift by an hour.
 */
function patchTimes(): void {
  const sample = fhirpath.evaluate(undefined, '@2000-01-01T00:00:00Z', {}, undefined, { resolveInternalTypes: false })[0] as TimeValue;
  const dateTimeProto = Object.getPrototypeOf(sample) as object;
  const timeBase = Object.getPrototypeOf(dateTimeProto) as {
    plus: (this: TimeValue, q: Quantity) => TimeValue;
    equals: (this: TimeValue, other: unknown) => boolean | undefined;
  };
  const plus = timeBase.plus;
  timeBase.plus = function (this: TimeValue, q: Quantity): TimeValue {
    const r = plus.call(this, calendarQuantity(q));
    if (Object.getPrototypeOf(this) !== dateTimeProto || !isTime(r)) return r;
    const text = reshape(this.asStr, r.asStr);
    return text === undefined ? r : new r.constructor(r.ctx, text);
  };
  // N1 §6.1.1: a dateTime with a timezone offset and one without cannot be compared: the result is empty
  const equals = timeBase.equals;
  timeBase.equals = function (this: TimeValue, other: unknown): boolean | undefined {
    if (Object.getPrototypeOf(this) === dateTimeProto && isTime(other) && Object.getPrototypeOf(other) === dateTimeProto
      && this.asStr.includes('T') && other.asStr.includes('T') && TZ.test(this.asStr) !== TZ.test(other.asStr)) return undefined;
    return equals.call(this, other);
  };
}

const CALENDAR = new Set(['year', 'years', 'month', 'months', 'week', 'weeks', 'day', 'days', 'hour', 'hours', 'minute', 'minutes', 'second', 'seconds', 'millisecond', 'milliseconds']);
/** Units at second precision or coarser: date arithmetic ignores their decimal part (N1 §6.6.1) */
const TRUNCATED = new Set(['year', 'years', 'month', 'months', 'week', 'weeks', 'day', 'days', 'hour', 'hours', 'minute', 'minutes', 'second', 'seconds',
  "'a'", "'mo'", "'wk'", "'d'", "'h'", "'min'", "'s'"]);

/**
 * A duration as date arithmetic takes it (N1 §6.6.1): a calendar word written as a UCUM string (`1 'month'`,
 * testMinus5) is that calendar unit, and a duration in seconds or coarser loses its decimal part ("for
 * precisions above seconds, the decimal portion of the time-valued quantity is ignored": `+ 0.1 's'` adds
 * nothing, testPlusDate19; `+ 7.7 days` adds 7)
 */
function calendarQuantity(q: Quantity): Quantity {
  const unit = typeof q.unit === 'string' && /^'[a-z]+'$/.test(q.unit) && CALENDAR.has(q.unit.slice(1, -1)) ? q.unit.slice(1, -1) : q.unit;
  const v = q.value as { truncate?: () => unknown } | undefined;
  // truncated here, so fhirpath.js has nothing to warn about on the console (a server's stdout is its log)
  const value = TRUNCATED.has(unit) && typeof v?.truncate === 'function' ? v.truncate() : q.value;
  if (unit === q.unit && value === q.value) return q;
  const copy = Object.create(Object.getPrototypeOf(q) as object) as Quantity;
  return Object.assign(copy, q, { unit, value });
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

/**
 * Quantity equivalence (N1 §6.1.2, "~" on Quantities): values are compared at the precision of the least
 * precise operand, so each side is converted into the other's unit and compared there; the coarser unit
 * decides (`4 'g' ~ 4040 'mg'`: 4040 mg is 4.04 g, which is 4 g at the precision of 4; fhirpath.js only
 * tried the finer unit, 4000 mg against 4040 mg, and said false: testQuantity4).
 */
function patchQuantities(): void {
  const sample = fhirpath.evaluate(undefined, "4 'g'", {}, undefined, { resolveInternalTypes: false })[0] as object;
  const proto = Object.getPrototypeOf(sample) as { equivalentTo: (this: Quantity, other: unknown) => boolean };
  const equivalentTo = proto.equivalentTo;
  proto.equivalentTo = function (this: Quantity, other: unknown): boolean {
    if (equivalentTo.call(this, other)) return true;
    if (other === null || typeof other !== 'object' || Object.getPrototypeOf(other) !== proto) return false;
    const o = other as Quantity;
    return inUnitOf(o, this) || inUnitOf(this, o);
  };
}

/** Whether `a`, converted into the UCUM unit of `b`, is equivalent to `b` at `b`'s precision */
function inUnitOf(a: Quantity, b: Quantity): boolean {
  const from = ucumCode(a.unit);
  const to = ucumCode(b.unit);
  const value = Number(String(a.value));
  if (from === undefined || to === undefined || !sameDimension(from, to)) return false;
  const x = canonical(value, from);
  const unit = canonical(1, to);
  if (!x || !unit) return false;
  const converted = fhirpath.FP_Decimal.getDecimal(x.value / unit.value) as unknown;
  return (b.value as { equivalentTo: (d: unknown) => boolean }).equivalentTo(converted);
}

/** A FHIRPath quantity unit as a UCUM code: `'mg'` -> mg; calendar words have no single UCUM code here */
const ucumCode = (unit: string): string | undefined => (/^'.*'$/.test(unit) ? unit.slice(1, -1) : undefined);

patchTimes();
patchQuantities();
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
