/**
 * The error catalogue (DESIGN.md house rules 6 and 7). Every client-visible error has a code here; inner
 * code throws `new FhirError(code, details)`, and only the protocol edges (HTTP error handler, ACK and AppRec
 * builders) turn a code into a response. Codes are never reused or renumbered: retire a code by marking it
 * `retired: true`, never by deleting it. README.md in this folder lists every code and is tested against this
 * table in both directions.
 *
 * OperationOutcome issue types: https://hl7.org/fhir/R4/valueset-issue-type.html
 * HTTP status codes for FHIR: https://hl7.org/fhir/R4/http.html
 * HL7 v2 table 0357 (message error condition codes): 100-207
 * AppRec error codes: Volven 8221 (only the codes quoted in HITS 1168:2016 are used so far)
 */

export type IssueType =
  | 'invalid' | 'structure' | 'required' | 'value' | 'invariant' | 'security' | 'login' | 'unknown'
  | 'expired' | 'forbidden' | 'suppressed' | 'processing' | 'not-supported' | 'duplicate'
  | 'multiple-matches' | 'not-found' | 'deleted' | 'too-long' | 'code-invalid' | 'extension'
  | 'too-costly' | 'business-rule' | 'conflict' | 'transient' | 'lock-error' | 'no-store' | 'exception'
  | 'timeout' | 'incomplete' | 'throttled' | 'informational';

export interface CatalogueEntry {
  status: number;
  issueType: IssueType;
  /** HL7 v2 table 0357 error condition code used in ERR-3 when this error answers a v2 message */
  v2: string;
  /** Volven 8221 AppRec error code, where a precise one is known */
  apprec: string | null;
  message: (d: ErrorDetails) => string;
  retired?: boolean;
  /** Only ever an issue with severity warning inside a successful response (status is then 200) */
  warningOnly?: boolean;
}

export interface ErrorDetails {
  type?: string;
  id?: string;
  versionId?: string;
  /** FHIRPath expression(s) of the element at fault */
  expression?: string | string[];
  detail?: string;
  param?: string;
  [key: string]: unknown;
}

const d = (x: unknown, fallback = ''): string => (x === undefined || x === null ? fallback : String(x));

