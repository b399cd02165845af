/**
 * _summary and _elements (https://hl7.org/fhir/R4/search.html#summary , #elements): the returned resources
 * reduced to a subset of their top-level elements, and marked with the SUBSETTED tag
 * (http://terminology.hl7.org/CodeSystem/v3-ObservationValue) so a client never mistakes one for the whole
 * resource and writes it back.
 *   _summary=true   elements flagged isSummary in the StructureDefinition
 *   _summary=text   text, plus the mandatory elements
 *   _summary=data   everything except text
 *   _elements=a,b   those elements plus the mandatory ones (the spec's SHOULD)
 * id, meta and resourceType are always kept. Subsetting parses and re-serialises the stored JSON, so it is
 * only done when asked for.
 */
import { tryGetDataType } from '@medplum/core';
import { ensureDefinitionsIndexed } from './validation/structure-definitions.ts';

export type SubsetMode = { kind: 'summary'; mode: 'true' | 'text' | 'data' } | { kind: 'elements'; elements: string[] };

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };
const ALWAYS = new Set(['resourceType', 'id', 'meta']);

/** The top-level element names a choice element may appear as (value[x] -> valueQuantity, ...) */
function keep(names: Iterable<string>): (key: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const n of names) {
    if (n.endsWith('[x]')) prefixes.push(n.slice(0, -3));
    else exact.add(n);
  }
  return (key) => {
    const k = key.startsWith('_') ? key.slice(1) : key; // primitive extensions follow their element
    return ALWAYS.has(k) || exact.has(k) || prefixes.some((p) => k.startsWith(p) && k.length > p.length && /[A-Z]/.test(k[p.length]));
  };
}

export function subsetRaw(raw: string, resourceType: string, subset: SubsetMode): string {
  const r = JSON.parse(raw) as Record<string, unknown>;
  let predicate: (key: string) => boolean;
  if (subset.kind === 'summary' && subset.mode === 'data') {
    predicate = (k) => k !== 'text';
  } else {
    ensureDefinitionsIndexed();
    const schema = tryGetDataType(resourceType);
    const mandatory = schema?.mandatoryProperties ?? new Set<string>();
    if (subset.kind === 'elements') predicate = keep([...subset.elements, ...mandatory]);
    else if (subset.mode === 'text') predicate = keep(['text', ...mandatory]);
    else predicate = keep(schema?.summaryProperties ?? []);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (predicate(k)) out[k] = v;
  const meta = { ...((out.meta as Record<string, unknown> | undefined) ?? {}) };
  const tags = Array.isArray(meta.tag) ? (meta.tag as { system?: string; code?: string }[]) : [];
  if (!tags.some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code)) meta.tag = [...tags, SUBSETTED];
  out.meta = meta;
  return JSON.stringify(out);
}
