// The read fast path (src/http/fast-read.ts) over a real socket: it answers exactly what the Fastify route
// answers (inject goes through Fastify, never through the fast path), and leaves every other request alone.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.ts';
import { FHIR_JSON, patient } from './helpers.ts';

interface Answer {
  status: number;
  /** header names in the order they were sent, lower case */
  names: string[];
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({
        status: res.statusCode!,
        names: res.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()),
        headers: res.headers,
        body,
      }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A SQLite app on a temp file, listening on a free port, counting the requests that reach Fastify */
async function serve(t: Test, opts: BuildOptions = {}): Promise<{ app: FastifyInstance; port: number; viaFastify: () => number }> {
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-fast-read-'));
  const app = await buildApp({ store: { kind: 'sqlite', file: join(dir, 'h.db') }, logger: false, baseUrl: 'http://test/fhir', ...opts });
  let n = 0;
  app.addHook('onRequest', (_req, _reply, done) => {
    n++;
    done();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { app, port: (app.server.address() as AddressInfo).port, viaFastify: () => n };
}

async function created(app: FastifyInstance, body = patient()): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/fhir/Patient', headers: { 'content-type': FHIR_JSON }, payload: JSON.stringify(body) });
  if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}: ${res.body}`);
  return (JSON.parse(res.body) as { id: string }).id;
}

t.test('a cached read is answered before Fastify, with the same status, headers (in order) and body', async (t) => {
  const { app, port, viaFastify } = await serve(t);
  const id = await created(app);
  const before = viaFastify();
  const fast = await get(port, `/fhir/Patient/${id}`, { accept: FHIR_JSON });
  t.equal(viaFastify(), before, 'the read did not reach Fastify (the create put the version in the cache)');
  const slow = await app.inject({ method: 'GET', url: `/fhir/Patient/${id}`, headers: { accept: FHIR_JSON } });
  t.equal(fast.status, 200);
  t.equal(fast.body, slow.body, 'the same bytes as the Fastify route');
  t.same(JSON.parse(fast.body).id, id);
  for (const h of ['etag', 'last-modified', 'content-type', 'content-length']) t.equal(fast.headers[h], slow.headers[h], h);
  t.equal(fast.headers.etag, 'W/"1"', 'ETag is W/"versionId" (https://hl7.org/fhir/R4/http.html#versioning)');
  t.equal(fast.headers['content-length'], String(Buffer.byteLength(fast.body)), 'content-length counts bytes (the body has Ø)');
  t.match(String(fast.headers['x-request-id']), /^[A-Za-z0-9\-.]{1,64}$/, 'a server-made request id');
  t.same(fast.names.slice(0, 5), ['x-request-id', 'etag', 'last-modified', 'content-type', 'content-length'], 'header order');
  // The same read through Fastify over the socket (fast path off): same header order
  const off = await serve(t, { fastRead: false });
  const id2 = await created(off.app);
  const viaRoute = await get(off.port, `/fhir/Patient/${id2}`, { accept: FHIR_JSON });
  t.equal(off.viaFastify() > 0, true, 'with fastRead: false the read goes through Fastify');
  t.same(viaRoute.names.slice(0, 5), fast.names.slice(0, 5), 'the Fastify route sends the same headers in the same order');
});

t.test('the client request id is kept when it is a valid FHIR id, replaced when not', async (t) => {
  const { app, port } = await serve(t);
  const id = await created(app);
  t.equal((await get(port, `/fhir/Patient/${id}`, { 'x-request-id': 'client-req.7' })).headers['x-request-id'], 'client-req.7');
  const bad = await get(port, `/fhir/Patient/${id}`, { 'x-request-id': 'not valid!' });
  t.not(bad.headers['x-request-id'], 'not valid!');
  t.match(String(bad.headers['x-request-id']), /^[A-Za-z0-9\-.]{1,64}$/);
});

t.test('requests the fast path must not answer go to Fastify and get its answer', async (t) => {
  const { app, port, viaFastify } = await serve(t);
  const id = await created(app);
  const etag = (await get(port, `/fhir/Patient/${id}`)).headers.etag as string;
  const cases: Array<[string, Record<string, string>, (a: Answer) => void]> = [
    [`/fhir/Patient/${id}`, { accept: 'application/fhir+xml' }, (a) => {
      t.equal(a.status, 200);
      t.match(a.headers['content-type'], /application\/fhir\+xml/);
      t.match(a.body, /<Patient xmlns="http:\/\/hl7.org\/fhir">/);
    }],
    [`/fhir/Patient/${id}`, { accept: 'text/plain' }, (a) => t.equal(a.status, 406, 'no format we speak: 406')],
    [`/fhir/Patient/${id}`, { 'if-none-match': etag }, (a) => t.equal(a.status, 304, 'If-None-Match on the current version: 304')],
    [`/fhir/Patient/${id}`, { 'if-modified-since': 'Fri, 01 Jan 2100 00:00:00 GMT' }, (a) => t.equal(a.status, 304)],
    [`/fhir/Patient/${id}?_pretty=true`, {}, (a) => t.match(a.body, /^\{\n {2}"resourceType": "Patient"/)],
    [`/fhir/Patient/${id}/`, {}, (a) => t.equal(JSON.parse(a.body).id, id, 'a trailing slash is the same read')],
    [`/fhir/Patient/${encodeURIComponent(id)}x`, {}, (a) => t.equal(a.status, 404)],
    ['/fhir/Patient/unknown-id', {}, (a) => t.equal(a.status, 404)],
    ['/fhir/NoSuchType/x', {}, (a) => t.equal(a.status, 404)],
    ['/fhir/Patient/_history', {}, (a) => t.equal(JSON.parse(a.body).resourceType, 'Bundle')],
  ];
  for (const [path, headers, check] of cases) {
    const before = viaFastify();
    check(await get(port, path, headers));
    t.equal(viaFastify(), before + 1, `${path} ${JSON.stringify(headers)} reached Fastify`);
  }
});

t.test('after a delete the read answers 410 (Gone), and an update is read at once', async (t) => {
  const { app, port } = await serve(t);
  const id = await created(app);
  const upd = await app.inject({ method: 'PUT', url: `/fhir/Patient/${id}`, headers: { 'content-type': FHIR_JSON }, payload: JSON.stringify(patient({ id, gender: 'other' })) });
  t.equal(upd.statusCode, 200);
  const read = await get(port, `/fhir/Patient/${id}`);
  t.equal(read.headers.etag, 'W/"2"');
  t.equal(JSON.parse(read.body).gender, 'other');
  const del = await app.inject({ method: 'DELETE', url: `/fhir/Patient/${id}` });
  t.ok(del.statusCode === 200 || del.statusCode === 204, 'deleted');
  const gone = await get(port, `/fhir/Patient/${id}`);
  t.equal(gone.status, 410);
  t.equal(JSON.parse(gone.body).resourceType, 'OperationOutcome');
});

t.test('at info level the fast path writes the access line the Fastify route writes', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const { app, port, viaFastify } = await serve(t, { logger: { stream }, logLevel: 'info' });
  const id = await created(app);
  const before = viaFastify();
  await get(port, `/fhir/Patient/${id}`, { 'x-request-id': 'fast-1' });
  t.equal(viaFastify(), before, 'answered by the fast path');
  await get(port, `/fhir/Patient/${id}?_pretty=true`, { 'x-request-id': 'slow-1' });
  const access = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.msg === 'request');
  const fast = access.find((l) => l.reqId === 'fast-1');
  const slow = access.find((l) => l.reqId === 'slow-1');
  t.ok(fast && slow, 'one access line each');
  t.same(Object.keys(fast!).sort(), Object.keys(slow!).sort(), 'the same fields');
  t.same(fast!.req, { method: 'GET', url: `/fhir/Patient/${id}` });
  t.equal(fast!.status, 200);
  t.equal(fast!.level, 30);
  t.type(fast!.ms, 'number');
});
