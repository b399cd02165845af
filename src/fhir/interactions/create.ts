/**
 * create and conditional create (If-None-Exist). A client-supplied id is ignored, as the spec requires.
 * https://hl7.org/fhir/R4/http.html#create , https://hl7.org/fhir/R4/http.html#ccreate
 * The conditional match and the write run in one repository transaction, so two concurrent conditional
 * creates cannot both create.
 */
import type { Resource } from '@medplum/fhirtypes';
import { matchCondition, singleMatch } from '../conditional.ts';
import { readResponse, writeResponse } from '../respond.ts';
import { checkProfiles, checkReferences, requireResourceBody, validateStructure } from '../write-path.ts';
import type { Handler } from '../context.ts';

export const create: Handler = async (env, req, p) => {
  const type = p.type!;
  const body = requireResourceBody(req.body, type);
  const { id: _ignored, ...resource } = body as Resource & { id?: string };
  const refs = validateStructure(env, resource as Resource);
  await checkProfiles(env, resource as Resource);
  const condition = req.headers['if-none-exist'];
  if (condition === undefined) {
    await checkReferences(env, env.repo, req, refs);
    return writeResponse(await env.repo.create(resource as Resource), 201, req, `Created ${type}`);
  }
  return env.repo.withTransaction(async (tx) => {
    const existing = singleMatch(await matchCondition(tx, type, condition, env.deps.options.maxCount), type, condition);
    if (existing) return readResponse(existing);
    await checkReferences(env, tx, req, refs);
    return writeResponse(await tx.create(resource as Resource), 201, req, `Created ${type}`);
  });
};
