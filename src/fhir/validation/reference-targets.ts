/**
 * Whether relative references point at something (https://hl7.org/fhir/R4/references.html#literal: a
 * relative `Type/id` is "relative to the Service Base URL" and names a resource there), when the caller can
 * say what exists (`referenceExists`: the store, or the Java validator's resource fetcher with
 * validateReference CHECK_EXISTS). A reference resolves first inside what is validated: a Bundle's entries and
 * a Parameters' resources (bundle.html#references, parameters.html: resources sent together refer to each
 * other), by type and id; then through `exists`. A target neither has is FHIR_REFERENCE_NOT_FOUND.
 * Local (`#id`), urn and absolute references are not looked up here: the structure check resolves `#id`,
 * urn:uuid belongs to the Bundle rules, and an absolute URL names another server.
 */
import type { Finding } from './structure.ts';

type Json = Record<string, unknown>;

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** `Type/id` of every resource sent inside `resource`: Bundle entries, Parameters resources (and parts), nested */
function carried(resource: Json, out: Set<string>): void {
  const add = (r: unknown): void => {
    if (r === null || typeof r !== 'object') return;
    const res = r as Json;
    if (typeof res.resourceType !== 'string') return;
    if (typeof res.id === 'string') out.add(`${res.resourceType}/${res.id}`);
    carried(res, out);
  };
  if (resource.resourceType === 'Bundle' && Array.isArray(resource.entry)) for (const e of resource.entry) add((e as Json | null)?.resource);
  if (resource.resourceType === 'Parameters') {
    const params = (list: unknown): void => {
      if (!Array.isArray(list)) return;
      for (const p of list) {
        add((p as Json | null)?.resource);
        params((p as Json | null)?.part);
      }
    };
    params(resource.parameter);
  }
}

export function unresolvedReferences(resource: Json, sites: readonly { reference: string; expression: string }[], exists: (reference: string) => boolean): Finding[] {
  const findings: Finding[] = [];
  let inside: Set<string> | undefined;
  for (const { reference, expression } of sites) {
    const m = RELATIVE.exec(reference);
    if (!m) continue;
    if (!inside) carried(resource, (inside = new Set()));
    if (inside.has(`${m[1]}/${m[2]}`) || exists(reference)) continue;
    findings.push({ code: 'FHIR_REFERENCE_NOT_FOUND', severity: 'error', details: { reference, expression } });
  }
  return findings;
}
