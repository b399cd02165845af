/**
 * Layer 1: the JSON structure of an R4 resource (https://hl7.org/fhir/R4/json.html), checked by ajv 8 against
 * the patched R4 JSON schema (schema.ts), one compiled function per resource type, compiled on first use.
 *
 * Why custom keywords rather than a second walk over the resource: the schema already knows where every
 * Reference, date and nested resource is, so ajv's own traversal finds them at no extra cost and exactly
 * (a walk keyed on property names would mistake Expression.reference, a uri, for a Reference):
 * - fhirResource: contained[], Bundle.entry.resource, Parameters.parameter.resource... are dispatched on
 *   their resourceType to that type's compiled function (recursively), so a Patient compiles only Patient.
 * - fhirReference: collects every Reference.reference with its location (checked in references.ts).
 * - fhirCalendar: the schema regexes accept 2023-02-31 (datatypes.html#date says the date must be valid).
 * - fhirNullPair: the null placeholders of json.html#primitive must have a partner in the `_x` array.
 * - fhirBase64: base64Binary, by a linear scan (the R4 regex overflows V8's regex stack on a few MB).
 * The keywords report through the run context below; without one (bench: "ajv only") they do nothing.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ErrorCode, ErrorDetails } from '../../errors/catalogue.ts';
import type { ErrorIssue } from '../../errors/fhir-error.ts';
import { findingsFromAjv, pointerToPath } from './ajv-issues.ts';
import { R4_RESOURCE_TYPES } from '../r4-resource-types.ts';
import { loadPatchedSchema, SCHEMA_ID } from './schema.ts';

export const RESOURCE_TYPES: ReadonlySet<string> = new Set(R4_RESOURCE_TYPES);

export interface Finding {
  code: ErrorCode;
  details: ErrorDetails;
  severity: ErrorIssue['severity'];
}

export interface CollectedReference {
  reference: string;
  /** FHIRPath of the Reference element, e.g. Observation.subject */
  expression: string;
  /** The resource whose contained[] a local `#id` reference resolves against */
  container: Record<string, unknown>;
}

export interface RunContext {
  findings: Finding[];
  references: CollectedReference[];
  /** FHIRPath of the resource being validated, e.g. Patient or Bundle.entry[2].resource */
  prefix: string;
  container: Record<string, unknown>;
  /** contained[] resources are not validated (the Java validator's validateContains IGNORE) */
  skipContained?: boolean;
}

interface DataCxt { instancePath: string; parentData: any }

let current: RunContext | undefined;
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** One-off costs, for the bench and the report */
export const structureStats = { schemaLoadMs: 0, compileMs: new Map<string, number>() };

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function report(code: ErrorCode, details: ErrorDetails, severity: Finding['severity'] = 'error'): void {
  current?.findings.push({ code, details, severity });
}

function here(cxt: DataCxt): string {
  return (current?.prefix ?? '') + pointerToPath(cxt.instancePath);
}

function nestedResource(mode: 'contained' | 'resource', data: unknown, _ps: unknown, cxt: DataCxt): boolean {
  const run = current;
  if (!run) return true;
  if (mode === 'contained' && run.skipContained) return true;
  const expression = here(cxt);
  if (!isObject(data)) {
    report('FHIR_STRUCTURE', { detail: 'Expected a resource (a JSON object with a resourceType)', expression });
    return true;
  }
  const type = data.resourceType;
  if (typeof type !== 'string' || !RESOURCE_TYPES.has(type)) {
    const detail = typeof type === 'string' ? `'${type}' is not an R4 resource type` : 'The resource has no resourceType';
    report('FHIR_STRUCTURE', { detail, expression: typeof type === 'string' ? `${expression}.resourceType` : expression });
    return true;
  }
  const saved = { prefix: run.prefix, container: run.container };
  run.prefix = expression;
  if (mode === 'resource') run.container = data;
  try {
    validateAgainst(type, data, run);
  } finally {
    run.prefix = saved.prefix;
    run.container = saved.container;
  }
  return true;
}

function collectReference(_s: unknown, data: unknown, _ps: unknown, cxt: DataCxt): boolean {
  if (current && typeof data === 'string') {
    const path = here(cxt);
    current.references.push({ reference: data, expression: path.replace(/\.reference$/, ''), container: current.container });
  }
  return true;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})/;

export function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS[month - 1];
}

