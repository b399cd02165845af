/**
 * A resource against the profiles it is to meet, as catalogue issues: one shared by $validate, profile
 * enforcement on write (../write-path.ts) and the validate command (./cli.ts). A profile that is not known is
 * a FHIR_PROFILE_UNKNOWN warning; one whose snapshot cannot be built is a warning that says so; every rule it
 * breaks is a FHIR_PROFILE_VIOLATION with the rule's severity.
 */
import { issueOf, type ErrorIssue } from '../../errors/fhir-error.ts';
import { validateProfile, type Definitions, type ProfileIssue } from './profile.ts';
import { SnapshotError } from './snapshot.ts';

export interface ProfileTarget {
  resource: Record<string, unknown>;
  /** where the resource sits (its type, or `Bundle.entry[0].resource`) */
  at: string;
  url: string;
  /** the resource it sits in (a Bundle, a container), where its references resolve */
  container?: Record<string, unknown>;
}

export function profileTargetIssues(targets: readonly ProfileTarget[], defs: Definitions): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  for (const { resource, at, url, container } of targets) {
    const sd = defs.structureDefinition(url);
    if (!sd) {
      issues.push(issueOf('FHIR_PROFILE_UNKNOWN', { detail: url, expression: at }, 'warning'));
      continue;
    }
    let found: ProfileIssue[];
    try {
      found = validateProfile(resource, sd, defs, { at, container });
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      issues.push(issueOf('FHIR_PROFILE_VIOLATION', { type: url, detail: `the profile cannot be used: ${e.message}`, expression: at }, 'warning'));
      continue;
    }
    for (const f of found) issues.push(issueOf('FHIR_PROFILE_VIOLATION', { type: url, detail: f.message, expression: f.expression }, f.severity));
  }
  return issues;
}