export const CATALOGUE = {
  FHIR_NOT_FOUND: {
    status: 404, issueType: 'not-found', v2: '204', apprec: null,
    message: (e) => `${d(e.type)}/${d(e.id)} is not known`,
  },
  FHIR_GONE: {
    status: 410, issueType: 'deleted', v2: '204', apprec: null,
    message: (e) => `${d(e.type)}/${d(e.id)} has been deleted`,
  },
  FHIR_VERSION_NOT_FOUND: {
    status: 404, issueType: 'not-found', v2: '204', apprec: null,
    message: (e) => `${d(e.type)}/${d(e.id)} has no version ${d(e.versionId)}`,
  },
  FHIR_UNKNOWN_TYPE: {
    status: 404, issueType: 'not-supported', v2: '200', apprec: null,
    message: (e) => `'${d(e.type)}' is not an R4 resource type`,
  },
  FHIR_ROUTE_NOT_FOUND: {
    status: 404, issueType: 'not-supported', v2: '200', apprec: null,
    message: (e) => `No FHIR interaction matches ${d(e.detail)}`,
  },
  FHIR_METHOD_NOT_ALLOWED: {
    status: 405, issueType: 'not-supported', v2: '200', apprec: null,
    message: (e) => `${d(e.detail)} is not supported on this path`,
  },
  FHIR_OPERATION_UNKNOWN: {
    status: 404, issueType: 'not-supported', v2: '200', apprec: null,
    message: (e) => `Operation ${d(e.detail)} is not supported`,
  },
  FHIR_INVALID_JSON: {
    status: 400, issueType: 'structure', v2: '102', apprec: null,
    message: (e) => `The body is not valid JSON: ${d(e.detail)}`,
  },
  FHIR_INVALID_XML: {
    status: 400, issueType: 'structure', v2: '102', apprec: null,
    message: (e) => `The body is not valid FHIR XML: ${d(e.detail)}`,
  },
  FHIR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415, issueType: 'not-supported', v2: '200', apprec: null,
    message: (e) => `Content-Type '${d(e.detail)}' is not supported; use application/fhir+json`,
  },
  FHIR_NOT_ACCEPTABLE: {
    status: 406, issueType: 'not-supported', v2: '200', apprec: null,
    message: (e) => `Cannot produce '${d(e.detail)}'; this server speaks application/fhir+json`,
  },
  FHIR_BODY_TOO_LARGE: {
    status: 413, issueType: 'too-costly', v2: '104', apprec: null,
    message: (e) => `The body is larger than the limit of ${d(e.limit)} bytes`,
  },
  FHIR_BODY_REQUIRED: {
    status: 400, issueType: 'required', v2: '101', apprec: null,
    message: () => 'This interaction needs a resource in the body',
  },
  FHIR_NOT_A_RESOURCE: {
    status: 400, issueType: 'structure', v2: '102', apprec: null,
    message: (e) => `The body is not a FHIR resource${e.detail ? `: ${d(e.detail)}` : ''}`,
    },
  FHIR_TYPE_MISMATCH: {
    status: 400, issueType: 'invalid', v2: '102', apprec: null,
    message: (e) => `The body is a ${d(e.actual)} but the URL names ${d(e.type)}`,
  },
  FHIR_ID_MISMATCH: {
    status: 400, issueType: 'invalid', v2: '102', apprec: null,
    message: (e) => `The body has id '${d(e.actual)}' but the URL names '${d(e.id)}'`,
  },
  FHIR_ID_MISSING: {
    status: 400, issueType: 'required', v2: '101', apprec: null,
    message: () => 'An update needs the resource id in the body, equal to the id in the URL',
  },
  FHIR_ID_INVALID: {
    status: 400, issueType: 'value', v2: '102', apprec: null,
    message: (e) => `'${d(e.id)}' is not a valid FHIR id ([A-Za-z0-9-.]{1,64})`,
  },
  FHIR_STRUCTURE: {
    status: 400, issueType: 'structure', v2: '102', apprec: null,
    message: (e) => d(e.detail, 'The resource does not conform to the R4 structure'),
  },
  FHIR_INVARIANT: {
    status: 400, issueType: 'invariant', v2: '102', apprec: null,
    message: (e) => d(e.detail, 'The resource violates an R4 invariant'),
  },
  FHIR_REFERENCE_INVALID: {
    status: 400, issueType: 'value', v2: '102', apprec: null,
    message: (e) => `'${d(e.reference)}' is not a valid reference${e.detail ? `: ${d(e.detail)}` : ''}`,
  },
  FHIR_REFERENCE_NOT_FOUND: {
    status: 422, issueType: 'business-rule', v2: '204', apprec: null,
    message: (e) => `Reference '${d(e.reference)}' points to a resource that does not exist`,
  },
  FHIR_PRECONDITION_FAILED: {
    status: 412, issueType: 'conflict', v2: '206', apprec: null,
    message: (e) => `If-Match ${d(e.expected)} does not match the current version ${d(e.versionId)} of ${d(e.type)}/${d(e.id)}`,
  },
  FHIR_MULTIPLE_MATCHES: {
    status: 412, issueType: 'multiple-matches', v2: '205', apprec: null,
    message: (e) => `The condition '${d(e.detail)}' matches ${d(e.count)} ${d(e.type)} resources; it must match at most one`,
  },
  FHIR_CONDITION_REQUIRED: {
    status: 400, issueType: 'required', v2: '101', apprec: null,
    message: () => 'A conditional interaction needs search parameters in the URL or If-None-Exist header',
  },
  FHIR_PARAM_UNKNOWN: {
    status: 400, issueType: 'not-supported', v2: '102', apprec: null,
    message: (e) => `Search parameter '${d(e.param)}' is not supported for ${d(e.type)}${e.detail ? `: ${d(e.detail)}` : ''}`,
  },
  FHIR_PARAM_INVALID: {
    status: 400, issueType: 'value', v2: '102', apprec: null,
    message: (e) => `Parameter '${d(e.param)}' has an invalid value${e.detail ? `: ${d(e.detail)}` : ''}`,
  },
  FHIR_PATCH_INVALID: {
    status: 400, issueType: 'structure', v2: '102', apprec: null,
    message: (e) => `The patch document is invalid: ${d(e.detail)}`,
  },
  FHIR_PATCH_FAILED: {
    status: 422, issueType: 'processing', v2: '207', apprec: null,
    message: (e) => `The patch could not be applied: ${d(e.detail)}`,
  },
  FHIR_BUNDLE_INVALID: {
    status: 400, issueType: 'invalid', v2: '102', apprec: null,
    message: (e) => `Invalid Bundle: ${d(e.detail)}`,
  },
  FHIR_TRANSACTION_OVERLAP: {
    status: 400, issueType: 'invalid', v2: '205', apprec: null,
    message: (e) => `Transaction entries ${d(e.detail)} act on the same resource`,
  },
  FHIR_CONDITIONAL_REF_NO_MATCH: {
    status: 400, issueType: 'not-found', v2: '204', apprec: null,
    message: (e) => `Conditional reference '${d(e.reference)}' matches no resource`,
  },
  FHIR_CONDITIONAL_ID_CONFLICT: {
    status: 412, issueType: 'conflict', v2: '205', apprec: null,
    message: (e) => `No resource matches '${d(e.detail)}', but ${d(e.type)}/${d(e.id)} exists: a conditional update will not overwrite a resource its condition did not match`,
  },
  FHIR_FORMAT_UNSUPPORTED: {
    status: 400, issueType: 'not-supported', v2: '200', apprec: null,
    message: (e) => `_format '${d(e.detail)}' is not supported`,
  },
  FHIR_HEADER_INVALID: {
    status: 400, issueType: 'value', v2: '102', apprec: null,
    message: (e) => `Header ${d(e.header)} is invalid: ${d(e.detail)}`,
  },
  FHIR_INTERNAL: {
    status: 500, issueType: 'exception', v2: '207', apprec: null,
    message: () => 'Internal server error; the fault has been logged with this request id',
  },
  FHIR_SERVICE_UNAVAILABLE: {
    status: 503, issueType: 'transient', v2: '207', apprec: null,
    message: (e) => `The service is unavailable: ${d(e.detail)}`,
  },
  FHIR_PARAM_NOT_READY: {
    status: 409, issueType: 'incomplete', v2: '207', apprec: null,
    message: (e) => `Search parameter '${d(e.param)}' of ${d(e.type)} (${d(e.detail)}) is not ready: run $reindex; until it finishes the parameter would miss resources written before it existed`,
  },
  // A warning inside a 200 searchset Bundle, never an error response (status is what the search answers).
  FHIR_INCLUDE_TRUNCATED: {
    status: 200, issueType: 'too-costly', v2: '207', apprec: null, warningOnly: true,
    message: (e) => `_include/_revinclude stopped after ${d(e.detail)} included resources; narrow the search or page through it`,
  },
  // $validate (src/fhir/operations/validate.ts): issues inside its 200 OperationOutcome
  FHIR_PROFILE_UNKNOWN: {
    status: 200, issueType: 'not-found', v2: '207', apprec: null, warningOnly: true,
    message: (e) => `Profile ${d(e.detail)} is not known to this server; the resource was checked against the base R4 definitions only`,
  },
  // retired the same day: profiles are checked now (FHIR_PROFILE_VIOLATION)
  FHIR_PROFILE_NOT_CHECKED: {
    status: 200, issueType: 'not-supported', v2: '207', apprec: null, warningOnly: true, retired: true,
    message: (e) => `Profile ${d(e.detail)} is known, but validation against profiles is not available yet; the resource was checked against the base R4 definitions only`,
  },
  FHIR_PROFILE_VIOLATION: {
    status: 422, issueType: 'invariant', v2: '207', apprec: null,
    message: (e) => `Profile ${d(e.type)}: ${d(e.detail)}`,
  },
  FHIR_IDENTIFIER_INVALID: {
    status: 422, issueType: 'value', v2: '102', apprec: null,
    message: (e) => `Identifier ${d(e.detail)}`,
  },
  FHIR_EXTENSION_INVALID: {
    status: 422, issueType: 'extension', v2: '207', apprec: null,
    message: (e) => `${d(e.detail)}`,
  },
  // rules the Java validator applies beside the profiles (src/fhir/validation/conformance-checks.ts)
  FHIR_DISPLAY_INVALID: {
    status: 422, issueType: 'invalid', v2: '103', apprec: null,
    message: (e) => `${d(e.detail)}`,
  },
  FHIR_MARKDOWN_HTML: {
    status: 422, issueType: 'invalid', v2: '102', apprec: null,
    message: (e) => `${d(e.detail)}`,
  },
  FHIR_EXAMPLE_URL: {
    status: 422, issueType: 'invalid', v2: '102', apprec: null,
    message: (e) => `${d(e.detail)}`,
  },
  // terminology operations (src/terminology, src/fhir/operations)
  FHIR_TERMINOLOGY_UNAVAILABLE: {
    status: 422, issueType: 'not-supported', v2: '207', apprec: null,
    message: (e) => `Terminology not available here: ${d(e.detail)}`,
  },
  FHIR_CODE_UNKNOWN: {
    status: 404, issueType: 'code-invalid', v2: '103', apprec: null,
    message: (e) => `Unknown code: ${d(e.detail)}`,
  },
  FHIR_VALIDATION_OK: {
    status: 200, issueType: 'informational', v2: '207', apprec: null, warningOnly: true,
    message: (e) => `No issues found (mode ${d(e.detail)})`,
  },
  // the room board, Location/$board (src/fhir/operations/board.ts)
  FHIR_BOARD_SITE_REQUIRED: {
    status: 400, issueType: 'required', v2: '101', apprec: null,
    message: () => 'Location/$board needs the parameter site (Location/[id] or [id] of the DMS site)',
  },
  FHIR_BOARD_SITE_NOT_LOCATION: {
    status: 400, issueType: 'value', v2: '102', apprec: null,
    message: (e) => `The site of Location/$board must be a Location on this server (Location/[id] or [id]), not ${d(e.detail)}`,
  },
  FHIR_BOARD_SITE_UNKNOWN: {
    status: 404, issueType: 'not-found', v2: '204', apprec: null,
    message: (e) => `The site Location/${d(e.id)} of Location/$board does not exist (or was deleted)`,
  },
} satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;

export function entryFor(code: ErrorCode): CatalogueEntry {
  return CATALOGUE[code];
}
