/**
 * Turning Bundle entries into router requests and router responses back into entry responses; shared by
 * batch and transaction. https://hl7.org/fhir/R4/http.html#transaction , https://hl7.org/fhir/R4/bundle.html
 */
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { FhirError, type ErrorIssue } from '../../errors/fhir-error.ts';
import { outcomeOf } from '../outcome.ts';
import type { FhirRequest, FhirResponse, HttpMethod } from '../types.ts';
import type { RawEntry } from './json.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export interface EntryRequest {
  index: number;
  method: HttpMethod;
  path: string[];
  query: URLSearchParams;
  url: string;
  fullUrl?: string;
  resource?: Resource;
  headers: Record<string, string | undefined>;
}

export function parseEntries(bundle: unknown, expected?: 'batch' | 'transaction'): { type: 'batch' | 'transaction'; entries: EntryRequest[] } {
  if (!bundle || typeof bundle !== 'object' || (bundle as Resource).resourceType !== 'Bundle') {
    throw new FhirError('FHIR_BUNDLE_INVALID', { detail: 'POST to the base URL takes a Bundle of type batch or transaction' });
  }
  const b = bundle as { type?: string; entry?: unknown };
  if (b.type !== 'batch' && b.type !== 'transaction') {
    throw new FhirError('FHIR_BUNDLE_INVALID', { detail: `Bundle.type '${String(b.type)}' cannot be processed; use batch or transaction`, expression: 'Bundle.type' });
  }
  if (expected && b.type !== expected) throw new FhirError('FHIR_BUNDLE_INVALID', { detail: `expected a ${expected}`, expression: 'Bundle.type' });
  if (b.entry !== undefined && !Array.isArray(b.entry)) throw new FhirError('FHIR_BUNDLE_INVALID', { detail: 'Bundle.entry must be an array', expression: 'Bundle.entry' });
  const entries = ((b.entry ?? []) as BundleEntry[]).map((e, index) => parseEntry(e, index));
  return { type: b.type, entries };
}

function parseEntry(e: BundleEntry, index: number): EntryRequest {
  const at = `Bundle.entry[${index}]`;
  if (!e || typeof e !== 'object') throw new FhirError('FHIR_BUNDLE_INVALID', { detail: `${at} is not an object`, expression: at });
  const r = e.request;
  if (!r || typeof r !== 'object' || typeof r.method !== 'string' || typeof r.url !== 'string' || !METHODS.has(r.method)) {
    throw new FhirError('FHIR_BUNDLE_INVALID', { detail: `${at}.request needs a method (GET, POST, PUT, PATCH, DELETE) and a url`, expression: `${at}.request` });
  }
  const [pathPart, queryPart = ''] = r.url.replace(/^\//, '').split('?', 2);
  if (/^[a-z][a-z0-9+.-]*:/i.test(pathPart)) {
    throw new FhirError('FHIR_BUNDLE_INVALID', { detail: `${at}.request.url must be relative to the base, not '${r.url}'`, expression: `${at}.request.url` });
  }
  return {
    index,
    method: r.method as HttpMethod,
    path: pathPart === '' ? [] : pathPart.split('/').map(decodeURIComponent),
    query: new URLSearchParams(queryPart),
    url: r.url,
    fullUrl: e.fullUrl,
    resource: e.resource,
    headers: {
      'if-match': r.ifMatch,
      'if-none-match': r.ifNoneMatch,
      'if-none-exist': r.ifNoneExist,
      'if-modified-since': r.ifModifiedSince,
    },
  };
}

/** A router request for an entry; a Binary body of a PATCH entry carries a JSON Patch document. */
export function toRequest(outer: FhirRequest, e: EntryRequest, override?: Partial<FhirRequest>): FhirRequest {
  let body: unknown = e.resource;
  let contentType = 'application/fhir+json';
  if (e.method === 'PATCH' && e.resource?.resourceType === 'Binary') {
    const bin = e.resource as { data?: string; contentType?: string };
    try {
      body = JSON.parse(Buffer.from(bin.data ?? '', 'base64').toString('utf8'));
    } catch {
      throw new FhirError('FHIR_PATCH_INVALID', { detail: `Bundle.entry[${e.index}]: the Binary does not hold a JSON Patch document` });
    }
    contentType = 'application/json-patch+json';
  }
  const headers: Record<string, string | undefined> = { prefer: outer.headers.prefer };
  for (const [k, v] of Object.entries(e.headers)) if (v !== undefined) headers[k] = v;
  return { method: e.method, path: e.path, query: e.query, headers, body, contentType, context: outer.context, ...override };
}

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed', 422: 'Unprocessable Entity', 500: 'Internal Server Error' };

export function statusLine(status: number): string {
  return `${status} ${REASONS[status] ?? ''}`.trim();
}

export function responseEntry(res: FhirResponse, fullUrl?: string): RawEntry {
  const h = res.headers ?? {};
  const response: Record<string, unknown> = { status: statusLine(res.status) };
  if (h.location) response.location = h.location;
  if (h.etag) response.etag = h.etag;
  if (res.lastUpdated) response.lastModified = res.lastUpdated;
  const entry: RawEntry = { response };
  if (fullUrl) entry.fullUrl = fullUrl;
  if (res.raw) entry.raw = res.raw;
  else if (res.resource) entry.resource = res.resource;
  return entry;
}

export function errorEntry(e: FhirError, requestId: string): RawEntry {
  return { response: { status: statusLine(e.status), outcome: outcomeOf(e.issues, requestId) } };
}

/** The same error, its issues pointed at the entry that caused it. */
export function atEntry(e: FhirError, index: number): FhirError {
  const issues: ErrorIssue[] = e.issues.map((i) => ({
    ...i,
    message: `Bundle.entry[${index}]: ${i.message}`,
    expression: [`Bundle.entry[${index}]`, ...(i.expression ?? [])],
  }));
  return FhirError.fromIssues(issues);
}

/** Runs fn for entry `e`: a FhirError it throws is pointed at the entry */
export async function guard<T>(e: EntryRequest, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof FhirError ? atEntry(err, e.index) : err;
  }
}

/** A reference by search (`Type?params`): https://hl7.org/fhir/R4/http.html#trules */
export const CONDITIONAL_REFERENCE = /^[A-Z][A-Za-z]+\?/;

/** Every object under `node` with a string `reference` (Reference.reference wherever it occurs) */
export function referenceSites(node: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) {
    for (const item of node) referenceSites(item, out);
  } else if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const k in obj) {
      const v = obj[k];
      if (k === 'reference' && typeof v === 'string') out.push(obj);
      else if (typeof v === 'object') referenceSites(v, out);
    }
  }
  return out;
}
