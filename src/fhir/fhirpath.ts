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
/** Typed results (the caller asks for plain values); trace() writes nothing (a server's stdout is its log) */
const OPTIONS = { resolveInternalTypes: false, traceFn: () => {} } as const;
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
