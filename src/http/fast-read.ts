/**
 * The read fast path: `GET [base]/[type]/[id]` for a resource the store holds in memory is answered in the
 * Node HTTP server's request listener, before Fastify builds its request and reply objects. A cached read
 * is the server's hottest request and the work behind it is a Map lookup; Fastify's per-request machinery
 * (request/reply objects, routing, hooks, the reply pipeline) cost more than the read itself (measured:
 * bench/core.ts read row, and the numbers in ARCHITECTURE.md "The read fast path").
 *
 * What makes this safe: it answers only what it can answer exactly as the Fastify route would, and hands
 * everything else to Fastify unchanged (the `handler` argument, Fastify's own listener):
 *   - only GET, with a path that is exactly /fhir/{type}/{id} (no query, no percent-escapes, no trailing or
 *     doubled slash) and no body, no If-None-Match / If-Modified-Since (304 logic stays in the router);
 *   - only JSON: Accept as ../http/negotiate.ts reads it; XML, 406 and any other outcome fall through;
 *   - only when router.cachedRead answers (the read interaction's own response, from committed data);
 *   - not while the app is closing (Fastify answers 503 then).
 * The response carries the same headers as the Fastify route, in the same order (x-request-id, etag,
 * last-modified, content-type, content-length; Node adds Date and Connection), the client's X-Request-Id is
 * kept when it is a valid FHIR id, as genReqId does, and the access line at info level is the one the
 * onResponse hook in ../app.ts writes. Fastify's server options (keep-alive, request and connection
 * timeouts, requests per socket) are applied to the server here, as Fastify does for its own server.
 *
 * A rule every read must follow (authorisation, audit: the security issue) must be applied in
 * FhirRouter.cachedRead or must turn this path off (`fastRead: false` in buildApp's options).
 * light-my-request (app.inject) calls Fastify's handler directly, so inject tests never take this path;
 * test/http/fast-read.test.ts compares both paths over a real socket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyServerFactory } from 'fastify';
import type { FhirRouter } from '../fhir/router.ts';
import { enabled } from './lazy-logger.ts';
import { isXml, negotiate } from './negotiate.ts';
import { requestIdFor, type RequestIds } from './request-id.ts';
import { FHIR_PREFIX } from './routes/fhir.ts';

export interface FastReadState {
  /** set once the router exists (buildApp creates the server before the router) */
  router?: FhirRouter;
  /** set when the app starts closing: from then on Fastify answers */
  closing: boolean;
  /** the app's logger, for the access line at info level (absent: logging off) */
  log?: FastifyBaseLogger;
}

const PREFIX = `${FHIR_PREFIX}/`;

/** Clients send a handful of distinct Accept values; negotiating one allocates, so answers are kept. */
const acceptAnswers = new Map<string | undefined, string | null>();

/** The Content-Type of a JSON answer for this Accept, or undefined when Fastify must answer (XML, 406) */
function jsonType(accept: string | undefined): string | undefined {
  let t = acceptAnswers.get(accept);
  if (t === undefined) {
    try {
      const n = negotiate(accept, null);
      t = isXml(n) ? null : n;
    } catch {
      t = null;
    }
    if (acceptAnswers.size < 64) acceptAnswers.set(accept, t);
  }
  return t ?? undefined;
}

/** Body byte lengths per answer, keyed by its (per stored version, shared) header object */
const lengths = new WeakMap<object, number>();

/** Answers the request when it is a cached plain read; returns false (having written nothing) otherwise. */
function tryRead(state: FastReadState, ids: RequestIds, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' || state.closing || state.router === undefined) return false;
  const url = req.url;
  if (url === undefined || !url.startsWith(PREFIX)) return false;
  const slash = url.indexOf('/', PREFIX.length);
  if (slash < 0 || url.indexOf('/', slash + 1) >= 0 || url.includes('?') || url.includes('%')) return false;
  const h = req.headers;
  if (h['if-none-match'] !== undefined || h['if-modified-since'] !== undefined ||
    h['content-length'] !== undefined || h['transfer-encoding'] !== undefined) return false;
  const type = url.slice(PREFIX.length, slash);
  const id = url.slice(slash + 1);
  const answer = state.router.cachedRead(type, id);
  if (answer === undefined) return false;
  const contentType = jsonType(h.accept);
  if (contentType === undefined) return false;
  const started = state.log === undefined ? 0 : performance.now();
  const requestId = requestIdFor(h['x-request-id'], ids);
  const body = answer.raw!;
  const headers = answer.headers!;
  let length = lengths.get(headers);
  if (length === undefined) lengths.set(headers, (length = Buffer.byteLength(body)));
  res.writeHead(200, {
    'x-request-id': requestId,
    etag: headers.etag,
    'last-modified': headers['last-modified'],
    'content-type': contentType,
    'content-length': length,
  });
  res.end(body);
  if (state.log !== undefined) {
    const ms = Math.round((performance.now() - started) * 10) / 10;
    state.log.info({ reqId: requestId, req: { method: 'GET', url }, status: 200, ms }, 'request');
  }
  return true;
}

/**
 * Fastify's serverFactory: a plain HTTP server whose listener tries the fast path first, configured with
 * the options Fastify would apply to a server of its own (node_modules/fastify/lib/server.js).
 */
export function fastReadServerFactory(state: FastReadState, ids: RequestIds): FastifyServerFactory {
  return ((handler: (req: IncomingMessage, res: ServerResponse) => void, opts: Record<string, unknown>): Server => {
    const server = createServer((opts.http as object | undefined) ?? {}, (req, res) => {
      if (!tryRead(state, ids, req, res)) handler(req, res);
    });
    server.keepAliveTimeout = opts.keepAliveTimeout as number;
    server.requestTimeout = opts.requestTimeout as number;
    server.setTimeout(opts.connectionTimeout as number);
    if ((opts.maxRequestsPerSocket as number) > 0) server.maxRequestsPerSocket = opts.maxRequestsPerSocket as number;
    return server;
  }) as unknown as FastifyServerFactory;
}

/** The logger the fast path writes its access line with: only when the app logs requests at info */
export function accessLogger(log: FastifyBaseLogger, logging: boolean): FastifyBaseLogger | undefined {
  return logging && enabled(log, 'info') ? log : undefined;
}
