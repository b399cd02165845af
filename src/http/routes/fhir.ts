/**
 * The FHIR endpoint: every method under /fhir becomes a FhirRequest for the router, and the FhirResponse is
 * written back with its status, headers and body (the stored JSON text as it is, unless _pretty asks for
 * indentation, or converted to FHIR XML when the client asked for XML: ../../fhir/xml).
 * https://hl7.org/fhir/R4/http.html
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FhirRouter } from '../../fhir/router.ts';
import type { FhirRequest, FhirResponse, HttpMethod, RequestContext } from '../../fhir/types.ts';
import { toXml } from '../../fhir/xml/to-xml.ts';
import { isXml, negotiate } from '../negotiate.ts';

export const FHIR_PREFIX = '/fhir';
const METHODS: HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Shared by every request without a query string; nothing downstream mutates a request's query. */
const NO_QUERY = new URLSearchParams();

/**
 * The request context with the service base URL derived on first use: most reads never need it (it feeds
 * Location headers and Bundle links), and Fastify's protocol/host getters were a measurable share of a read.
 */
class HttpRequestContext implements RequestContext {
  readonly requestId: string;
  readonly scopes: string[] = [];
  readonly #req: FastifyRequest;
  readonly #bases: BaseCache;
  #baseUrl: string | undefined;

  constructor(req: FastifyRequest, bases: BaseCache) {
    this.requestId = String(req.id);
    this.#req = req;
    this.#bases = bases;
    this.#baseUrl = bases.configured;
  }

  get baseUrl(): string {
    return (this.#baseUrl ??= this.#bases.derive(this.#req));
  }
}

/** Without a configured base URL it is derived from the request; derived once per protocol and Host value. */
class BaseCache {
  readonly #derived = new Map<string, string>();
  readonly configured: string | undefined;
  constructor(configured: string | undefined) {
    this.configured = configured;
  }

  derive(req: FastifyRequest): string {
    const key = `${req.protocol}://${req.host}`;
    let b = this.#derived.get(key);
    if (b === undefined) {
      b = `${key}${FHIR_PREFIX}`;
      if (this.#derived.size < 64) this.#derived.set(key, b);
    }
    return b;
  }
}

export function registerFhirRoutes(app: FastifyInstance, router: FhirRouter, baseUrl?: string): void {
  const bases = new BaseCache(baseUrl);
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
      context: new HttpRequestContext(req, bases),
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
  const out: string[] = [];
  const decode = pathname.includes('%');
  let start = FHIR_PREFIX.length + 1;
  while (start < pathname.length) {
    let end = pathname.indexOf('/', start);
    if (end < 0) end = pathname.length;
    if (end > start) {
      const s = pathname.slice(start, end);
      out.push(decode && s.includes('%') ? decodeURIComponent(s) : s);
    }
    start = end + 1;
  }
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
  if (isXml(contentType)) body = toXml(JSON.parse(body) as Record<string, unknown>, { pretty });
  else if (pretty) body = JSON.stringify(JSON.parse(body), null, 2);
  reply.header('content-type', contentType);
  return body;
}
