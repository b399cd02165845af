/**
 * Seeds a server over its own REST API before the measured scenarios: the bench must not know any
 * server's storage, and a seed that fails is already a finding (reported with status and body).
 * Seed data: N Patients for read and update, and one Patient with 10 versions for history-instance.
 */
import { benchPatient } from './fixtures.ts';

export class SeedError extends Error {
  readonly status: number;
  readonly request: string;
  readonly body: string;
  constructor(request: string, status: number, body: string) {
    super(`seed request ${request} answered ${status}: ${body.slice(0, 400)}`);
    this.status = status;
    this.request = request;
    this.body = body;
  }
}

const HEADERS = { accept: 'application/fhir+json', 'content-type': 'application/fhir+json' };
const CONCURRENCY = 16;
export const HISTORY_VERSIONS = 10;

async function send(baseUrl: string, method: 'POST' | 'PUT', path: string, resource: unknown): Promise<string> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers: HEADERS, body: JSON.stringify(resource) });
  const text = await res.text();
  if (res.status < 200 || res.status >= 300) throw new SeedError(`${method} ${path}`, res.status, text);
  let id: string | undefined;
  try {
    id = (JSON.parse(text) as { id?: string }).id;
  } catch {
    // fall through to Location
  }
  // Location: [base]/Patient/<id>/_history/<vid> (https://hl7.org/fhir/R4/http.html#create)
  id ??= /Patient\/([^/]+)/.exec(res.headers.get('location') ?? '')?.[1];
  if (!id) throw new SeedError(`${method} ${path}`, res.status, `no id in body or Location: ${text}`);
  return id;
}

/** Creates `count` Patients, CONCURRENCY at a time; returns their server-assigned ids. */
export async function seedPatients(baseUrl: string, count: number): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      ids[n] = await send(baseUrl, 'POST', '/fhir/Patient', benchPatient(1_000_000 + n));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
  return ids;
}

/** One Patient updated until it has HISTORY_VERSIONS versions; returns its id. */
export async function seedHistory(baseUrl: string): Promise<string> {
  const id = await send(baseUrl, 'POST', '/fhir/Patient', benchPatient(2_000_000));
  for (let v = 2; v <= HISTORY_VERSIONS; v++) {
    await send(baseUrl, 'PUT', `/fhir/Patient/${id}`, benchPatient(2_000_000 + v, id));
  }
  return id;
}
