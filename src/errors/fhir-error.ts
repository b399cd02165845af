/**
 * The one coded error type inner code throws (DESIGN.md house rule 6). It carries a catalogue code and the
 * details that fill the message; it never decides an HTTP status or builds a response itself.
 */
import { CATALOGUE, type ErrorCode, type ErrorDetails, type IssueType } from './catalogue.ts';

export interface ErrorIssue {
  code: ErrorCode;
  severity: 'fatal' | 'error' | 'warning' | 'information';
  issueType: IssueType;
  message: string;
  expression?: string[];
}

export class FhirError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** Further issues of the same error (for example every failing element of a validation) */
  readonly issues: ErrorIssue[];

  constructor(code: ErrorCode, details: ErrorDetails = {}, issues?: ErrorIssue[]) {
    super(CATALOGUE[code].message(details));
    this.name = 'FhirError';
    this.code = code;
    this.details = details;
    this.issues = issues && issues.length > 0 ? issues : [issueOf(code, details)];
  }

  /** An error made of several issues (validation): the first issue decides the code and the status. */
  static fromIssues(issues: ErrorIssue[]): FhirError {
    const e = new FhirError(issues[0].code, {}, issues);
    e.message = issues[0].message;
    return e;
  }

  get status(): number {
    return CATALOGUE[this.code].status;
  }
}

export function issueOf(code: ErrorCode, details: ErrorDetails = {}, severity: ErrorIssue['severity'] = 'error'): ErrorIssue {
  const entry = CATALOGUE[code];
  const expr = details.expression;
  return {
    code,
    severity,
    issueType: entry.issueType,
    message: entry.message(details),
    expression: expr === undefined ? undefined : Array.isArray(expr) ? expr : [expr],
  };
}

export function isFhirError(e: unknown): e is FhirError {
  return e instanceof FhirError;
}
