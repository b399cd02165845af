/**
 * Turning a stored version into a response: status, ETag/Last-Modified/Location, and the body the client
 * asked for with Prefer return= (https://hl7.org/fhir/R4/http.html#ops). The stored JSON text is served as
 * it is (`raw`), never re-serialised.
 */
import type { StoredResource } from '../store/repository.ts';
import { parsePrefer, versionHeaders } from './http-semantics.ts';
import { informational } from './outcome.ts';
import type { FhirRequest, FhirResponse } from './types.ts';

/** A read's answer: it names no other URL, so it needs no base URL (deriving one was a measurable share) */
export function readResponse(s: StoredResource): FhirResponse {
  return { status: 200, raw: s.raw, headers: versionHeaders(s, '', false), lastUpdated: s.lastUpdated };
}

export function writeResponse(s: StoredResource, status: 200 | 201, req: FhirRequest, text: string): FhirResponse {
  const headers = versionHeaders(s, req.context.baseUrl, true);
  const lastUpdated = s.lastUpdated;
  const prefer = parsePrefer(req.headers.prefer).return ?? 'representation';
  if (prefer === 'minimal') return { status, headers, lastUpdated };
  if (prefer === 'OperationOutcome') {
    return { status, headers, lastUpdated, resource: informational(text, req.context.requestId) };
  }
  return { status, headers, lastUpdated, raw: s.raw };
}
