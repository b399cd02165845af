/**
 * Rules of a Bundle that its StructureDefinition does not carry (https://hl7.org/fhir/R4/bundle.html#rules and
 * the HL7 validator's reading of them):
 *   - fullUrl is an absolute URL (urn:uuid:, urn:oid: or a server URL), never a relative `Patient/1`;
 *   - outside transactions and batches (and their responses), every entry with a resource has a fullUrl, its
 *     identity in the Bundle;
 *   - a fullUrl that looks like a RESTful URL (…/Type/id) names the resource's own type and id;
 *   - the link relation `self` occurs at most once.
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
  const links = Array.isArray(bundle.link) ? (bundle.link as Json[]) : [];
  const selves = links.map((l, i) => [l?.relation, i] as const).filter(([r]) => r === 'self');
  if (selves.length > 1) out.push(bundleError("the link relation 'self' can only occur once", `${at}.link[${selves[1][1]}]`));
  return out;
}
