/**
 * The JSON body parser the bench's comparison servers (bench/servers/*.ts) share: the FHIR JSON types parsed
 * as plain JSON, an empty body as no body, malformed JSON as Fastify's 400.
 */
import type { FastifyInstance } from 'fastify';

export function addFhirJsonParser(app: FastifyInstance, types: string[] = ['application/fhir+json']): void {
  app.addContentTypeParser(types, { parseAs: 'string' }, (_req, raw, done) => {
    try {
      done(null, raw === '' ? undefined : JSON.parse(raw as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
