/**
 * Header semantics of the FHIR RESTful API that are protocol-neutral (the HTTP plugin only copies headers):
 * - ETag W/"versionId", Last-Modified as an HTTP date, If-Match: https://hl7.org/fhir/R4/http.html#versioning
 * - Prefer return=minimal|representation|OperationOutcome: https://hl7.org/fhir/R4/http.html#ops
 * - Prefer handling=strict|lenient for search: https://hl7.org/fhir/R4/search.html#errors
 */
import { FhirError } from '../errors/fhir-error.ts';
import type { StoredResource } from '../store/repository.ts';

export function etagOf(versionId: string): string {
  return `W/"${versionId}"`;
}

/** Accepts W/"3", "3" and 3; returns the version id. */
export function parseETag(value: string, header: string): string {
  const m = /^\s*(?:W\/)?"?([A-Za-z0-9\-.]{1,64})"?\s*$/.exec(value);
  if (!m) throw new FhirError('FHIR_HEADER_INVALID', { header, detail: `'${value}' is not an ETag such as W/"1"` });
  return m[1];
}

export function httpDate(instant: string): string {
  return new Date(instant).toUTCString();
}

/** Per stored version (the store's cache hands out the same object for hot reads): formatting the HTTP date
 * was a visible share of a cached read. The returned object is shared: never mutate it. */
const headerCache = new WeakMap<StoredResource, Readonly<Record<string, string>>>();

export function versionHeaders(s: StoredResource, baseUrl: string, withLocation: boolean): Readonly<Record<string, string>> {
  let h = headerCache.get(s);
  if (h === undefined) {
    h = { etag: etagOf(s.versionId), 'last-modified': httpDate(s.lastUpdated) };
    headerCache.set(s, h);
  }
  return withLocation ? { ...h, location: `${baseUrl}/${s.resourceType}/${s.id}/_history/${s.versionId}` } : h;
}

export interface Prefer {
  return?: 'minimal' | 'representation' | 'OperationOutcome';
  handling?: 'strict' | 'lenient';
}

export function parsePrefer(header: string | undefined): Prefer {
  const out: Prefer = {};
  if (!header) return out;
  for (const part of header.split(/[;,]/)) {
    const [k, v] = part.split('=').map((x) => x.trim().replace(/^"|"$/g, ''));
    if (k === 'return' && (v === 'minimal' || v === 'representation' || v === 'OperationOutcome')) out.return = v;
    else if (k === 'handling' && (v === 'strict' || v === 'lenient')) out.handling = v;
  }
  return out;
}
