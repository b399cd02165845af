/**
 * _include and _revinclude (https://hl7.org/fhir/R4/search.html#include): after the page of matches is
 * known, the resources they refer to (_include=Observation:subject[:Patient], or * for every reference
 * parameter) and the resources that refer to them (_revinclude=Observation:subject) are added to the
 * Bundle with search.mode = include. :iterate repeats the step on what was just included until nothing new
 * turns up. Store-neutral: it reads references through the same extraction the indexes use and asks the
 * repository by id or by a reference search, so every store includes the same resources.
 *
 * Bounds: at most MAX_INCLUDED resources and MAX_ROUNDS iterations; a Bundle that hit a bound carries a
 * warning in its OperationOutcome rather than silently stopping.
 */
import type { Resource } from '@medplum/fhirtypes';
import { valuesOf } from '../search/extract.ts';
import type { Filter, ReferenceValue } from '../search/plan.ts';
import type { IncludeSpec } from '../search/parse.ts';
import { r4SearchParameter, searchParamsOf, type SearchParamDef } from '../search/registry.ts';
import type { Repository, StoredResource } from '../store/repository.ts';

export const MAX_INCLUDED = 1000;
const MAX_ROUNDS = 4;
const CHUNK = 200;

export interface Included {
  resources: StoredResource[];
  truncated: boolean;
}

const keyOf = (s: { resourceType: string; id: string }) => `${s.resourceType}/${s.id}`;

function referenceParams(type: string, spec: IncludeSpec): SearchParamDef[] {
  if (spec.param !== '*') {
    const def = r4SearchParameter(type, spec.param);
    return def && def.type === 'reference' ? [def] : [];
  }
  return [...searchParamsOf(type).values()].filter((d) => d.type === 'reference' && d.expression);
}

export async function resolveIncludes(repo: Repository, matches: readonly StoredResource[], specs: readonly IncludeSpec[]): Promise<Included> {
  const seen = new Set(matches.map(keyOf));
  const included: StoredResource[] = [];
  let truncated = false;
  let frontier: readonly StoredResource[] = matches;
  for (let round = 0; round < MAX_ROUNDS && frontier.length > 0 && !truncated; round++) {
    // The first round applies every spec to the matches; later rounds only the :iterate ones.
    const active = specs.filter((s) => round === 0 || s.iterate);
    if (active.length === 0) break;
    const found: StoredResource[] = [];
    const add = (s: StoredResource) => {
      if (seen.has(keyOf(s))) return;
      if (seen.size - matches.length >= MAX_INCLUDED) { truncated = true; return; }
      seen.add(keyOf(s));
      found.push(s);
    };
    for (const spec of active) {
      if (spec.reverse) await revinclude(repo, frontier, spec, add);
      else await include(repo, frontier, spec, add);
    }
    included.push(...found);
    frontier = found;
  }
  return { resources: included, truncated };
}

async function include(repo: Repository, from: readonly StoredResource[], spec: IncludeSpec, add: (s: StoredResource) => void): Promise<void> {
  for (const s of from) {
    if (s.resourceType !== spec.sourceType) continue;
    const resource = JSON.parse(s.raw) as Resource;
    for (const def of referenceParams(s.resourceType, spec)) {
      for (const r of valuesOf(resource, def).reference) {
        if (r.targetType === null || r.targetId === null) continue;
        if (spec.targetType !== undefined && r.targetType !== spec.targetType) continue;
        try {
          add(await repo.read(r.targetType, r.targetId));
        } catch {
          // A dangling or deleted target is simply not included (referential integrity may be off).
        }
      }
    }
  }
}

async function revinclude(repo: Repository, from: readonly StoredResource[], spec: IncludeSpec, add: (s: StoredResource) => void): Promise<void> {
  const targets: ReferenceValue[] = from
    .filter((s) => spec.targetType === undefined || s.resourceType === spec.targetType)
    .map((s) => ({ type: s.resourceType, id: s.id }));
  const params = referenceParams(spec.sourceType, spec);
  for (let i = 0; i < targets.length; i += CHUNK) {
    const values = targets.slice(i, i + CHUNK);
    const alternatives: Filter[] = params.map((d) => ({ kind: 'reference', param: d.code, values }));
    if (alternatives.length === 0) return;
    const filter: Filter = alternatives.length === 1 ? alternatives[0] : { kind: 'any', filters: alternatives };
    const page = await repo.search({ resourceType: spec.sourceType, filters: [filter], sort: [], count: MAX_INCLUDED + 1, offset: 0, total: false });
    for (const s of page.entries) add(s);
  }
}
