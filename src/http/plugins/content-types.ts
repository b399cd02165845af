/**
 * Request body parsers: FHIR JSON (application/fhir+json, application/json), FHIR XML (application/fhir+xml,
 * application/xml, text/xml: converted to the JSON object by ../../fhir/xml/from-xml.ts), JSON Patch
 * (application/json-patch+json) and form posts for POST [type]/_search. Anything else is a 415 from
 * Fastify, turned into an OperationOutcome by the error handler. Malformed JSON is a coded 400.
 * https://hl7.org/fhir/R4/http.html#mime-type
 */
import type { FastifyInstance } from 'fastify';
import { FhirError } from '../../errors/fhir-error.ts';
import { fromXml } from '../../fhir/xml/from-xml.ts';

const JSON_TYPES = ['application/fhir+json', 'application/json', 'application/json-patch+json', 'application/json+fhir'];
const XML_TYPES = ['application/fhir+xml', 'application/xml', 'text/xml', 'application/xml+fhir'];

export function registerContentTypes(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new FhirError('FHIR_INVALID_JSON', { detail: (e as Error).message }), undefined);
    }
  });
  // FHIR XML becomes the same JSON object a JSON body would (xml.html); a malformed one is FHIR_INVALID_XML
  app.addContentTypeParser(XML_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(null, undefined);
    try {
      done(null, fromXml(text));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, new URLSearchParams(body as string));
  });
}
