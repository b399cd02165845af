/**
 * What crosses the HTTP -> FHIR seam (DESIGN.md §5). Nothing here knows Fastify.
 * Spec: https://hl7.org/fhir/R4/http.html
 */
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';

export interface Principal {
  id: string;
  kind: 'anonymous' | 'user' | 'system';
}

export interface RequestContext {
  requestId: string;
  principal?: Principal;
  scopes: string[];
  /** Service base URL without a trailing slash, e.g. http://localhost:8080/fhir */
  baseUrl: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface FhirRequest {
  method: HttpMethod;
  /** Path segments below the base, e.g. ['Patient', '123', '_history', '2'] */
  path: string[];
  /** Query parameters; repeated keys kept in order */
  query: URLSearchParams;
  /** Lower-cased header names */
  headers: Record<string, string | undefined>;
  /** Parsed JSON body (resource, Parameters, JSON Patch array) */
  body?: unknown;
  /** Content type of the body without parameters, e.g. application/json-patch+json */
  contentType?: string;
  context: RequestContext;
  /** Set only by the server itself (transaction processing), never from a client header */
  internal?: InternalState;
}

export interface InternalState {
  /** "Type/id" of resources the enclosing transaction writes; they count as existing reference targets */
  pendingTargets?: ReadonlySet<string>;
  inTransaction?: boolean;
}

export interface FhirResponse {
  status: number;
  /** A resource to serialise (OperationOutcome, Bundle, CapabilityStatement...) */
  resource?: Resource;
  /** Already-serialised JSON of a stored resource: served byte for byte */
  raw?: string;
  /** Lower-cased header names: etag, last-modified, location, content-location */
  headers?: Readonly<Record<string, string>>;
  outcome?: OperationOutcome;
  /** meta.lastUpdated of the version answered, with sub-second digits (the HTTP Last-Modified has whole seconds) */
  lastUpdated?: string;
}
