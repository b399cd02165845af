// Shared set-up for HTTP tests: buildApp on the memory store (or SQLite :memory:) driven with inject().
import type { Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.ts';

export const FHIR_JSON = 'application/fhir+json';

export async function makeApp(t: Test, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp({ store: { kind: 'memory' }, logger: false, baseUrl: 'http://test/fhir', ...opts });
  t.teardown(() => app.close());
  return app;
}

export interface Req {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(app: FastifyInstance, r: Req): Promise<LightMyRequestResponse & { json: () => any }> {
  const headers: Record<string, string> = { ...(r.body !== undefined ? { 'content-type': FHIR_JSON } : {}), ...r.headers };
  const payload = r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  return app.inject({ method: r.method ?? 'GET', url: r.url, headers, payload }) as any;
}

/** The catalogue code of the first issue of an OperationOutcome response */
export function errorCode(res: { json: () => any }): string | undefined {
  return res.json()?.issue?.[0]?.details?.coding?.[0]?.code;
}

export const patient = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '01818000282' }],
  name: [{ family: 'Ødegård', given: ['Åse'] }],
  gender: 'female',
  birthDate: '1969-11-13',
  ...extra,
});

/** Synthetic fødselsnumre (month +80 / +65) from ../shared/no-basis/test-identifiers.csv, generated rows */
export const FNR_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.1';
export const SYNTHETIC_FNR = ['01818000282', '01668000165'];
