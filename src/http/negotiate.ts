/**
 * Content negotiation for the FHIR JSON and XML formats: Accept and _format in, Content-Type out.
 * https://hl7.org/fhir/R4/http.html#mime-type , https://hl7.org/fhir/R4/http.html#parameters (_format, _pretty)
 * Accept is read in the client's order (the first FHIR type it lists wins); without one, JSON.
 */
import { FhirError } from '../errors/fhir-error.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const PLAIN_JSON = 'application/json; charset=utf-8';
export const FHIR_XML = 'application/fhir+xml; charset=utf-8';
const PLAIN_XML = 'application/xml; charset=utf-8';
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);
const XML_FORMATS = new Set(['xml', 'text/xml', 'application/xml', 'application/fhir+xml', 'application/xml+fhir']);

/** Returns the response Content-Type, or throws 406/400. */
export function negotiate(accept: string | undefined, format: string | null): string {
  if (format !== null) {
    const f = format.split(';')[0].trim().toLowerCase();
    if (JSON_FORMATS.has(f)) return f === 'application/json' ? PLAIN_JSON : FHIR_JSON;
    if (XML_FORMATS.has(f)) return f === 'application/xml' || f === 'text/xml' ? PLAIN_XML : FHIR_XML;
    throw new FhirError('FHIR_FORMAT_UNSUPPORTED', { detail: format });
  }
  if (!accept) return FHIR_JSON;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  for (const t of types) {
    if (t === 'application/fhir+json' || t === 'application/json+fhir') return FHIR_JSON;
    if (t === 'application/fhir+xml' || t === 'application/xml+fhir') return FHIR_XML;
  }
  if (types.includes('application/json')) return PLAIN_JSON;
  if (types.includes('application/xml') || types.includes('text/xml')) return PLAIN_XML;
  if (types.some((t) => t === '*/*' || t === 'application/*' || t === '')) return FHIR_JSON;
  throw new FhirError('FHIR_NOT_ACCEPTABLE', { detail: accept });
}

export const isXml = (contentType: string): boolean => contentType.includes('xml');

/** The response type for an error: what the request asked for when that is readable, else FHIR JSON */
export function negotiateQuietly(accept: string | undefined, url: string): string {
  try {
    const q = url.indexOf('?');
    return negotiate(accept, q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('_format'));
  } catch {
    return FHIR_JSON;
  }
}