function checkCalendar(_s: unknown, data: unknown, parentSchema: any, cxt: DataCxt): boolean {
  if (!current || typeof data !== 'string') return true;
  const m = DATE_PREFIX.exec(data);
  if (!m) return true;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return true; // the pattern reports these
  const max = daysInMonth(year, month);
  if (day > max) {
    const type = parentSchema?.fhirType ?? 'date';
    report('FHIR_STRUCTURE', {
      detail: `Invalid ${type} '${data}': ${m[1]}-${m[2]} has ${max} days`,
      expression: here(cxt),
    });
  }
  return true;
}

function checkNullPair(sibling: string, data: unknown, _ps: unknown, cxt: DataCxt): boolean {
  if (!current || !Array.isArray(data)) return true;
  const other = cxt.parentData?.[sibling];
  const isExtensionSide = sibling[0] !== '_';
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== null) continue;
    const partner = Array.isArray(other) ? other[i] : undefined;
    // both null: reported once, from the value side
    if (partner !== undefined && partner !== null) continue;
    if (isExtensionSide && partner === null) continue;
    report('FHIR_STRUCTURE', {
      detail: 'null in an array of primitives is only allowed where the `_` array has an extension at the same index',
      expression: `${here(cxt)}[${i}]`,
    });
  }
  return true;
}

const BASE64_CHARS = /^[A-Za-z0-9+/= \t\r\n]*$/;
const XS_SPACES = /[ \t\r\n]/g;

/** datatypes.html#base64Binary: groups of four base64 characters, whitespace allowed between them */
function checkBase64(_s: unknown, data: unknown, _ps: unknown, cxt: DataCxt): boolean {
  if (!current || typeof data !== 'string') return true;
  if (!BASE64_CHARS.test(data) || data.replace(XS_SPACES, '').length % 4 !== 0) {
    const shown = data.length > 40 ? `${data.slice(0, 40)}…` : data;
    report('FHIR_STRUCTURE', { detail: `Invalid base64Binary '${shown}' (base64 encoded)`, expression: here(cxt) });
  }
  return true;
}

function getAjv(): Ajv {
  if (ajv) return ajv;
  const started = performance.now();
  const instance = new Ajv({ allErrors: true, verbose: true, strict: false, validateSchema: false, messages: true });
  instance.addKeyword({ keyword: 'fhirType' });
  instance.addKeyword({ keyword: 'fhirResource', validate: nestedResource as any, errors: false });
  instance.addKeyword({ keyword: 'fhirReference', validate: collectReference as any, errors: false });
  instance.addKeyword({ keyword: 'fhirCalendar', validate: checkCalendar as any, errors: false });
  instance.addKeyword({ keyword: 'fhirNullPair', validate: checkNullPair as any, errors: false });
  instance.addKeyword({ keyword: 'fhirBase64', validate: checkBase64 as any, errors: false });
  instance.addSchema(loadPatchedSchema());
  structureStats.schemaLoadMs = performance.now() - started;
  ajv = instance;
  return instance;
}

/** The compiled ajv function of one R4 resource type (compiled on first use, then cached) */
export function structureValidator(type: string): ValidateFunction {
  let fn = compiled.get(type);
  if (!fn) {
    if (!RESOURCE_TYPES.has(type)) throw new Error(`${type} is not an R4 resource type`);
    const a = getAjv();
    const started = performance.now();
    fn = a.getSchema(`${SCHEMA_ID}#/definitions/${type}`);
    if (!fn) throw new Error(`No schema definition for ${type}`);
    structureStats.compileMs.set(type, performance.now() - started);
    compiled.set(type, fn);
  }
  return fn;
}

function validateAgainst(type: string, data: Record<string, unknown>, run: RunContext): void {
  const fn = structureValidator(type);
  if (!fn(data)) {
    const errors = fn.errors as ErrorObject[];
    run.findings.push(...findingsFromAjv(errors, run.prefix));
  }
}

/**
 * Validates `resource` (whose resourceType is already known to be an R4 type) and everything nested in it.
 * Re-entrant: nested resources run inside the same context with their own prefix.
 */
export function checkStructure(resource: Record<string, unknown>, type: string, opts: { skipContained?: boolean } = {}): RunContext {
  const run: RunContext = { findings: [], references: [], prefix: type, container: resource, ...(opts.skipContained ? { skipContained: true } : {}) };
  const outer = current;
  current = run;
  try {
    validateAgainst(type, resource, run);
  } finally {
    current = outer;
  }
  return run;
}
