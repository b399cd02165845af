/**
 * ValueSet/$expand, on a type (url or valueSet parameter) or an instance: filter, count, offset.
 * https://hl7.org/fhir/R4/valueset-operation-expand.html
 */
import type { ValueSet } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { OperationInput } from './params.ts';
import { valueSetOf } from './terminology-input.ts';

export const expand: Handler = async (env, req, p) => {
  const input = new OperationInput(req);
  const tx = await env.deps.conformance.terminology();
  const vs: ValueSet = await valueSetOf(env, tx, input, p);
  if (!vs.compose && !vs.expansion) throw new FhirError('FHIR_TERMINOLOGY_UNAVAILABLE', { detail: `the value set ${vs.url ?? vs.id} has neither compose nor expansion` });
  return { status: 200, resource: tx.expand(vs, { filter: input.string('filter'), count: input.integer('count'), offset: input.integer('offset') }) };
};
