/**
 * The ceiling for `npm run bench`: a bare Fastify route that answers every FHIR URL with one constant,
 * pre-serialised Patient. It does what any FHIR server must (accept the connection, parse HTTP, parse a JSON
 * body when there is one, write a response of realistic size) and nothing else, so on this machine, with this
 * load generator sharing the cores, nothing built on Fastify can go faster. Helsebro's read is compared
 * with it (target: >= 85% of the ceiling).
 *
 * Run as a child process by bench/core.ts: `node bench/servers/ceiling.ts`, env BENCH_PORT, BENCH_HOST.
 */
import Fastify from 'fastify';
import { addFhirJsonParser } from '../lib/fhir-json.ts';
import { CEILING_PATIENT } from '../lib/fixtures.ts';

const port = Number(process.env.BENCH_PORT ?? 8091);
const host = process.env.BENCH_HOST ?? '127.0.0.1';
const body = JSON.stringify(CEILING_PATIENT);

const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
addFhirJsonParser(app);

app.get('/healthz', async () => ({ status: 'ok' }));

const constant = async (
  request: import('fastify').FastifyRequest,
  reply: import('fastify').FastifyReply,
): Promise<string> => {
  reply.code(request.method === 'POST' ? 201 : 200).type('application/fhir+json; charset=utf-8');
  reply.header('etag', 'W/"1"');
  return body;
};
app.all('/fhir', constant);
app.all('/fhir/*', constant);

await app.listen({ port, host });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
