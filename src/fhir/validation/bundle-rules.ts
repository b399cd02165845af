/**
 * Rules of a Bundle that its StructureDefinition does not carry (https://hl7.org/fhir/R4/bundle.html#rules and
 * the HL7 validator's reading of them):
 *   - fullUrl is an absolute URL (urn:uuid:, urn:oid: or a server URL), never a relative `Patient/1`;
 *   - outside transactions and batches (and their responses), every entry with a resource has a fullUrl, its
 *     identity in the Bundle;
 *   - a fullUrl that looks like a RESTful URL (…/Type/id) names the resource's own type and id;
 *   - the link relation `self` occurs at most once;
 *   - a document resolves every reference of its entries inside itself.
 */
import type { Finding } from './structure.ts';

type Json = Record<string, unknown>;

const UNORDERED_IDENTITY = new Set(['transaction', 'batch', 'transaction-response', 'batch-response']);
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;
const RESTFUL = /^https?:\/\/.+\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

const bundleError = (detail: string, expression: string): Finding => ({ code: 'FHIR_BUNDLE_INVALID', severity: 'error', details: { detail, expression } });

export function checkBundleRules(bundle: Json, at = 'Bundle'): Finding[] {
  if (bundle.resourceType !== 'Bundle') return [];
  const out: Finding[] = [];
  const identityRules = !UNORDERED_IDENTITY.has(String(bundle.type));
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as Json[]) : [];
  entries.forEach((e, i) => {
    const where = `${at}.entry[${i}]`;
    const fullUrl = e?.fullUrl;
    const resource = e?.resource as Json | undefined;
    if (typeof fullUrl === 'string') {
      if (!ABSOLUTE.test(fullUrl)) out.push(bundleError(`the fullUrl must be an absolute URL (not '${fullUrl}')`, where));
      else if (identityRules && resource) {
        const m = RESTFUL.exec(fullUrl);
        if (m && resource.id === undefined) out.push(bundleError(`the fullUrl '${fullUrl}' looks like a RESTful server URL, but the resource has no id`, where));
        else if (m && (m[1] !== resource.resourceType || m[2] !== resource.id)) {
          out.push(bundleError(`the fullUrl '${fullUrl}' looks like a RESTful server URL, so it must end with the resource's type and id (/${String(resource.resourceType)}/${String(resource.id)})`, where));
        }
      }
    } else if (identityRules && resource) {
      out.push(bundleError('except for transactions and batches, each entry with a resource must have a fullUrl, the identity of the resource in the Bundle', where));
    }
    if (resource?.resourceType === 'Bundle') out.push(...checkBundleRules(resource, `${where}.resource`));
  });
  if (bundle.type === 'document') out.push(...documentReferences(entries, at));
  const links = Array.isArray(bundle.link) ? (bundle.link as Json[]) : [];
  const selves = links.map((l, i) => [l?.relation, i] as const).filter(([r]) => r === 'self');
  if (selves.length > 1) out.push(bundleError("the link relation 'self' can only occur once", `${at}.link[${selves[1][1]}]`));
  return out;
}

/**
 * A document carries what it references (bundle.html#document): every literal reference in its entries
 * resolves to exactly one entry. A relative reference resolves against the base of its entry's fullUrl when
 * that is a RESTful URL (bundle.html#references); from an entry identified by a urn it cannot resolve here.
 */
function documentReferences(entries: Json[], at: string): Finding[] {
  const out: Finding[] = [];
  const fullUrls = entries.map((e) => (typeof e?.fullUrl === 'string' ? e.fullUrl : undefined));
  entries.forEach((e, i) => {
    const resource = e?.resource as Json | undefined;
    if (!resource) return;
    const base = RESTFUL.exec(String(e.fullUrl ?? '')) ? String(e.fullUrl).replace(/[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/, '') : undefined;
    for (const { reference, path } of referencesIn(resource, `${at}.entry[${i}].resource`)) {
      if (reference.startsWith('#')) continue;
      const version = /\/_history\/([A-Za-z0-9\-.]{1,64})$/.exec(reference)?.[1];
      const local = version === undefined ? reference : reference.slice(0, reference.length - version.length - 10);
      const target = ABSOLUTE.test(local) ? local : base !== undefined ? base + local : undefined;
      // several versions of one resource in a Bundle: a versioned reference picks its version by meta.versionId
      const matches = target === undefined ? 0 : entries.filter((x, k) => fullUrls[k] === target
        && (version === undefined || ((x.resource as Json | undefined)?.meta as { versionId?: string } | undefined)?.versionId === version)).length;
      if (matches === 0) out.push(bundleError(`can't find '${reference}' in the document Bundle${target === undefined ? ' (a relative reference resolves only from an entry whose fullUrl is a RESTful URL)' : ''}`, path));
      else if (matches > 1) out.push(bundleError(`multiple matches in the Bundle for the reference '${reference}'`, path));
    }
  });
  return out;
}

/** The literal references of a resource (not inside its contained resources), with their paths */
function referencesIn(resource: Json, at: string): { reference: string; path: string }[] {
  const out: { reference: string; path: string }[] = [];
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as Json;
    if (typeof o.reference === 'string') out.push({ reference: o.reference, path: `${path}.reference` });
    for (const k in o) if (k !== 'contained' && k !== 'reference') walk(o[k], `${path}.${k}`);
  };
  walk(resource, at);
  return out;
}
