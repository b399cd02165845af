/**
 * Element rules the JSON schema does not carry, on every object of the resource (./object-walk.ts):
 *   - ele-1 (https://hl7.org/fhir/R4/element.html#invs): every element has a value or children. A primitive's
 *     `_x` object with neither a value beside it nor extensions (only an id, as `<implicitRules id="i1"/>` in
 *     XML gives) has neither.
 *   - datatypes.html#string: a string SHALL NOT exceed 1 MB (base64Binary and the XHTML div are not strings).
 *   - datatypes.html#Attachment: size is the number of bytes of the data (before base64 encoding); when both
 *     are given they agree.
 */
import type { Finding } from './structure.ts';
import { forEachObject, type ObjectPath, type ObjectVisitor } from './object-walk.ts';

type Json = Record<string, unknown>;

const MAX_STRING_BYTES = 1024 * 1024;
/** base64Binary and xhtml elements, by name: Attachment.data and .hash, Binary.data, Signature.data, Narrative.div */
const NOT_STRINGS = new Set(['data', 'div', 'hash']);

const error = (code: 'FHIR_STRUCTURE' | 'FHIR_INVARIANT', detail: string, expression: string): Finding =>
  ({ code, severity: 'error', details: { detail, expression } });

/** The rules as a visitor of ./object-walk.ts (which walks into `_x` objects at the primitive's path) */
export function elementRulesVisitor(out: Finding[]): ObjectVisitor {
  return (o, path) => {
    if (typeof o.data === 'string' && typeof o.size === 'number') attachmentSize(o, path, out);
    for (const k in o) {
      const v = o[k];
      if (k.charCodeAt(0) === 95 /* _ */) {
        primitiveExtensions(o, k, v, path, out);
      } else if (typeof v === 'string') {
        if (v.length * 3 > MAX_STRING_BYTES && !NOT_STRINGS.has(k) && Buffer.byteLength(v, 'utf8') > MAX_STRING_BYTES) tooLong(`${path}.${k}`, out);
      } else if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          if (typeof x === 'string' && x.length * 3 > MAX_STRING_BYTES && Buffer.byteLength(x, 'utf8') > MAX_STRING_BYTES) tooLong(`${path}.${k}[${i}]`, out);
        }
      }
    }
  };
}

export function checkElementRules(resource: Json, at: string): Finding[] {
  const out: Finding[] = [];
  forEachObject(resource, at, [elementRulesVisitor(out)]);
  return out;
}

const tooLong = (expression: string, out: Finding[]): void => {
  out.push(error('FHIR_STRUCTURE', `value is longer than permitted maximum length of 1 MB (${MAX_STRING_BYTES} bytes)`, expression));
};

/** ele-1 on `_x` (or each item of it): it carries extensions, or sits beside a value */
function primitiveExtensions(o: Json, key: string, v: unknown, path: ObjectPath, out: Finding[]): void {
  const name = key.slice(1);
  const value = o[name];
  const items = Array.isArray(v) ? v : [v];
  items.forEach((x, i) => {
    if (x === null || typeof x !== 'object') return;
    const hasValue = Array.isArray(v) ? Array.isArray(value) && value[i] !== null && value[i] !== undefined : value !== undefined && value !== null;
    const ext = (x as Json).extension;
    if (!hasValue && !(Array.isArray(ext) && ext.length > 0)) {
      out.push(error('FHIR_INVARIANT', 'ele-1: All FHIR elements must have a @value or children', Array.isArray(v) ? `${path}.${name}[${i}]` : `${path}.${name}`));
    }
  });
}

/** Attachment.size against the decoded length of Attachment.data (whitespace in base64 is not data) */
function attachmentSize(o: Json, path: ObjectPath, out: Finding[]): void {
  const data = (o.data as string).replace(/[\s]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) return; // the structure check reports bad base64
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  const actual = (data.length / 4) * 3 - padding;
  if (actual !== o.size) out.push(error('FHIR_STRUCTURE', `Stated Attachment Size ${String(o.size)} does not match actual attachment size ${actual}`, String(path)));
}
