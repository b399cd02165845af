/**
 * The structure check every write goes through (https://hl7.org/fhir/R4/validation.html), in three layers:
 * 1. structure.ts: the R4 JSON rules (json.html) with ajv and the patched R4 JSON schema; Resource.id
 *    (resource.html#id); calendar-valid dates (datatypes.html#date); contained and Bundle/Parameters resources
 *    each against their own type.
 * 2. references.ts: every Reference.reference follows references.html#literal; their sites are returned so
 *    the router can check that targets exist and rewrite urn:uuid references. A Bundle by the rules its
 *    definition does not carry (./bundle-rules.ts: fullUrl, self link). In one walk over the objects
 *    (./object-walk.ts): Norwegian identifiers by their system (src/norway/identifiers.ts:
 *    FHIR_IDENTIFIER_INVALID); narratives by txt-1 and txt-2 (./narrative.ts), which the base check leaves to
 *    it; ele-1 on primitives, the 1 MB string limit and Attachment.size (./element-rules.ts); a Questionnaire's
 *    enableWhen rules (que-12 as its text reads, enableWhen targets: ./questionnaire-items.ts).
 * 3. structure-definitions.ts ('full' only, and only when 1 and 2 found no error): the base check, our profile
 *    validator against the R4 StructureDefinitions (cardinality, choice types, invariants).
 * Warnings are returned but never thrown.
 */
import type { ErrorDetails } from '../../errors/catalogue.ts';
import { FhirError, issueOf, type ErrorIssue } from '../../errors/fhir-error.ts';
import { identifierProblem } from '../../norway/identifiers.ts';
import { checkBundleRules } from './bundle-rules.ts';
import { elementRulesVisitor } from './element-rules.ts';
import { narrativeVisitor } from './narrative.ts';
import { forEachObject, type ObjectVisitor } from './object-walk.ts';
import { questionnaireVisitor } from './questionnaire-items.ts';
import { unresolvedReferences } from './reference-targets.ts';
import { checkReferences } from './references.ts';
import { checkDefinitions, coreDefinitions, definitionStats } from './structure-definitions.ts';
import { checkStructure, RESOURCE_TYPES, structureStats, structureValidator, type Finding } from './structure.ts';

export interface ReferenceSite {
  reference: string;
  /** FHIRPath of the Reference element, e.g. Observation.subject or Bundle.entry[0].resource.subject */
  expression: string;
}

export interface ValidationResult {
  issues: ErrorIssue[];
  references: ReferenceSite[];
}

export type ValidationLevel = 'schema' | 'full';

export interface ValidateOptions {
  /** Accept `Type?search` references (a transaction resolves them before storing) */
  allowConditionalReferences?: boolean;
  /**
   * 'ignore': contained resources are not validated (they still resolve `#id` references); the Java
   * validator's validateContains IGNORE. Default 'validate'.
   */
  contained?: 'validate' | 'ignore';
  /**
   * Whether the target of a relative reference exists (the store, a fetcher): when given, a `Type/id` that
   * resolves neither inside the resource (Bundle entries, Parameters resources) nor through it is an error
   * (./reference-targets.ts; the Java validator's validateReference CHECK_EXISTS)
   */
  referenceExists?: (reference: string) => boolean;
}

export interface ValidatorOptions extends ValidateOptions {
  /** 'schema' = layers 1 and 2; 'full' (default) adds the StructureDefinition layer */
  level?: ValidationLevel;
}

const isError = (f: Finding): boolean => f.severity === 'error' || f.severity === 'fatal';

export class ResourceValidator {
  static readonly resourceTypes: ReadonlySet<string> = RESOURCE_TYPES;
  readonly level: ValidationLevel;
  readonly #allowConditional: boolean;

  constructor(opts: ValidatorOptions = {}) {
    this.level = opts.level ?? 'full';
    this.#allowConditional = opts.allowConditionalReferences ?? false;
  }

  /**
   * Pays the one-off costs before the first request does: schema load, compiling `types` (each ~30-60 ms,
   * the first ~300 ms) and, at 'full', loading the R4 StructureDefinitions (~0.5-1 s). Returns the times in ms.
   */
  static warmUp(types: readonly string[], level: ValidationLevel = 'full'): { schemaLoadMs: number; compileMs: number; indexMs: number } {
    const loadBefore = structureStats.schemaLoadMs;
    const started = performance.now();
    for (const type of types) structureValidator(type);
    const compileMs = performance.now() - started - (structureStats.schemaLoadMs - loadBefore);
    if (level === 'full') coreDefinitions();
    return { schemaLoadMs: structureStats.schemaLoadMs, compileMs, indexMs: definitionStats.loadMs };
  }

