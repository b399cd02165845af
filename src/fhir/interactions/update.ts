/**
 * update (with update-as-create and If-Match) and conditional update.
 * https://hl7.org/fhir/R4/http.html#update , #cond-update , #concurrency
 */
import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import { matchCondition, singleMatch } from '../conditional.ts';
import { parseETag } from '../http-semantics.ts';
import { writeResponse } from '../respond.ts';
import { checkProfiles, checkReferences, requireResourceBody, validateStructure } from '../write-path.ts';
import type { Env, Handler } from '../context.ts';
import type { FhirRequest, FhirResponse } from '../types.ts';
import type { Repository, UpdateOptions, UpdateResult } from '../../store/repository.ts';

export const update: Handler = async (env, req, p) => {
  const { resource, opts } = await checkedUpdate(env, env.repo, req, p.type!, p.id!);
  return updateResponse(await env.repo.update(resource, opts), req);
};

/**
 * Everything of an update before its write: the body, the structure and profile checks, and the reference
 * check against `repo`. No transaction of its own: the write joins the store's group commit. The reference
 * check reads the committed state just before; a target deleted in between is the same race any store
 * without foreign keys has, and If-Match still guards the version being replaced. Also the checks of a
 * transaction's POST and PUT entries on its direct path (../bundle/transaction-direct.ts).
 */
export async function checkedUpdate(env: Env, repo: Repository, req: FhirRequest, type: string, id: string): Promise<{ resource: Resource; opts: UpdateOptions }> {
  const body = requireResourceBody(req.body, type);
  if (body.id === undefined) throw new FhirError('FHIR_ID_MISSING', { expression: `${type}.id` });
  if (body.id !== id) throw new FhirError('FHIR_ID_MISMATCH', { id, actual: body.id, expression: `${type}.id` });
  const refs = validateStructure(env, body);
  await checkProfiles(env, body);
  await checkReferences(env, repo, req, refs);
  return { resource: body, opts: ifMatchOf(req) };
}

/** The answer to an update: 201 when it created the resource */
export function updateResponse(s: UpdateResult, req: FhirRequest): FhirResponse {
  return writeResponse(s, s.created ? 201 : 200, req, `${s.created ? 'Created' : 'Updated'} ${s.resourceType}`);
}

export const conditionalUpdate: Handler = async (env, req, p) => {
  const type = p.type!;
  const body = requireResourceBody(req.body, type);
  const refs = validateStructure(env, body);
  await checkProfiles(env, body);
  const condition = req.query.toString();
  return env.repo.withTransaction(async (tx) => {
    const match = singleMatch(await matchCondition(tx, type, req.query, env.deps.options.maxCount), type, condition);
    await checkReferences(env, tx, req, refs);
    if (match) {
      if (body.id !== undefined && body.id !== match.id) {
        throw new FhirError('FHIR_ID_MISMATCH', { id: match.id, actual: body.id, expression: `${type}.id` });
      }
      return put(tx, req, { ...body, id: match.id });
    }
    if (body.id === undefined) return writeResponse(await tx.create(body), 201, req, `Created ${type}`);
    // No match but an id: update-as-create, unless that id is taken by a resource the condition did not match.
    const taken = await exists(tx, type, body.id);
    if (taken) throw new FhirError('FHIR_CONDITIONAL_ID_CONFLICT', { type, id: body.id, detail: condition });
    return put(tx, req, body);
  });
};

async function put(repo: Repository, req: FhirRequest, resource: Resource): Promise<FhirResponse> {
  return updateResponse(await repo.update(resource, ifMatchOf(req)), req);
}

function ifMatchOf(req: FhirRequest): UpdateOptions {
  const ifMatch = req.headers['if-match'];
  return { ifMatch: ifMatch === undefined ? undefined : parseETag(ifMatch, 'If-Match') };
}

async function exists(repo: Repository, type: string, id: string): Promise<boolean> {
  try {
    return !(await repo.read(type, id)).deleted;
  } catch (e) {
    if (e instanceof FhirError) return false;
    throw e;
  }
}

