/**
 * The refusal rules of create, update and delete against a resource's head (its newest version), as pure
 * functions. They live beside the SQL stores but use no SQL: the memory store calls them too, so every
 * store refuses a write for the same reason, with the same code, in the same order.
 *
 * Spec: https://hl7.org/fhir/R4/http.html#update , #delete , #concurrency (If-Match carries a versionId),
 * ids: https://hl7.org/fhir/R4/datatypes.html#id
 */
import { FhirError } from '../../errors/fhir-error.ts';
import type { UpdateOptions } from '../repository.ts';
import { ID_PATTERN } from '../serialise.ts';

export interface Head {
  version: number;
  deleted: boolean;
}

export function checkId(type: string, id: string | undefined): string {
  if (id === undefined) throw new FhirError('FHIR_ID_MISSING', { type });
  if (!ID_PATTERN.test(id)) throw new FhirError('FHIR_ID_INVALID', { id, type });
  return id;
}

/**
 * Creating over an id that is taken (even by a tombstone) would fork or silently resurrect a resource. The
 * router never does it (a client-chosen id goes through update); should it happen, it is reported as
 * FHIR_PRECONDITION_FAILED (412, issue type conflict): the status HTTP gives a PUT with `If-None-Match: *`
 * over an existing resource, i.e. the implied precondition "no resource has this id" failed. No other
 * catalogue code fits: FHIR_ID_INVALID would blame a valid id.
 */
export function checkCreate(type: string, id: string, head: Head | undefined): void {
  if (head) throw new FhirError('FHIR_PRECONDITION_FAILED', { type, id, expected: '(no resource)', versionId: String(head.version) });
}

/**
 * upsert=false needs a live resource: never existed -> FHIR_NOT_FOUND, deleted -> FHIR_GONE (what read says).
 * If-Match must equal the head's versionId; with no head at all nothing can match (RFC 9110 §13.1.1).
 * A tombstone head is a version like any other: If-Match "2" after delete v2 succeeds and writes v3.
 */
export function checkUpdate(type: string, id: string, head: Head | undefined, opts: UpdateOptions): void {
  const live = head !== undefined && !head.deleted;
  if (!live && opts.upsert === false) {
    throw head ? new FhirError('FHIR_GONE', { type, id, versionId: String(head.version) }) : new FhirError('FHIR_NOT_FOUND', { type, id });
  }
  if (opts.ifMatch !== undefined && (head === undefined || String(head.version) !== opts.ifMatch)) {
    throw new FhirError('FHIR_PRECONDITION_FAILED', { type, id, expected: opts.ifMatch, versionId: head ? String(head.version) : '(none)' });
  }
}

/**
 * Returns false when there is nothing to delete (never existed, or already deleted): the store writes
 * nothing and answers undefined, before If-Match is looked at, because delete is idempotent
 * (https://hl7.org/fhir/R4/http.html#delete: deleting a deleted or unknown resource succeeds).
 */
export function checkDelete(type: string, id: string, head: Head | undefined, ifMatch: string | undefined): boolean {
  if (!head || head.deleted) return false;
  if (ifMatch !== undefined && String(head.version) !== ifMatch) {
    throw new FhirError('FHIR_PRECONDITION_FAILED', { type, id, expected: ifMatch, versionId: String(head.version) });
  }
  return true;
}
