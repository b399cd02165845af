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
import type { Handler } from '../context.ts';
import type { FhirRequest, FhirResponse } from '../types.ts';
import type { Repository } from '../../store/repository.ts';

export const update: Handler = async (env, req, p) => {
  const type = p.type!;
  const body = requireResourceBody(req.body, type);
  if (body.id === undefined) throw new FhirError('FHIR_ID_MISSING', { expression: `${type}.id` });
  if (body.id !== p.id) throw new FhirError('FHIR_ID_MISMATCH', { id: p.id, actual: body.id, expression: `${type}.id` });
  const refs = validateStructure(env, body);
  await checkProfiles(env, body);
  // No transaction of its own: the write joins the store's group commit. The reference check reads the
  // committed state just before; a target deleted in between is the same race any store without foreign
  // keys has, and If-Match still guards the version being replaced.
  await checkReferences(env, env.repo, req, refs);
  return put(env.repo, req, body);
};

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
  const ifMatch = req.headers['if-match'];
  const s = await repo.update(resource, { ifMatch: ifMatch === undefined ? undefined : parseETag(ifMatch, 'If-Match') });
  return writeResponse(s, s.created ? 201 : 200, req, s.created ? `Created ${resource.resourceType}` : `Updated ${resource.resourceType}`);
}

async function exists(repo: Repository, type: string, id: string): Promise<boolean> {
  try {
    return !(await repo.read(type, id)).deleted;
  } catch (e) {
    if (e instanceof FhirError) return false;
    throw e;
  }
}

