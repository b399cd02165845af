/**
 * The one HTTP edge that turns errors into responses (DESIGN.md house rule 6). A FhirError becomes its
 * catalogue status and an OperationOutcome; Fastify's own client errors are mapped to catalogue codes; any
 * other error is a fault: logged at error level with the request id and answered 500 with no internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FhirError } from '../../errors/fhir-error.ts';
import { outcomeOf } from '../../fhir/outcome.ts';
import { toXml } from '../../fhir/xml/to-xml.ts';
import { isXml, negotiateQuietly } from '../negotiate.ts';

const FASTIFY_CODES: Record<string, (e: FastifyError, app: FastifyInstance) => FhirError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (_e, app) => new FhirError('FHIR_BODY_TOO_LARGE', { limit: app.initialConfig.bodyLimit }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) => new FhirError('FHIR_UNSUPPORTED_MEDIA_TYPE', { detail: /'([^']*)'/.exec(e.message)?.[1] ?? 'unknown' }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new FhirError('FHIR_BODY_REQUIRED'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new FhirError('FHIR_HEADER_INVALID', { header: 'Content-Length', detail: 'does not match the body' }),
};

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let fe: FhirError | undefined = err instanceof FhirError ? err : undefined;
    if (!fe && err.code && FASTIFY_CODES[err.code]) fe = FASTIFY_CODES[err.code](err, app);
    if (!fe) {
      req.log.error({ err }, 'fault: uncoded error');
      fe = new FhirError('FHIR_INTERNAL');
    } else if (fe.status >= 500) {
      req.log.error({ err }, 'fault');
    } else {
      req.log.info({ code: fe.code, status: fe.status }, 'request refused');
    }
    sendOutcome(reply, req, fe);
  });
  app.setNotFoundHandler((req, reply) => {
    sendOutcome(reply, req, new FhirError('FHIR_ROUTE_NOT_FOUND', { detail: `${req.method} ${req.url.split('?')[0]}` }));
  });
}

/** The OperationOutcome in the format the client asked for (JSON when it asked for none we speak) */
export function sendOutcome(reply: FastifyReply, req: FastifyRequest, fe: FhirError): void {
  const type = negotiateQuietly(req.headers.accept, req.url);
  const outcome = outcomeOf(fe.issues, String(req.id)) as unknown as Record<string, unknown>;
  reply
    .code(fe.status)
    .header('content-type', type)
    .header('x-request-id', String(req.id))
    .send(isXml(type) ? toXml(outcome) : JSON.stringify(outcome));
}
