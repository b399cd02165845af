/**
 * Validation against the conformance resources the validation runs with (https://hl7.org/fhir/R4/validation.html:
 * "Validation against profiles", terminology, extensions), as one function that every caller runs:
 * $validate (../operations/validate.ts), profile enforcement on write (../write-path.ts), `helsebro validate`
 * (./cli.ts) and `npm run conformance:validator`, so a score measured there is a score of $validate.
 *
 * `validateResource` = the structure check of every write (./index.ts ResourceValidator) + `conformanceChecks`:
 *   - profiles: each resource's meta.profile, the guides' global profiles, bundle rules, and `profiles` for the
 *     resource itself (./profile-issues.ts); a StructureDefinition against the rules a profile must meet
 *     (./structure-definition-rules.ts);
 *   - a QuestionnaireResponse against its Questionnaire (./questionnaire.ts), Measures and MeasureReports
 *     (./measure.ts), extensions against their definitions (./extensions.ts);
 *   - in one typed walk (./typed-walk.ts walkRules): HTML in markdown (./markdown.ts, a warning unless asked
 *     for as an error), Coding.display against the code systems held (./displays.ts, an error: the Java
 *     validator's "Wrong Display Name"), and, when content is declared not to be an example, example URLs
 *     (./example-urls.ts).
 * Severities are the Java validator's; profile enforcement refuses a write only for errors.
 */
import type { ImplementationGuide, QuestionnaireResponse, StructureDefinition } from '@medplum/fhirtypes';
import type { ErrorCode } from '../../errors/catalogue.ts';
import { issueOf, type ErrorIssue } from '../../errors/fhir-error.ts';
import { displayRule } from './displays.ts';
import { exampleUrlRule } from './example-urls.ts';
import { checkExtensions } from './extensions.ts';
import type { ResourceValidator, ValidateOptions, ValidationResult } from './index.ts';
import { markdownRule, type MarkdownOptions } from './markdown.ts';
import { validateMeasures } from './measure.ts';
import { claimedProfiles, type Definitions, type ProfileIssue } from './profile.ts';
import { profileTargetIssues, profileTargets, type BundleRule } from './profile-issues.ts';
import { validateQuestionnaireResponse } from './questionnaire.ts';
import { checkStructureDefinition } from './structure-definition-rules.ts';
import { RESOURCE_TYPES } from './structure.ts';
import { walkRules } from './typed-walk.ts';

type Json = Record<string, unknown>;

export interface ConformanceOptions {
  /** profiles the resource itself is validated against, beside those it claims ($validate `profile`, --profile) */
  profiles?: readonly string[];
  /** the guides the validation runs under: their global profiles apply */
  implementationGuides?: readonly ImplementationGuide[];
  /** profiles for chosen Bundle entries (the Java validator's -bundle) */
  bundleRules?: readonly BundleRule[];
  /** judge the type a relative or RESTful reference names (default: on a FHIR server `Patient/1` is a Patient) */
  assumeValidRestReferences?: boolean;
  /** an extension whose definition is not held: a warning (default; a server cannot hold every guide) or an error */
  unknownExtensions?: 'error' | 'warning';
  /** whether content may be an example (default true); false makes example URLs errors */
  examples?: boolean;
  /** HTML in markdown: 'warning' (default), 'error' (the Java validator's noHtmlInMarkdown), 'ignore' */
  markdownHtml?: MarkdownOptions['html'];
  /** the validation languages: which designations count as valid displays */
  languages?: readonly string[];
}

export interface ResourceValidationOptions extends ValidateOptions, ConformanceOptions {}

const issuesOf = (code: ErrorCode, found: readonly ProfileIssue[], type?: string): ErrorIssue[] =>
  found.map((f) => issueOf(code, { ...(type !== undefined ? { type } : {}), detail: f.message, expression: f.expression }, f.severity));

export interface ResourceValidationResult extends ValidationResult {
  /** whether the structure check (the one every write meets) found no error */
  structureValid: boolean;
}

/** $validate's check of a resource (mode profile): the structure check, then the conformance checks */
export function validateResource(validator: Pick<ResourceValidator, 'validate'>, resource: unknown, defs: Definitions, opts: ResourceValidationOptions = {}): ResourceValidationResult {
  const { contained, referenceExists, allowConditionalReferences } = opts;
  const result = validator.validate(resource, { contained, referenceExists, allowConditionalReferences });
  const structureValid = !result.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
  const type = (resource as { resourceType?: unknown } | null)?.resourceType;
  // not a resource at all: the structure check said so, and there is nothing to check against a profile
  if (typeof type !== 'string' || !RESOURCE_TYPES.has(type)) return { ...result, structureValid };
  return { issues: [...result.issues, ...conformanceChecks(resource as Json, defs, opts)], references: result.references, structureValid };
}

/** Every check against the conformance resources in `defs` (the module header lists them) */
export function conformanceChecks(resource: Json, defs: Definitions, opts: ConformanceOptions = {}): ErrorIssue[] {
  const type = String(resource.resourceType);
  const targets = profileTargets(resource, { implementationGuides: opts.implementationGuides, bundleRules: opts.bundleRules, profiles: opts.profiles });
  const issues = [
    ...issuesOf('FHIR_PROFILE_VIOLATION', checkStructureDefinition(resource, defs), 'http://hl7.org/fhir/StructureDefinition/StructureDefinition'),
    ...profileTargetIssues(targets, defs, { referenceTypes: opts.assumeValidRestReferences }),
  ];
  if (type === 'QuestionnaireResponse') {
    const qr = resource as unknown as QuestionnaireResponse;
    issues.push(...issuesOf('FHIR_PROFILE_VIOLATION', validateQuestionnaireResponse(qr, defs, { assumeValidRestReferences: opts.assumeValidRestReferences }), qr.questionnaire));
  }
  issues.push(...issuesOf('FHIR_PROFILE_VIOLATION', validateMeasures(resource, defs), type));
  issues.push(...issuesOf('FHIR_EXTENSION_INVALID', checkExtensions(resource, defs, { unknown: opts.unknownExtensions ?? 'warning', ...(opts.examples === false ? { examples: false } : {}) })));
  issues.push(...typedRuleIssues(resource, defs, opts));
  return issues;
}

/** Markdown, displays and example URLs, in one walk over the resource's typed values */
function typedRuleIssues(resource: Json, defs: Definitions, opts: ConformanceOptions): ErrorIssue[] {
  const markdown: ProfileIssue[] = [];
  const displays: ProfileIssue[] = [];
  const examples: ProfileIssue[] = [];
  // a coding's display is also judged through the bindings of the profiles the resource is validated against:
  // those asked for and those it and the resources in it claim (a profile's value set may give a code displays
  // of its own; ./displays.ts reads a nested resource's codings against the profiles of its type)
  const urls = new Set([...(opts.profiles ?? []), ...claimedProfiles(resource).map((t) => t.url)]);
  const profiles = [...urls].map((u) => defs.structureDefinition(u)).filter((sd): sd is StructureDefinition => sd !== undefined);
  walkRules(resource, defs, [
    markdownRule(markdown, { html: opts.markdownHtml }),
    displayRule(displays, defs, { ...(opts.languages ? { languages: opts.languages } : {}), profiles }),
    opts.examples === false ? exampleUrlRule(examples) : undefined,
  ]);
  return [...issuesOf('FHIR_MARKDOWN_HTML', markdown), ...issuesOf('FHIR_DISPLAY_INVALID', displays), ...issuesOf('FHIR_EXAMPLE_URL', examples)];
}
