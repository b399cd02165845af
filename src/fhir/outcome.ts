/**
 * OperationOutcome construction: https://hl7.org/fhir/R4/operationoutcome.html
 * The request id travels as OperationOutcome.id, so a client can quote it and an operator can find every
 * log line of that request. Each issue carries its catalogue code in details.coding (system below), the
 * human text in details.text and diagnostics, and the element at fault as FHIRPath in `expression`.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { type ErrorIssue } from '../errors/fhir-error.ts';

export const ERROR_CODE_SYSTEM = 'https://helsebro.no/fhir/CodeSystem/error-code';

export function issueToFhir(issue: ErrorIssue): OperationOutcomeIssue {
  const out: OperationOutcomeIssue = {
    severity: issue.severity,
    code: issue.issueType,
    details: { coding: [{ system: ERROR_CODE_SYSTEM, code: issue.code }], text: issue.message },
    diagnostics: issue.message,
  };
  if (issue.expression && issue.expression.length > 0) out.expression = issue.expression;
  return out;
}

export function outcomeOf(issues: ErrorIssue[], requestId?: string): OperationOutcome {
  const oo: OperationOutcome = { resourceType: 'OperationOutcome', issue: issues.map(issueToFhir) };
  if (requestId) oo.id = requestId;
  return oo;
}

export function informational(text: string, requestId?: string): OperationOutcome {
  const oo: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics: text }],
  };
  if (requestId) oo.id = requestId;
  return oo;
}
