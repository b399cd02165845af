/**
 * Layer 2: the literal reference grammar (https://hl7.org/fhir/R4/references.html#literal).
 *
 * Accepted forms, and why:
 * - `Type/id` and `Type/id/_history/vid`: relative to this server; Type must be an R4 resource type and id/vid
 *   match the id rule (datatypes.html#id). The router checks that the target exists.
 * - an absolute http(s) URL, on any server (references.html#literal: "absolute URL").
 * - `#id`: a contained resource of the container (references.html#contained, ref-1); `#` alone is the
 *   container itself.
 * - `urn:uuid:` / `urn:oid:`: only meaningful inside Bundles (bundle.html#references); the transaction
 *   processor rewrites them before anything is stored, so the structure check lets them through.
 * - `Type?params`: a conditional reference (http.html#trules), only when the caller says the transaction
 *   processor will resolve it first (`allowConditionalReferences`).
 */
import { ID_PATTERN } from '../../store/serialise.ts';
import type { CollectedReference, Finding } from './structure.ts';
import { RESOURCE_TYPES } from './structure.ts';

const UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;
const TYPE = /^[A-Z][A-Za-z]+$/;

/** Why `reference` is not an acceptable literal reference, or undefined when it is */
export function referenceProblem(
  reference: string,
  container: Record<string, unknown>,
  allowConditional: boolean,
): string | undefined {
  if (/[\s]/.test(reference)) return 'a reference cannot contain whitespace';
  if (reference.startsWith('#')) return localProblem(reference.slice(1), container);
  if (reference.startsWith('urn:')) {
    if (UUID.test(reference) || OID.test(reference)) return undefined;
    return 'a urn reference must be urn:uuid:<uuid> or urn:oid:<oid>';
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(reference)) return absoluteProblem(reference);
  const q = reference.indexOf('?');
  if (q >= 0) {
    const type = reference.slice(0, q);
    if (!RESOURCE_TYPES.has(type)) return typeProblem(type);
    if (!allowConditional) return 'conditional references (Type?search) are only allowed in a transaction';
    return q === reference.length - 1 ? 'a conditional reference needs search parameters after ?' : undefined;
  }
  return relativeProblem(reference);
}

function typeProblem(type: string): string {
  return TYPE.test(type) ? `'${type}' is not an R4 resource type` : 'expected Type/id, an absolute URL, #id or urn:uuid';
}

function relativeProblem(reference: string): string | undefined {
  const parts = reference.split('/');
  if (parts.length !== 2 && parts.length !== 4) return 'expected Type/id or Type/id/_history/vid';
  const [type, id, history, vid] = parts;
  if (!RESOURCE_TYPES.has(type)) return typeProblem(type);
  if (!ID_PATTERN.test(id)) return `'${id}' is not a valid id (1-64 of A-Z a-z 0-9 - .)`;
  if (parts.length === 4) {
    if (history !== '_history') return 'expected Type/id or Type/id/_history/vid';
    if (!ID_PATTERN.test(vid)) return `'${vid}' is not a valid version id`;
  }
  return undefined;
}

function absoluteProblem(reference: string): string | undefined {
  if (!/^https?:\/\//i.test(reference)) return 'an absolute reference must be an http or https URL';
  if (/\s/.test(reference) || !URL.canParse(reference)) return 'not a valid URL';
  return undefined;
}

function localProblem(id: string, container: Record<string, unknown>): string | undefined {
  if (id === '') return undefined;
  const contained = container.contained;
  if (Array.isArray(contained)) {
    for (const r of contained) if (r && typeof r === 'object' && (r as { id?: unknown }).id === id) return undefined;
  }
  return `no contained resource has id '${id}'`;
}

/** Findings for every malformed reference (the issue points at the Reference's `reference` element) */
export function checkReferences(refs: readonly CollectedReference[], allowConditional: boolean): Finding[] {
  const out: Finding[] = [];
  for (const r of refs) {
    const detail = referenceProblem(r.reference, r.container, allowConditional);
    if (detail) {
      out.push({
        code: 'FHIR_REFERENCE_INVALID',
        severity: 'error',
        details: { reference: r.reference, detail, expression: `${r.expression}.reference` },
      });
    }
  }
  return out;
}
