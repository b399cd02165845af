/**
 * CodeSystem/$subsumes: the relation of codeA to codeB in the code system's hierarchy.
 * https://hl7.org/fhir/R4/codesystem-operation-subsumes.html
 */
import type { Coding, Parameters } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { OperationInput } from './params.ts';

export const subsumes: Handler = async (env, req, p) => {
  const input = new OperationInput(req);
  const a = input.string('codeA') ?? (input.value('codingA') as Coding | undefined)?.code;
  const b = input.string('codeB') ?? (input.value('codingB') as Coding | undefined)?.code;
  let system = input.string('system') ?? (input.value('codingA') as Coding | undefined)?.system;
  if (p.id !== undefined) system = (JSON.parse((await env.repo.read('CodeSystem', p.id)).raw) as { url?: string }).url;
  if (!a || !b || !system) throw new FhirError('FHIR_PARAM_INVALID', { param: 'codeA', detail: 'give system, codeA and codeB (or codingA and codingB)' });
  const tx = await env.deps.conformance.terminology();
  const out: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'outcome', valueCode: tx.subsumes(system, a, b) }] };
  return { status: 200, resource: out };
};
