/**
 * Bundles assembled as text around the stored JSON of each entry, so a history or search page never parses
 * and re-serialises the resources it returns. https://hl7.org/fhir/R4/bundle.html
 */
import type { BundleLink } from '@medplum/fhirtypes';

export interface RawEntry {
  fullUrl?: string;
  /** Stored JSON text of the resource, or an object to serialise (OperationOutcome, etc.) */
  raw?: string;
  resource?: object;
  /** search, request, response: small objects serialised normally */
  search?: object;
  request?: object;
  response?: object;
}

export interface BundleHead {
  type: string;
  id?: string;
  timestamp?: string;
  total?: number;
  link?: BundleLink[];
}

export function bundleJson(head: BundleHead, entries: RawEntry[], outcome?: object): string {
  const parts: string[] = [];
  for (const e of entries) {
    let s = '{';
    let sep = '';
    if (e.fullUrl !== undefined) { s += `"fullUrl":${JSON.stringify(e.fullUrl)}`; sep = ','; }
    if (e.raw) { s += `${sep}"resource":${e.raw}`; sep = ','; }
    else if (e.resource) { s += `${sep}"resource":${JSON.stringify(e.resource)}`; sep = ','; }
    if (e.search) { s += `${sep}"search":${JSON.stringify(e.search)}`; sep = ','; }
    if (e.request) { s += `${sep}"request":${JSON.stringify(e.request)}`; sep = ','; }
    if (e.response) { s += `${sep}"response":${JSON.stringify(e.response)}`; }
    parts.push(s + '}');
  }
  if (outcome) parts.push(`{"resource":${JSON.stringify(outcome)},"search":{"mode":"outcome"}}`);
  const headJson = JSON.stringify({ resourceType: 'Bundle', ...head });
  return parts.length === 0 ? headJson : `${headJson.slice(0, -1)},"entry":[${parts.join(',')}]}`;
}
