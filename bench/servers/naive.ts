/**
 * The machine's reference for `npm run bench`: the naive server the core issue measured its targets beside
 * ("a naive Fastify + better-sqlite3 read about 10,000/s and a naive durable insert about 4,200/s", with the
 * bare route about 16,000/s, on the machine the targets were set on). One table of (id, json) in a WAL file
 * at synchronous=FULL, one INSERT and its own COMMIT per create, answered after it: no validation, no
 * versions, no index rows, no group commit. Its numbers say how fast this machine and its disk are today,
 * so a run's absolute numbers can be set beside the reference machine's (fsync time moves them most).
 *
 * Run as a child process by bench/core.ts: `node bench/servers/naive.ts`, env BENCH_PORT, BENCH_HOST.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { addFhirJsonParser } from '../lib/fhir-json.ts';

const port = Number(process.env.BENCH_PORT ?? 8092);
const host = process.env.BENCH_HOST ?? '127.0.0.1';
const dir = mkdtempSync(join(tmpdir(), 'helsebro-naive-'));
const db = new Database(join(dir, 'naive.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE resource (id TEXT PRIMARY KEY, json TEXT NOT NULL)');
const upsert = db.prepare('INSERT OR REPLACE INTO resource (id, json) VALUES (?, ?)');
const select = db.prepare<[string], string>('SELECT json FROM resource WHERE id = ?').pluck();

const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
addFhirJsonParser(app);

app.get('/healthz', async () => ({ status: 'ok' }));

type Params = { id: string };
const store = (resource: Record<string, unknown>, id: string): string => {
  const json = JSON.stringify({ ...resource, id, meta: { versionId: '1', lastUpdated: new Date().toISOString() } });
  upsert.run(id, json);
  return json;
};
app.post('/fhir/Patient', async (request, reply) => {
  const id = randomUUID();
  const json = store(request.body as Record<string, unknown>, id);
  reply.code(201).type('application/fhir+json; charset=utf-8').header('location', `/fhir/Patient/${id}/_history/1`);
  return json;
});
app.put<{ Params: Params }>('/fhir/Patient/:id', async (request, reply) => {
  reply.type('application/fhir+json; charset=utf-8');
  return store(request.body as Record<string, unknown>, request.params.id);
});
app.get<{ Params: Params }>('/fhir/Patient/:id', async (request, reply) => {
  const json = select.get(request.params.id);
  if (json === undefined) return reply.code(404).send();
  reply.type('application/fhir+json; charset=utf-8');
  return json;
});

await app.listen({ port, host });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}
