/**
 * POST [base]/$reindex: rebuilds search index rows from the stored resources (issue 4, item 1). Without
 * parameters it covers the base types of the pending custom SearchParameters (all types when none is
 * pending) and marks those parameters ready; `type` parameters (a Parameters body, or ?type=Patient in the
 * URL) limit it to those resource types. Synchronous: the answer comes after the index is rebuilt.
 * Answers a Parameters resource: count (resources indexed) and ready (the urls now searchable).
 * Modelled on HAPI FHIR's $reindex (https://hapifhir.io/hapi-fhir/docs/server_jpa/search.html).
 */
import type { Parameters } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { reindexPending } from '../custom-params.ts';
import { R4_RESOURCE_TYPE_SET } from '../r4-resource-types.ts';

export const reindex: Handler = async (env, req) => {
  const types = [...req.query.getAll('type')];
  const body = req.body as Parameters | undefined;
  if (body !== undefined) {
    if (body.resourceType !== 'Parameters') throw new FhirError('FHIR_TYPE_MISMATCH', { type: 'Parameters', actual: String(body.resourceType), expression: 'resourceType' });
    for (const p of body.parameter ?? []) if (p.name === 'type' && p.valueCode) types.push(p.valueCode);
  }
  for (const t of types) if (!R4_RESOURCE_TYPE_SET.has(t)) throw new FhirError('FHIR_PARAM_INVALID', { param: 'type', detail: `'${t}' is not a resource type` });
  const { count, ready } = await reindexPending(env.repo, types.length > 0 ? types : undefined);
  const out: Parameters = {
    resourceType: 'Parameters',
    parameter: [{ name: 'count', valueInteger: count }, ...ready.map((url) => ({ name: 'ready', valueUri: url }))],
  };
  return { status: 200, resource: out };
};
