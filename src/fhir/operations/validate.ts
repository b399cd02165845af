/**
 * $validate on a type and an instance: POST [base]/[type]/$validate, POST [base]/[type]/[id]/$validate.
 * https://hl7.org/fhir/R4/resource-operation-validate.html
 *
 * In: a Parameters resource (resource 0..1, mode 0..1 create|update|delete|profile, profile 0..1 uri), or the
 * resource itself as the body. Out: always 200 with an OperationOutcome listing what a write in that mode
 * would meet (the structure check of every write, and for create and update the referential-integrity
 * check of the server's setting), or a single information issue when there is nothing. 4xx only when the
 * request itself is wrong: no resource where one is needed, a resource of another type than the URL, an
 * unknown mode, a resource sent with mode=delete, delete or update without an instance id.
 *
 * What is checked is ../validation/conformance-checks.ts validateResource, the one function `helsebro validate`
 * and the conformance run call too: the structure check, then every profile in meta.profile and the `profile`
 * parameter, looked up among the StructureDefinitions the server holds and the R4 core ones
 * (../validation/registry.ts) and checked (../validation/profile.ts: FHIR_PROFILE_VIOLATION issues; one it does
 * not know is a warning, FHIR_PROFILE_UNKNOWN), extensions, Questionnaire answers, Measures, markdown and
 * Coding displays.
 */
import type { OperationOutcome, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { FhirError, issueOf, type ErrorIssue } from '../../errors/fhir-error.ts';
import type { Handler, RouteParams } from '../context.ts';
import { outcomeOf } from '../outcome.ts';
import type { FhirRequest } from '../types.ts';
import { validateResource } from '../validation/conformance-checks.ts';
import { checkReferences, requireResourceBody } from '../write-path.ts';

const MODES = new Set(['create', 'update', 'delete', 'profile']);

interface Input {
  resource?: Resource;
  mode?: string;
  profile?: string;
}

/** The operation's parameters from a Parameters body, a bare resource, or the URL */
function inputOf(req: FhirRequest): Input {
  const body = req.body as Resource | undefined;
  const urlMode = req.query.get('mode') ?? undefined;
  const urlProfile = req.query.get('profile') ?? undefined;
  if (body === undefined || body === null) return { mode: urlMode, profile: urlProfile };
  if (typeof body !== 'object' || Array.isArray(body)) throw new FhirError('FHIR_NOT_A_RESOURCE', { detail: 'expected a resource or a Parameters resource' });
  if (body.resourceType !== 'Parameters') return { resource: body, mode: urlMode, profile: urlProfile };
  const params = (body as Parameters).parameter ?? [];
  const one = (name: string): ParametersParameter | undefined => {
    const found = params.filter((p) => p.name === name);
    if (found.length > 1) throw new FhirError('FHIR_PARAM_INVALID', { param: name, detail: 'given more than once' });
    return found[0];
  };
  for (const p of params) {
    if (!['resource', 'mode', 'profile'].includes(p.name)) throw new FhirError('FHIR_PARAM_INVALID', { param: p.name, detail: 'not a parameter of $validate (resource, mode, profile)' });
  }
  const resource = one('resource');
  if (resource && !resource.resource) throw new FhirError('FHIR_PARAM_INVALID', { param: 'resource', detail: 'a resource parameter carries its resource in parameter.resource' });
  return { resource: resource?.resource, mode: one('mode')?.valueCode ?? urlMode, profile: one('profile')?.valueUri ?? one('profile')?.valueCanonical ?? urlProfile };
}

export const validate: Handler = async (env, req, p) => {
  const type = p.type!;
  const input = inputOf(req);
  const mode = input.mode ?? 'profile';
  if (!MODES.has(mode)) throw new FhirError('FHIR_PARAM_INVALID', { param: 'mode', detail: `'${mode}' is not one of create, update, delete, profile` });
  const issues: ErrorIssue[] = mode === 'delete' ? await forDelete(env.repo, type, p, input) : await forWrite(env, req, type, p, mode, input);
  const outcome: OperationOutcome = outcomeOf(issues.length > 0 ? issues : [issueOf('FHIR_VALIDATION_OK', { detail: mode }, 'information')], req.context.requestId);
  return { status: 200, resource: outcome };
};

async function forWrite(env: Parameters0<typeof validate>, req: FhirRequest, type: string, p: RouteParams, mode: string, input: Input): Promise<ErrorIssue[]> {
  const resource = requireResourceBody(input.resource, type);
  if (mode === 'update' && p.id === undefined) throw new FhirError('FHIR_PARAM_INVALID', { param: 'mode', detail: 'update is validated on an instance: [type]/[id]/$validate' });
  const issues: ErrorIssue[] = [];
  if (p.id !== undefined && resource.id !== undefined && resource.id !== p.id) {
    issues.push(issueOf('FHIR_ID_MISMATCH', { id: p.id, actual: resource.id, expression: `${type}.id` }));
  } else if (mode === 'update' && resource.id === undefined) {
    issues.push(issueOf('FHIR_ID_MISSING', { expression: `${type}.id` }));
  }
  const defs = await env.deps.conformance.definitions();
  const result = validateResource(env.deps.validator, resource, defs, { profiles: input.profile ? [input.profile] : [] });
  issues.push(...result.issues);
  // a write that fails the structure check never reaches the reference check
  if (result.structureValid && (mode === 'create' || mode === 'update')) {
    try {
      await checkReferences(env, env.repo, req, result.references);
    } catch (e) {
      if (!(e instanceof FhirError)) throw e;
      issues.push(...e.issues);
    }
  }
  return issues;
}

/** mode=delete: no resource; the instance must exist (deleting a resource that is not there is a 404) */
async function forDelete(repo: Parameters0<typeof validate>['repo'], type: string, p: RouteParams, input: Input): Promise<ErrorIssue[]> {
  if (input.resource !== undefined) throw new FhirError('FHIR_PARAM_INVALID', { param: 'resource', detail: 'mode=delete takes no resource' });
  if (p.id === undefined) throw new FhirError('FHIR_PARAM_INVALID', { param: 'mode', detail: 'delete is validated on an instance: [type]/[id]/$validate' });
  try {
    await repo.read(type, p.id);
    return [];
  } catch (e) {
    if (!(e instanceof FhirError)) throw e;
    return e.issues;
  }
}

type Parameters0<F> = F extends (a: infer A, ...rest: never[]) => unknown ? A : never;
