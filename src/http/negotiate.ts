/**
 * Content negotiation for the FHIR JSON format: Accept and _format in, Content-Type out.
 * https://hl7.org/fhir/R4/http.html#mime-type , https://hl7.org/fhir/R4/http.html#parameters (_format, _pretty)
 * XML arrives with the validation issue; until then asking for it is a 406, not a JSON answer in disguise.
 */
import { FhirError } from '../errors/fhir-error.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const PLAIN_JSON = 'application/json; charset=utf-8';
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);
const XML_FORMATS = new Set(['xml', 'text/xml', 'application/xml', 'application/fhir+xml', 'application/xml+fhir']);

/** Returns the response Content-Type, or throws 406/400. */
export function negotiate(accept: string | undefined, format: string | null): string {
  if (format !== null) {
    const f = format.split(';')[0].trim().toLowerCase();
    if (JSON_FORMATS.has(f)) return f === 'application/json' ? PLAIN_JSON : FHIR_JSON;
    if (XML_FORMATS.has(f)) throw new FhirError('FHIR_NOT_ACCEPTABLE', { detail: format });
    throw new FhirError('FHIR_FORMAT_UNSUPPORTED', { detail: format });
  }
  if (!accept) return FHIR_JSON;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  if (types.some((t) => t === 'application/fhir+json' || t === 'application/json+fhir')) return FHIR_JSON;
  if (types.includes('application/json')) return PLAIN_JSON;
  if (types.some((t) => t === '*/*' || t === 'application/*' || t === '')) return FHIR_JSON;
  throw new FhirError('FHIR_NOT_ACCEPTABLE', { detail: accept });
}
