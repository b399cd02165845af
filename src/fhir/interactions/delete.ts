/**
 * delete (idempotent: deleting what does not exist or is already deleted answers 204 as well) and
 * conditional delete (single match only: several matches are 412).
 * https://hl7.org/fhir/R4/http.html#delete , https://hl7.org/fhir/R4/http.html#3.1.0.7.1
 */
import { matchCondition, singleMatch } from '../conditional.ts';
import { etagOf, parseETag, parsePrefer } from '../http-semantics.ts';
import { informational } from '../outcome.ts';
import type { Handler } from '../context.ts';
import type { FhirRequest, FhirResponse } from '../types.ts';
import type { StoredResource } from '../../store/repository.ts';

export const del: Handler = async (env, req, p) => {
  const ifMatch = req.headers['if-match'];
  const tomb = await env.repo.delete(p.type!, p.id!, { ifMatch: ifMatch === undefined ? undefined : parseETag(ifMatch, 'If-Match') });
  return deleted(req, tomb, `${p.type}/${p.id}`);
};

export const conditionalDelete: Handler = async (env, req, p) => {
  const type = p.type!;
  return env.repo.withTransaction(async (tx) => {
    const match = singleMatch(await matchCondition(tx, type, req.query, env.deps.options.maxCount), type, req.query.toString());
    if (!match) return deleted(req, undefined, `${type}?${req.query.toString()}`);
    return deleted(req, await tx.delete(type, match.id), `${type}/${match.id}`);
  });
};

function deleted(req: FhirRequest, tomb: StoredResource | undefined, what: string): FhirResponse {
  const headers: Record<string, string> = tomb ? { etag: etagOf(tomb.versionId) } : {};
  if (parsePrefer(req.headers.prefer).return === 'OperationOutcome') {
    const text = tomb ? `Deleted ${what}` : `Nothing to delete: ${what} does not exist or is already deleted`;
    return { status: 200, headers, resource: informational(text, req.context.requestId) };
  }
  return { status: 204, headers };
}
