/**
 * The core bench's rows. Each is one FHIR interaction, driven with the same requests against every server:
 *   read               GET  /fhir/Patient/{id}, rotating over the seeded ids          (http.html#read)
 *   update             PUT  /fhir/Patient/{id}, rotating ids, body with that id and a
 *                      field that changes every time (so no server can skip a no-op)  (http.html#update)
 *   history-instance   GET  /fhir/Patient/{id}/_history of one Patient with 10 versions (http.html#history)
 *   create             POST /fhir/Patient, one constant body (the server assigns ids)   (http.html#create)
 *   transaction        POST /fhir, a transaction Bundle of 10 Patient creates with urn:uuid fullUrls and
 *                      in-bundle references; a pool of distinct bodies is rotated      (http.html#transaction)
 * and Helsebro-only variants of create and transaction, each in its own server process with HELSEBRO_VALIDATION set.
 * The create variants also run at HIGH_CONCURRENCY connections: a group commit shares one COMMIT among the
 * writes waiting for it, so durable create throughput grows with the writes in flight (16 connections keep at
 * most 16 waiting), while the naive server's one COMMIT per create does not; the machine-reference table
 * compares those rows with the naive server at the same connection count.
 */
import { benchPatient, patientTransaction } from './fixtures.ts';
import type { BenchRequest } from './load.ts';
import { HISTORY_VERSIONS } from './seed.ts';

export interface SeedState {
  patients: string[];
  historyId: string;
}

export interface Scenario {
  key: string;
  label: string;
  /** the row of the peer and the ceiling this one is compared with */
  compareWith: string;
  needsSeed: boolean;
  /** set for Helsebro-only variants: run in a fresh server process with this extra environment */
  variantEnv?: Record<string, string>;
  /** concurrent connections for this row instead of the run's --connections (group commit grows with them) */
  connections?: number;
  /** the requests every connection cycles through (each from its own offset) */
  requests(seed: SeedState): BenchRequest[];
  /**
   * Checks one answer before the load starts, so a server cannot look fast by doing less (an empty history,
   * a transaction that skips entries). Returns what is wrong, or undefined.
   */
  check(status: number, body: Json, request: BenchRequest): string | undefined;
}

/** a parsed JSON answer, checked field by field */
type Json = any;

function patientAnswer(expected: number[], status: number, body: Json, id?: string): string | undefined {
  if (!expected.includes(status)) return `status ${status}, expected ${expected.join(' or ')}`;
  if (body?.resourceType !== 'Patient') return `body is ${body?.resourceType ?? 'not a resource'}, expected Patient`;
  if (!body.id || (id && body.id !== id)) return `Patient.id is ${body.id}, expected ${id ?? 'an id'}`;
  if (!body.meta?.versionId) return 'no meta.versionId';
  return undefined;
}

function bundleAnswer(type: string, entries: number, status: number, body: Json): string | undefined {
  if (status !== 200) return `status ${status}, expected 200`;
  if (body?.resourceType !== 'Bundle' || body.type !== type) {
    return `body is ${body?.resourceType}/${body?.type}, expected Bundle/${type}`;
  }
  const n = body.entry?.length ?? 0;
  return n === entries ? undefined : `${n} entries, expected ${entries}`;
}

const idOf = (r: BenchRequest): string | undefined => /^\/fhir\/Patient\/([^/]+)/.exec(r.path)?.[1];

export const TRANSACTION_SIZE = 10;
const TRANSACTION_POOL = 64;

export const BASE_SCENARIOS: Scenario[] = [
  {
    key: 'read',
    label: 'read',
    compareWith: 'read',
    needsSeed: true,
    requests: ({ patients }) => patients.map((id) => ({ method: 'GET', path: `/fhir/Patient/${id}` })),
    check: (status, body, r) => patientAnswer([200], status, body, idOf(r)),
  },
  {
    key: 'update',
    label: 'update',
    compareWith: 'update',
    needsSeed: true,
    // every id twice with two different bodies: consecutive updates of one id always change it
    requests: ({ patients }) => [0, 1].flatMap((round) => patients.map((id, k) => ({
      method: 'PUT' as const,
      path: `/fhir/Patient/${id}`,
      body: JSON.stringify(benchPatient(3_000_000 + round * patients.length + k, id)),
    }))),
    check: (status, body, r) => patientAnswer([200, 201], status, body, idOf(r)),
  },
  {
    key: 'history-instance',
    label: 'history-instance (10 versions)',
    compareWith: 'history-instance',
    needsSeed: true,
    requests: ({ historyId }) => [{ method: 'GET', path: `/fhir/Patient/${historyId}/_history` }],
    check: (status, body) => bundleAnswer('history', HISTORY_VERSIONS, status, body),
  },
  {
    key: 'create',
    label: 'create',
    compareWith: 'create',
    needsSeed: false,
    requests: () => [{ method: 'POST', path: '/fhir/Patient', body: JSON.stringify(benchPatient(4_000_000)) }],
    check: (status, body) => patientAnswer([201], status, body),
  },
  {
    key: 'transaction',
    label: `transaction (${TRANSACTION_SIZE} creates)`,
    compareWith: 'transaction',
    needsSeed: false,
    requests: () => Array.from({ length: TRANSACTION_POOL }, (_, k) => ({
      method: 'POST' as const,
      path: '/fhir',
      body: JSON.stringify(patientTransaction(TRANSACTION_SIZE, 5_000 + k)),
    })),
    check: (status, body) => {
      const problem = bundleAnswer('transaction-response', TRANSACTION_SIZE, status, body);
      if (problem) return problem;
      const bad = (body.entry as Json[]).findIndex((e) => !String(e.response?.status ?? '').startsWith('201'));
      return bad < 0 ? undefined : `entry ${bad} response.status is ${body.entry[bad].response?.status}, expected 201`;
    },
  },
];

const create = BASE_SCENARIOS.find((s) => s.key === 'create') as Scenario;

const transaction = BASE_SCENARIOS.find((s) => s.key === 'transaction') as Scenario;

export const HIGH_CONCURRENCY = 64;

export const HELSEBRO_VARIANTS: Scenario[] = [
  ...(['schema', 'full'] as const).map((level) => ({
    ...create,
    key: `create-${level}`,
    label: `create, validation=${level}`,
    variantEnv: { HELSEBRO_VALIDATION: level },
  })),
  ...(['schema', 'full'] as const).map((level) => ({
    ...create,
    key: `create-${level}-c${HIGH_CONCURRENCY}`,
    label: `create, validation=${level}, ${HIGH_CONCURRENCY} conn.`,
    variantEnv: { HELSEBRO_VALIDATION: level },
    connections: HIGH_CONCURRENCY,
  })),
  {
    ...transaction,
    key: 'transaction-schema',
    label: 'transaction, validation=schema',
    variantEnv: { HELSEBRO_VALIDATION: 'schema' },
  },
];
