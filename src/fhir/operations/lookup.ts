/**
 * CodeSystem/$lookup: system + code (or coding) -> name, version, display, designations, parent/child.
 * https://hl7.org/fhir/R4/codesystem-operation-lookup.html
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { OperationInput } from './params.ts';
import { codingsOf } from './terminology-input.ts';

export const lookup: Handler = async (env, req) => {
  const input = new OperationInput(req);
  const [coding] = codingsOf(input);
  if (!coding.system) throw new FhirError('FHIR_PARAM_INVALID', { param: 'system', detail: '$lookup needs the code system' });
  const tx = await env.deps.conformance.terminology();
  const found = tx.lookup(coding.system, coding.code);
  const parameter: ParametersParameter[] = [{ name: 'name', valueString: found.name }];
  if (found.version) parameter.push({ name: 'version', valueString: found.version });
  if (found.display) parameter.push({ name: 'display', valueString: found.display });
  for (const d of found.designation ?? []) {
    parameter.push({ name: 'designation', part: [...(d.language ? [{ name: 'language', valueCode: d.language }] : []), ...(d.use ? [{ name: 'use', valueCoding: d.use }] : []), { name: 'value', valueString: d.value }] });
  }
  for (const parent of found.parents) parameter.push({ name: 'property', part: [{ name: 'code', valueCode: 'parent' }, { name: 'value', valueCode: parent }] });
  for (const child of found.children) parameter.push({ name: 'property', part: [{ name: 'code', valueCode: 'child' }, { name: 'value', valueCode: child }] });
  const out: Parameters = { resourceType: 'Parameters', parameter };
  return { status: 200, resource: out };
};
