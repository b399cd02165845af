/**
 * The checks every create, update and patch passes before the store sees the resource:
 * 1. the body is a JSON object whose resourceType is the one the URL names (https://hl7.org/fhir/R4/http.html#create);
 * 2. the structure check (ajv pass, then the deeper validator; src/fhir/validation);
 * 3. referential integrity for literal references to this server (a setting: 'enforce' for REST clients,
 *    'lenient' for feeds that arrive out of order). https://hl7.org/fhir/R4/references.html#literal
 * 4. with profile enforcement on (a setting, off by default), the checks $validate runs against the
 *    conformance resources the server holds (./validation/conformance-checks.ts: the profiles in meta.profile,
 *    extensions, displays...); only errors refuse the write, and a profile it does not know is not a reason to.
 * Transactions call this per entry with the identities the transaction itself writes as pending targets.
 */
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, issueOf, type ErrorIssue } from '../errors/fhir-error.ts';
import type { Repository } from '../store/repository.ts';
import { conformanceChecks } from './validation/conformance-checks.ts';
import type { Env, ReferenceSite } from './context.ts';
import type { FhirRequest } from './types.ts';

export function requireResourceBody(body: unknown, type: string): Resource {
  if (body === undefined || body === null || body === '') throw new FhirError('FHIR_BODY_REQUIRED');
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new FhirError('FHIR_NOT_A_RESOURCE', { detail: 'expected a JSON object' });
  }
  const rt = (body as { resourceType?: unknown }).resourceType;
  if (typeof rt !== 'string') throw new FhirError('FHIR_NOT_A_RESOURCE', { detail: 'resourceType is missing', expression: 'resourceType' });
  if (rt !== type) throw new FhirError('FHIR_TYPE_MISMATCH', { type, actual: rt, expression: 'resourceType' });
  return body as Resource;
}

/** The structure check (CPU only: run it before taking the writer). Returns the literal references found. */
export function validateStructure(env: Env, resource: Resource): ReferenceSite[] {
  return env.deps.validator.assertValid(resource);
}

/** Referential integrity, against the repository the write will use (a transaction's, where there is one). */
export async function checkReferences(env: Env, repo: Repository, req: FhirRequest, refs: ReferenceSite[]): Promise<void> {
  if (env.deps.options.referentialIntegrity === 'enforce' && refs.length > 0) {
    await checkTargets(repo, refs, req.context.baseUrl, req.internal?.pendingTargets);
  }
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

/** The local reference a literal denotes on this server (relative, or absolute under our base URL), split
 * into [whole, type, id, versionId?]; undefined for another server's URL. */
function localTarget(reference: string, baseUrl: string): RegExpExecArray | null {
  const ref = reference.startsWith(baseUrl + '/') ? reference.slice(baseUrl.length + 1) : reference;
  return RELATIVE.exec(ref);
}

async function checkTargets(repo: Repository, refs: ReferenceSite[], baseUrl: string, pending?: ReadonlySet<string>): Promise<void> {
  const issues: ErrorIssue[] = [];
  const seen = new Map<string, boolean>();
  for (const site of refs) {
    const ref = site.reference;
    if (ref.startsWith('#')) continue;
    if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) {
      // Outside a transaction nothing can resolve a urn: the resource would point nowhere.
      issues.push(issueOf('FHIR_REFERENCE_NOT_FOUND', { reference: ref, expression: site.expression }));
      continue;
    }
    const m = localTarget(ref, baseUrl);
    if (!m) continue; // another server's absolute URL: not ours to check
    const local = m[0];
    const key = `${m[1]}/${m[2]}`;
    let ok = seen.get(local);
    if (ok === undefined) {
      ok = pending?.has(key) ?? false;
      if (!ok) {
        try {
          const s = m[3] ? await repo.vread(m[1], m[2], m[3]) : await repo.read(m[1], m[2]);
          ok = !s.deleted;
        } catch (e) {
          if (!(e instanceof FhirError)) throw e;
          ok = false;
        }
      }
      seen.set(local, ok);
    }
    if (!ok) issues.push(issueOf('FHIR_REFERENCE_NOT_FOUND', { reference: ref, expression: site.expression }));
  }
  if (issues.length > 0) throw FhirError.fromIssues(issues);
}

/**
 * Profile enforcement on write (off unless the server option is on): every check against the conformance
 * resources the server holds, as $validate runs them (./validation/conformance-checks.ts: the profiles
 * claimed, the Questionnaire a response answers, Measures, extensions, markdown, displays); 422 with every error
 */
export async function checkProfiles(env: Env, resource: Resource): Promise<void> {
  if (!env.deps.options.enforceProfiles) return;
  const issues = conformanceChecks(resource as unknown as Record<string, unknown>, await env.deps.conformance.definitions());
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw FhirError.fromIssues(errors);
}
