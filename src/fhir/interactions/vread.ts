/**
 * vread: a given version; the tombstone version of a delete answers 410.
 * https://hl7.org/fhir/R4/http.html#vread
 */
import { FhirError } from '../../errors/fhir-error.ts';
import { readResponse } from '../respond.ts';
import type { Handler } from '../context.ts';

export const vread: Handler = async (env, req, p) => {
  const s = await env.repo.vread(p.type!, p.id!, p.versionId!);
  if (s.deleted) throw new FhirError('FHIR_GONE', { type: p.type, id: p.id });
  return readResponse(s);
};
