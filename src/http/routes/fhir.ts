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

/** Shared by every request without a query string; nothing downstream mutates a request's query. */
const NO_QUERY = new URLSearchParams();

export function registerFhirRoutes(app: FastifyInstance, router: FhirRouter, baseUrl?: string): void {
  // Without a configured base URL it is derived from the request; derived once per Host value.
  const bases = new Map<string, string>();
  const baseFor = (req: FastifyRequest): string => {
    if (baseUrl) return baseUrl;
    const key = `${req.protocol}://${req.host}`;
    let b = bases.get(key);
    if (b === undefined) {
      b = `${key}${FHIR_PREFIX}`;
      if (bases.size < 64) bases.set(key, b);
    }
    return b;
  };
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const url = req.raw.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? NO_QUERY : new URLSearchParams(url.slice(q + 1));
    const contentType = negotiate(req.headers.accept, q < 0 ? null : query.get('_format'));
    const fhirReq: FhirRequest = {
      method: req.method as HttpMethod,
      path: splitPath(pathname),
      query,
      headers: req.headers as Record<string, string | undefined>,
      body: req.body,
      contentType: req.headers['content-type']?.split(';')[0].trim().toLowerCase(),
      context: { requestId: String(req.id), scopes: [], baseUrl: baseFor(req) },
    };
    const res = await router.handle(fhirReq);
    reply.header('x-request-id', fhirReq.context.requestId);
    return send(reply, res, contentType, q >= 0 && query.get('_pretty') === 'true');
  };
  app.route({ method: METHODS, url: FHIR_PREFIX, handler });
  app.route({ method: METHODS, url: `${FHIR_PREFIX}/*`, handler });
}

/** Path segments below /fhir, percent-decoded only when there is something to decode. */
function splitPath(pathname: string): string[] {
  const segments = pathname.slice(FHIR_PREFIX.length + 1).split('/');
  const out: string[] = [];
  for (const s of segments) if (s.length > 0) out.push(s.includes('%') ? decodeURIComponent(s) : s);
  return out;
}

/** Sets status and headers and returns the body for Fastify to send (returning it measured faster than
 * calling reply.send from an async handler). */
function send(reply: FastifyReply, res: FhirResponse, contentType: string, pretty: boolean): string | FastifyReply {
  reply.code(res.status);
  if (res.headers) reply.headers(res.headers);
  let body = res.raw ?? (res.resource ? JSON.stringify(res.resource) : undefined);
  // No body (204, 304, return=minimal): send explicitly; an async handler must not resolve to undefined.
  if (body === undefined) return reply.send();
  if (pretty) body = JSON.stringify(JSON.parse(body), null, 2);
  reply.header('content-type', contentType);
  return body;
}
