// Shared helpers of the Repository contract suite (DESIGN.md house rule 2): fixtures are synthetic.
import type { Test } from 'tap';
import type { Resource } from '@medplum/fhirtypes';
import type { SearchPlan } from '../../src/search/plan.ts';
import { instantMicros, microsInstant } from '../../src/store/sql/instant.ts';

/** The instant `us` microseconds after (before, when negative) a stored lastUpdated, in the stored form.
 * Writes within one millisecond differ in their microsecond digits (src/store/clock.ts). */
export const plusMicros = (iso: string, us: number): string => microsInstant(instantMicros(iso) + us);
/** The same instant written with a +hh:00 offset, keeping its microsecond digits */
export const withOffset = (iso: string, hours: number): string =>
  plusMicros(iso, hours * 3_600_000_000).replace('Z', `+${String(hours).padStart(2, '0')}:00`);
import type { Repository } from '../../src/store/repository.ts';

export type Factory = () => Promise<Repository>;

export const FNR = 'urn:oid:2.16.578.1.12.4.1.4.1';
export const HPR = 'urn:oid:2.16.578.1.12.4.1.4.4';

export function patient(extra: Record<string, unknown> = {}): Resource {
  return { resourceType: 'Patient', name: [{ family: 'Nordmann', given: ['Kari'] }], ...extra } as Resource;
}

export function withIdentifier(system: string | undefined, value: string, extra: Record<string, unknown> = {}): Resource {
  return patient({ identifier: [system === undefined ? { value } : { system, value }], ...extra });
}

export function plan(resourceType: string, p: Partial<SearchPlan> = {}): SearchPlan {
  return { resourceType, filters: [], sort: [], count: 100, offset: 0, total: true, ...p };
}

/** A fresh repository per test, closed when the test ends */
export async function open(t: Test, factory: Factory): Promise<Repository> {
  const repo = await factory();
  t.teardown(() => repo.close());
  return repo;
}

/** Awaits a rejection and checks its catalogue code (and any other listed properties of the FhirError) */
export async function rejectsWith(t: Test, p: Promise<unknown>, code: string, details?: Record<string, unknown> | string): Promise<void> {
  const message = typeof details === 'string' ? `${details}: rejects with ${code}` : `rejects with ${code}`;
  await t.rejects(p, typeof details === 'object' ? { code, details } : { code }, message);
}

export const ids = (entries: { id: string }[]): string[] => entries.map((e) => e.id);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
