/**
 * The FHIR endpoint: every method under /fhir becomes a FhirRequest for the router, and the FhirResponse is
 * written back with its status, headers and body (the stored JSON text as it is, unless _pretty asks for
 * indentation). https://hl7.org/fhir/R4/http.html
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FhirRouter } from '../../fhir/router.ts';
import type { FhirRequest, FhirResponse, HttpMethod } from '../../fhir/types.ts';
import { negotiate } from '../negotiate.ts';

export const FHIR_PREFIX = '/fhir';
const METHODS: HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function registerFhirRoutes(app: FastifyInstance, router: FhirRouter, baseUrl?: string): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const url = req.raw.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const contentType = negotiate(req.headers.accept, query.get('_format'));
    const rest = pathname.slice(FHIR_PREFIX.length);
    const fhirReq: FhirRequest = {
      method: req.method as HttpMethod,
      path: rest.split('/').filter((s) => s.length > 0).map(decodeURIComponent),
      query,
      headers: req.headers as Record<string, string | undefined>,
      body: req.body,
      contentType: req.headers['content-type']?.split(';')[0].trim().toLowerCase(),
      context: {
        requestId: String(req.id),
        scopes: [],
        baseUrl: baseUrl ?? `${req.protocol}://${req.host}${FHIR_PREFIX}`,
      },
    };
    const res = await router.handle(fhirReq);
    reply.header('x-request-id', fhirReq.context.requestId);
    send(reply, res, contentType, query.get('_pretty') === 'true');
  };
  app.route({ method: METHODS, url: FHIR_PREFIX, handler });
  app.route({ method: METHODS, url: `${FHIR_PREFIX}/*`, handler });
}

function send(reply: FastifyReply, res: FhirResponse, contentType: string, pretty: boolean): void {
  reply.code(res.status);
  if (res.headers) for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
  let body = res.raw ?? (res.resource ? JSON.stringify(res.resource) : undefined);
  if (body === undefined) {
    reply.send();
    return;
  }
  if (pretty) body = JSON.stringify(JSON.parse(body), null, 2);
  reply.header('content-type', contentType).send(body);
}
