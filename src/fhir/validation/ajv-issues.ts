/**
 * Turns ajv errors into findings a developer can act on: a FHIRPath expression
 * (https://hl7.org/fhir/R4/fhirpath.html, e.g. `Patient.name[0].given[1]`) and a message naming the FHIR rule
 * (json.html for unknown elements, empty values and JSON types; datatypes.html for primitive formats;
 * terminologies.html#required for code values), instead of "must match pattern ^([0-9]([0-9]...".
 */
import type { ErrorObject } from 'ajv';
import type { Finding } from './structure.ts';

const MAX_SHOWN = 60;

/** JSON pointer (ajv instancePath) -> FHIRPath suffix. `_birthDate/extension/0` -> `.birthDate.extension[0]` */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.includes('~') ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw;
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += `.${seg.length > 1 && seg[0] === '_' ? seg.slice(1) : seg}`;
  }
  return out;
}

function jsonType(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return 'an object';
  return `a ${typeof x}`;
}

function shown(x: unknown): string {
  const s = typeof x === 'string' ? x : JSON.stringify(x);
  return s === undefined ? String(x) : s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

function fhirTypeOf(schema: any): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  if (typeof schema.fhirType === 'string') return schema.fhirType;
  if (typeof schema.$ref === 'string') return schema.$ref.slice(schema.$ref.lastIndexOf('/') + 1);
  if (schema.type === 'array') return fhirTypeOf(schema.items);
  if (Array.isArray(schema.enum)) return 'code';
  return undefined;
}

const typeName = (t: string | undefined): string | undefined =>
  t?.replace(/_nullable$/, '').replace(/^[A-Z]\w*_\w+$/, 'BackboneElement');

const EXPECTED: Record<string, string> = {
  object: 'an object', array: 'an array', string: 'a string', boolean: 'a boolean (true or false)',
  number: 'a number', integer: 'an integer', null: 'null',
};

const HINTS: Record<string, string> = {
  instant: ' (an instant needs date, time and timezone, e.g. 2024-01-31T09:30:00Z)',
  dateTime: ' (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a timezone, e.g. 2024-01-31T09:30:00+01:00)',
  date: ' (YYYY, YYYY-MM or YYYY-MM-DD)',
  time: ' (hh:mm:ss)',
  id: ' (1-64 of A-Z a-z 0-9 - .)',
  uuid: ' (urn:uuid: and a lower-case UUID)',
  oid: ' (urn:oid: and a dotted OID)',
  code: ' (no leading, trailing or double whitespace)',
  base64Binary: ' (base64 encoded)',
};

function typeMessage(err: ErrorObject): string {
  const want = ([] as string[]).concat((err.params as any).type).filter((t) => t !== 'null');
  const fhir = typeName(fhirTypeOf(err.parentSchema));
  const found = jsonType(err.data);
  const value = typeof err.data !== 'object' || err.data === null ? ` (${shown(err.data)})` : '';
  if (want[0] === 'array') return `Expected an array${fhir ? ` of ${fhir}` : ''}, found ${found}${value}`;
  if (Array.isArray(err.data)) return `Expected a single ${fhir ?? 'value'}, found an array`;
  const expected = want.map((t) => EXPECTED[t] ?? t).join(' or ');
  const named = fhir && fhir !== want[0] ? ` (FHIR ${fhir})` : '';
  return `Expected ${expected}${named}, found ${found}${value}`;
}

/** One ajv error -> one finding (or none, for errors another finding already explains) */
function toFinding(err: ErrorObject, prefix: string): Finding | undefined {
  const at = prefix + pointerToPath(err.instancePath);
  const params = err.params as Record<string, any>;
  const fhir = typeName(fhirTypeOf(err.parentSchema));
  const structure = (detail: string, expression = at): Finding =>
    ({ code: 'FHIR_STRUCTURE', severity: 'error', details: { detail, expression } });
  switch (err.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      return structure(`Unknown element '${name}'`, `${at}.${name}`);
    }
    case 'required':
      return structure(`Missing required element '${params.missingProperty}'`, `${at}.${params.missingProperty}`);
    case 'type':
      return structure(typeMessage(err));
    case 'pattern':
    case 'minLength': {
      if (err.data === '') return structure('Empty strings are not allowed (json.html: a value must have content)');
      if (err.instancePath === '/id' && fhir === 'id') {
        return { code: 'FHIR_ID_INVALID', severity: 'error', details: { id: shown(err.data), expression: at } };
      }
      return structure(`Invalid ${fhir ?? 'value'} '${shown(err.data)}'${HINTS[fhir ?? ''] ?? ''}`);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).filter((v) => v !== null).join(' | ');
      return structure(`Invalid code '${shown(err.data)}': expected one of ${allowed}`);
    }
    case 'const':
      return structure(`Expected '${shown(params.allowedValue)}', found '${shown(err.data)}'`);
    case 'minItems':
      return structure('Empty arrays are not allowed (json.html)');
    case 'minProperties':
      return structure('Empty objects are not allowed (json.html, ele-1: an element must have a value or children)');
    case 'minimum':
    case 'maximum':
      return structure(`${fhir ?? 'Number'} ${shown(err.data)} is out of range (${params.comparison} ${params.limit})`);
    default:
      return structure(`${err.message ?? err.keyword}`);
  }
}

export function findingsFromAjv(errors: readonly ErrorObject[], prefix: string): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    const f = toFinding(err, prefix);
    if (!f) continue;
    const key = `${f.code}|${f.details.expression}|${f.details.detail ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}
