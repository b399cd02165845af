/**
 * A resource against the profiles it is to meet, as catalogue issues: one shared by $validate, profile
 * enforcement on write (../write-path.ts) and the validate command (./cli.ts). A profile that is not known is
 * a FHIR_PROFILE_UNKNOWN warning; one whose snapshot cannot be built is a warning that says so; every rule it
 * breaks is a FHIR_PROFILE_VIOLATION with the rule's severity.
 *
 * Which profiles: those each resource claims (meta.profile, ./profile.ts claimedProfiles), and by
 * `profileTargets` also those the context imposes:
 *   - ImplementationGuide.global (https://hl7.org/fhir/R4/implementationguide-definitions.html#ImplementationGuide.global):
 *     "a profile that all resources of the type SHALL conform to" in the guides the validation runs under
 *     (every resource of the type, the top one and those contained, in Bundle entries and in Parameters);
 *   - bundle rules, the Java validator's `-bundle {rule} {profile}`: a profile for chosen Bundle entries, the
 *     rule `Type:n` naming the n-th (from 0) entry resource of that type, a bare `n` the n-th entry.
 */
import type { ImplementationGuide } from '@medplum/fhirtypes';
import { issueOf, type ErrorIssue } from '../../errors/fhir-error.ts';
import { claimedProfiles, resourcesWithin, validateProfile, type Definitions, type ProfileIssue, type ProfileOptions } from './profile.ts';
import { SnapshotError } from './snapshot.ts';

export interface BundleRule {
  /** `Patient:0` (the first Patient entry) or `2` (the third entry) */
  rule: string;
  profile: string;
}

export interface TargetOptions {
  /** the guides the validation runs under: their global profiles apply */
  implementationGuides?: readonly ImplementationGuide[];
  /** profiles for chosen entries of a Bundle being validated */
  bundleRules?: readonly BundleRule[];
  /** profiles the resource itself is to meet, beside those it claims ($validate's `profile`, --profile) */
  profiles?: readonly string[];
}

/** Whether the bundle rule picks the entry at `index`, the `ofType`-th resource of its type (both from 0) */
function picks(rule: string, type: string, ofType: number, index: number): boolean {
  const m = /^(?:([A-Za-z]+):)?(\d+)$/.exec(rule.trim());
  if (!m) return false;
  return m[1] === undefined ? Number(m[2]) === index : m[1] === type && Number(m[2]) === ofType;
}

/** The profiles each resource in `resource` is to meet: claimed or asked for, global, and by bundle rule (no duplicates) */
export function profileTargets(resource: Record<string, unknown>, opts: TargetOptions = {}): ProfileTarget[] {
  const at = String(resource.resourceType);
  const out: ProfileTarget[] = [...claimedProfiles(resource), ...(opts.profiles ?? []).map((url) => ({ resource, at, url }))];
  const globals = new Map<string, string[]>();
  for (const ig of opts.implementationGuides ?? []) {
    for (const g of ig.global ?? []) if (g.type && g.profile) globals.set(g.type, [...(globals.get(g.type) ?? []), g.profile]);
  }
  if (globals.size > 0) {
    for (const r of resourcesWithin(resource)) for (const url of globals.get(String(r.resource.resourceType)) ?? []) out.push({ ...r, url });
  }
  if (resource.resourceType === 'Bundle' && opts.bundleRules?.length && Array.isArray(resource.entry)) {
    const counts = new Map<string, number>();
    resource.entry.forEach((e, index) => {
      const r = (e as { resource?: Record<string, unknown> } | null)?.resource;
      if (!r || typeof r.resourceType !== 'string') return;
      const ofType = counts.get(r.resourceType) ?? 0;
      counts.set(r.resourceType, ofType + 1);
      for (const b of opts.bundleRules!) {
        if (picks(b.rule, r.resourceType as string, ofType, index)) out.push({ resource: r, at: `${String(resource.resourceType)}.entry[${index}].resource`, url: b.profile, container: resource });
      }
    });
  }
  const seen = new Set<string>();
  return out.filter((t) => {
    const key = `${t.at}|${t.url.split('|')[0]}`;
    return !seen.has(key) && seen.add(key);
  });
}

export interface ProfileTarget {
  resource: Record<string, unknown>;
  /** where the resource sits (its type, or `Bundle.entry[0].resource`) */
  at: string;
  url: string;
  /** the resource it sits in (a Bundle, a container), where its references resolve */
  container?: Record<string, unknown>;
}

export function profileTargetIssues(targets: readonly ProfileTarget[], defs: Definitions, opts: Pick<ProfileOptions, 'referenceTypes'> = {}): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  for (const { resource, at, url, container } of targets) {
    const sd = defs.structureDefinition(url);
    if (!sd) {
      issues.push(issueOf('FHIR_PROFILE_UNKNOWN', { detail: url, expression: at }, 'warning'));
      continue;
    }
    let found: ProfileIssue[];
    try {
      found = validateProfile(resource, sd, defs, { at, container, referenceTypes: opts.referenceTypes });
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      issues.push(issueOf('FHIR_PROFILE_VIOLATION', { type: url, detail: `the profile cannot be used: ${e.message}`, expression: at }, 'warning'));
      continue;
    }
    for (const f of found) issues.push(issueOf('FHIR_PROFILE_VIOLATION', { type: url, detail: f.message, expression: f.expression }, f.severity));
  }
  return issues;
}
