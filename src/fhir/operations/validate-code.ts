/**
 * ValueSet/$validate-code and CodeSystem/$validate-code: is the code in the value set (or code system), and is
 * its display right. Answers Parameters result (and message, display); a code that is not valid is a 200 with
 * result false, not an error. https://hl7.org/fhir/R4/valueset-operation-validate-code.html ,
 * https://hl7.org/fhir/R4/codesystem-operation-validate-code.html
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { Handler } from '../context.ts';
import { OperationInput } from './params.ts';
import { codingsOf, valueSetOf } from './terminology-input.ts';

export const validateCode: Handler = async (env, req, p) => {
  const input = new OperationInput(req);
  const tx = await env.deps.conformance.terminology();
  const codings = codingsOf(input);
  let target: { valueSet?: import('@medplum/fhirtypes').ValueSet; codeSystem?: string };
  if (p.type === 'ValueSet') target = { valueSet: await valueSetOf(env, tx, input, p) };
  else if (p.id !== undefined) target = { codeSystem: (JSON.parse((await env.repo.read('CodeSystem', p.id)).raw) as { url?: string }).url };
  else target = { codeSystem: input.string('url') };
  // a CodeableConcept is valid when one of its codings is
  const results = codings.map((c) => tx.validateCode(target, c));
  const best = results.find((r) => r.result) ?? results[0];
  const parameter: ParametersParameter[] = [{ name: 'result', valueBoolean: best.result }];
  if (best.message) parameter.push({ name: 'message', valueString: best.message });
  if (best.display) parameter.push({ name: 'display', valueString: best.display });
  const out: Parameters = { resourceType: 'Parameters', parameter };
  return { status: 200, resource: out };
};
