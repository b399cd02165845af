/**
 * patch with JSON Patch (RFC 6902, application/json-patch+json) and conditional patch.
 * https://hl7.org/fhir/R4/http.html#patch
 * The write carries the version that was read as its precondition, so a concurrent update can never be
 * overwritten unseen; If-Match is honoured. The patched resource passes the same write path as update.
 */
import type { Resource } from '@medplum/fhirtypes';
import jsonpatch from 'fast-json-patch';
import { FhirError } from '../../errors/fhir-error.ts';
import { matchCondition, singleMatch } from '../conditional.ts';
import { parseETag } from '../http-semantics.ts';
import { applyFhirPathPatch, isFhirPathPatch } from '../patch/fhirpath-patch.ts';
import { writeResponse } from '../respond.ts';
import { checkProfiles, checkReferences, requireResourceBody, validateStructure } from '../write-path.ts';
import type { Env, Handler } from '../context.ts';
import type { FhirRequest, FhirResponse } from '../types.ts';
import type { Repository } from '../../store/repository.ts';

/** Attempts before a patch without If-Match gives up on concurrent writers (each retry re-reads). */
const PATCH_ATTEMPTS = 5;

export const patch: Handler = async (env, req, p) => {
  // Optimistic: read, patch, and write with the version read as the precondition, so the write joins the
  // store's group commit instead of holding the writer. A client that sent If-Match gets its 412; one that
  // did not is retried on a fresh read when another writer got there first.
  for (let attempt = 1; ; attempt++) {
    try {
      return await patchOne(env, env.repo, req, p.type!, p.id!);
    } catch (e) {
      const retry = e instanceof FhirError && e.code === 'FHIR_PRECONDITION_FAILED' && req.headers['if-match'] === undefined && attempt < PATCH_ATTEMPTS;
      if (!retry) throw e;
    }
  }
};

export const conditionalPatch: Handler = async (env, req, p) => {
  const type = p.type!;
  return env.repo.withTransaction(async (tx) => {
    const match = singleMatch(await matchCondition(tx, type, req.query, env.deps.options.maxCount), type, req.query.toString());
    if (!match) throw new FhirError('FHIR_NOT_FOUND', { type, id: `?${req.query.toString()}` });
    return patchOne(env, tx, req, type, match.id);
  });
};

async function patchOne(env: Env, repo: Repository, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  const current = await repo.read(type, id);
  const ifMatch = req.headers['if-match'];
  const expected = ifMatch === undefined ? current.versionId : parseETag(ifMatch, 'If-Match');
  const doc = JSON.parse(current.raw) as Resource;
  const patched = applyPatchDocument(doc, req);
  const body = requireResourceBody(patched, type);
  if (body.id !== id) throw new FhirError('FHIR_ID_MISMATCH', { id, actual: body.id, expression: `${type}.id` });
  const refs = validateStructure(env, body);
  await checkProfiles(env, body);
  await checkReferences(env, repo, req, refs);
  const s = await repo.update(body, { ifMatch: expected, upsert: false });
  return writeResponse(s, 200, req, `Patched ${type}/${id}`);
}

function applyPatchDocument(doc: Resource, req: FhirRequest): unknown {
  const ct = req.contentType;
  if (ct === 'application/json-patch+json') return applyJsonPatch(doc, req.body);
  if (isFhirPathPatch(req.body)) return applyFhirPathPatch(doc as unknown as Record<string, unknown>, req.body);
  throw new FhirError('FHIR_PATCH_INVALID', {
    detail: 'send a JSON Patch array as application/json-patch+json, or a FHIRPath Patch Parameters resource as application/fhir+json',
  });
}

function applyJsonPatch(doc: Resource, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new FhirError('FHIR_PATCH_INVALID', { detail: 'a JSON Patch document is an array of operations' });
  const invalid = jsonpatch.validate(ops as jsonpatch.Operation[], doc);
  if (invalid) {
    const code = invalid.name === 'TEST_OPERATION_FAILED' || invalid.name === 'OPERATION_PATH_UNRESOLVABLE' ? 'FHIR_PATCH_FAILED' : 'FHIR_PATCH_INVALID';
    throw new FhirError(code, { detail: `operation ${invalid.index ?? 0}: ${invalid.message.split('\n')[0]}` });
  }
  return jsonpatch.applyPatch(doc, ops as jsonpatch.Operation[], false, true).newDocument;
}