  /** Validate one resource (not inside a Bundle entry path) */
  validate(resource: unknown, opts: ValidateOptions = {}): ValidationResult {
    const { findings, references } = this.#run(resource, opts);
    return { issues: findings.map(toIssue), references };
  }

  /**
   * Throws FhirError carrying every error issue (the first one's code is the error's code); returns the
   * reference sites when the resource is valid.
   */
  assertValid(resource: unknown, opts: ValidateOptions = {}): ReferenceSite[] {
    const { findings, references } = this.#run(resource, opts);
    const errors = findings.filter(isError);
    if (errors.length > 0) throw new FhirError(errors[0].code, errors[0].details, errors.map(toIssue));
    return references;
  }

  #run(resource: unknown, opts: ValidateOptions): { findings: Finding[]; references: ReferenceSite[] } {
    const top = topLevelProblem(resource);
    if (top) return { findings: [top], references: [] };
    const res = resource as Record<string, unknown>;
    const type = res.resourceType as string;
    const ignoreContained = opts.contained === 'ignore';
    let run;
    try {
      run = checkStructure(res, type, { skipContained: ignoreContained });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      const detail = 'The resource is too deeply nested (or a value too large) to validate';
      return { findings: [{ code: 'FHIR_STRUCTURE', severity: 'error', details: { detail, expression: type } }], references: [] };
    }
    const allowConditional = opts.allowConditionalReferences ?? this.#allowConditional;
    // with contained resources ignored, the later layers see the resource without them
    const own = ignoreContained && 'contained' in res ? withoutContained(res) : res;
    const objects = objectRules(own, type);
    const findings = [...run.findings, ...checkReferences(run.references, allowConditional), ...objects.identifiers, ...checkBundleRules(own), ...objects.rest];
    if (opts.referenceExists) findings.push(...unresolvedReferences(res, run.references, opts.referenceExists));
    if (this.level === 'full' && !findings.some(isError)) findings.push(...checkDefinitions(own));
    return { findings, references: run.references.map(({ reference, expression }) => ({ reference, expression })) };
  }
}

function withoutContained(res: Record<string, unknown>): Record<string, unknown> {
  const { contained: _contained, ...rest } = res;
  return rest;
}

/**
 * The Norwegian identifier, narrative, element and Questionnaire item rules in one walk over the objects, their
 * findings in that order (identifiers apart: they are reported before the Bundle rules)
 */
function objectRules(resource: Record<string, unknown>, at: string): { identifiers: Finding[]; rest: Finding[] } {
  const identifiers: Finding[] = [];
  const narratives: Finding[] = [];
  const elements: Finding[] = [];
  const questionnaires: Finding[] = [];
  forEachObject(resource, at, [norwegianIdentifiers(identifiers), narrativeVisitor(narratives), elementRulesVisitor(elements), questionnaireVisitor(questionnaires)]);
  return { identifiers, rest: [...narratives, ...elements, ...questionnaires] };
}

/** Norwegian identifiers by their system (src/norway/identifiers.ts): each failure names the identifier and rule */
function norwegianIdentifiers(out: Finding[]): ObjectVisitor {
  return (o, path) => {
    const p = identifierProblem(o, () => String(path));
    if (p) {
      out.push({
        code: 'FHIR_IDENTIFIER_INVALID',
        severity: 'error',
        details: { detail: `${p.value} (${p.system}) is not a valid ${p.rule}: ${p.problems.join('; ')}`, expression: p.expression },
      });
    }
  };
}

/** json.html#resources: a resource is a JSON object whose resourceType names an R4 resource type */
function topLevelProblem(resource: unknown): Finding | undefined {
  const notResource = (detail: string, expression?: string): Finding =>
    ({ code: 'FHIR_NOT_A_RESOURCE', severity: 'error', details: { detail, expression } });
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    return notResource(`expected a JSON object, found ${Array.isArray(resource) ? 'an array' : resource === null ? 'null' : typeof resource}`);
  }
  const type = (resource as { resourceType?: unknown }).resourceType;
  if (type === undefined) return notResource('it has no resourceType');
  if (typeof type !== 'string' || !RESOURCE_TYPES.has(type)) {
    return notResource(`'${String(type)}' is not an R4 resource type`, 'resourceType');
  }
  return undefined;
}

function toIssue(f: Finding): ErrorIssue {
  return issueOf(f.code, f.details as ErrorDetails, f.severity);
}
