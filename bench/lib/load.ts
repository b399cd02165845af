/**
 * Drives one scenario against one running server with autocannon: a warm-up run whose numbers are thrown
 * away (JIT, prepared statements, caches, SQLite page cache), then the measured run.
 *
 * Requests are a fixed list built before the run, so autocannon serialises each one once and the load
 * generator (which shares the two cores with the server) spends as little CPU per request as it can, and the
 * same on every server. Each connection walks the list from its own offset, so concurrent connections do not
 * hit the same resource in lockstep.
 *
 * Latency comes from autocannon's per-response event (hrtime, fractional ms), not its histogram, which keeps
 * whole milliseconds: too coarse for sub-millisecond reads. Only 2xx answers are timed, so a fast error
 * cannot flatter the percentiles. Failures are never folded into the throughput: req/s counts 2xx answers
 * only, and every other status, connection error and timeout is counted and sampled (status, request, body
 * excerpt) for the report.
 */
import { createHistogram } from 'node:perf_hooks';
import type { RecordableHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { AutocannonRequest, Result } from 'autocannon';
import { backgroundCores, cpuSnapshot, serverCores } from './cpu.ts';

export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: string;
}

export interface FailureSample {
  status: number;
  request: string;
  body: string;
}

export interface Measurement {
  seconds: number;
  /** 2xx responses per second over the measured window */
  rps: number;
  /** milliseconds, 2xx answers only */
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  connErrors: number;
  timeouts: number;
  /** cores used by the server, and by other processes (neither server nor bench), in the measured window */
  serverCpu: number;
  backgroundCpu: number;
  /** what was wrong with the answer to the one request checked before the load (undefined: fine) */
  wrongAnswer?: string;
  /** non-2xx answers, connection errors and timeouts during the (discarded) warm-up */
  warmupFailures: number;
  statuses: Record<string, number>;
  failures: FailureSample[];
}

/** Sends one request outside the load run; returns status and parsed body (or the raw text). */
export async function probe(baseUrl: string, r: BenchRequest): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(`${baseUrl}${r.path}`, { method: r.method, headers: HEADERS, body: r.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body, text };
}

export interface LoadOptions {
  duration: number;
  warmup: number;
  connections: number;
  /** the server process, for CPU accounting */
  serverPid?: number;
  /** seconds before autocannon gives up on a request (default 10) */
  timeout?: number;
  /**
   * Awaited between the warm-up and the measured run. A slow server is still answering the warm-up's
   * in-flight requests when autocannon stops; the search bench waits for one answer here so that backlog
   * does not land in the measured window.
   */
  settle?: () => Promise<void>;
}

const HEADERS = {
  accept: 'application/fhir+json',
  'content-type': 'application/fhir+json',
};
const MAX_SAMPLES = 5;
const BODY_EXCERPT = 400;

interface Client {
  setRequests(requests: AutocannonRequest[]): void;
}

async function fire(baseUrl: string, list: BenchRequest[], seconds: number, connections: number,
  failures: FailureSample[], latency: RecordableHistogram, timeout = 10): Promise<Result> {
  const seen = new Set<string>();
  const requests: AutocannonRequest[] = list.map((r) => ({
    method: r.method,
    path: r.path,
    body: r.body ?? '',
    headers: HEADERS,
    onResponse(status: number, body: string) {
      if ((status >= 200 && status < 300) || failures.length >= MAX_SAMPLES) return;
      // one sample per distinct (status, body start): repeats of one failure say nothing new
      const key = `${status} ${body.slice(0, 120)}`;
      if (seen.has(key)) return;
      seen.add(key);
      failures.push({ status, request: `${r.method} ${r.path}`, body: body.slice(0, BODY_EXCERPT) });
    },
  }));
  let clientNo = 0;
  const instance = autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    timeout,
    requests,
    setupClient(client: Client) {
      const offset = Math.floor((clientNo++ * requests.length) / connections) % requests.length;
      if (offset > 0) client.setRequests([...requests.slice(offset), ...requests.slice(0, offset)]);
    },
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    // microseconds; at least 1 because the histogram only takes positive integers
    if (status >= 200 && status < 300) latency.record(Math.max(1, Math.round(ms * 1000)));
  });
  return instance;
}

export async function measure(baseUrl: string, list: BenchRequest[], opts: LoadOptions): Promise<Measurement> {
  if (list.length === 0) throw new Error('scenario has no requests');
  const failures: FailureSample[] = [];
  let warmupFailures = 0;
  if (opts.warmup > 0) {
    const w = await fire(baseUrl, list, opts.warmup, opts.connections, failures, createHistogram(), opts.timeout);
    warmupFailures = w.non2xx + w.errors; // autocannon's errors include its timeouts
  }
  if (opts.settle) await opts.settle();
  const warmFailures = failures.length;
  const latency = createHistogram();
  const before = cpuSnapshot(opts.serverPid);
  const r = await fire(baseUrl, list, opts.duration, opts.connections, failures, latency, opts.timeout);
  const after = cpuSnapshot(opts.serverPid);
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats)) statuses[code] = count;
  return {
    seconds: r.duration,
    rps: r['2xx'] / r.duration,
    p50: latency.count > 0 ? latency.percentile(50) / 1000 : NaN,
    p99: latency.count > 0 ? latency.percentile(99) / 1000 : NaN,
    ok: r['2xx'],
    non2xx: r.non2xx,
    connErrors: r.errors - r.timeouts,
    timeouts: r.timeouts,
    serverCpu: serverCores(before, after),
    backgroundCpu: backgroundCores(before, after),
    warmupFailures,
    statuses,
    // failures seen only during warm-up are still reported: they are real answers from the server
    failures: failures.map((f, i) => (i < warmFailures ? { ...f, request: `${f.request} (warm-up)` } : f)),
  };
}
