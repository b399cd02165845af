/**
 * What the terminology operations share: the value set an operation is about (the instance, a `url`, or a
 * `valueSet` resource parameter), and a coding from `system`/`code`/`display`, `coding` or `codeableConcept`.
 */
import type { CodeableConcept, Coding, ValueSet } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { Terminology } from '../../terminology/service.ts';
import type { Env, RouteParams } from '../context.ts';
import type { OperationInput } from './params.ts';

export async function valueSetOf(env: Env, tx: Terminology, input: OperationInput, p: RouteParams): Promise<ValueSet> {
  if (p.id !== undefined) return JSON.parse((await env.repo.read('ValueSet', p.id)).raw) as ValueSet;
  const given = input.value('valueSet');
  if (given !== undefined) {
    if ((given as ValueSet).resourceType !== 'ValueSet') throw new FhirError('FHIR_PARAM_INVALID', { param: 'valueSet', detail: 'expected a ValueSet resource' });
    return given as ValueSet;
  }
  const url = input.string('url');
  if (url === undefined) throw new FhirError('FHIR_PARAM_INVALID', { param: 'url', detail: 'name the value set: url, valueSet, or ValueSet/[id]/$...' });
  const vs = tx.valueSet(url);
  if (!vs) throw new FhirError('FHIR_TERMINOLOGY_UNAVAILABLE', { detail: `the value set ${url} is not held here` });
  return vs;
}

/** The codings to check: system+code(+display), a Coding, or every coding of a CodeableConcept */
export function codingsOf(input: OperationInput): { system?: string; code: string; display?: string }[] {
  const code = input.string('code');
  if (code !== undefined) return [{ system: input.string('system'), code, display: input.string('display') }];
  const coding = input.value('coding') as Coding | undefined;
  if (coding?.code) return [{ system: coding.system, code: coding.code, display: coding.display }];
  const cc = input.value('codeableConcept') as CodeableConcept | undefined;
  const list = (cc?.coding ?? []).filter((c) => c.code).map((c) => ({ system: c.system, code: c.code!, display: c.display }));
  if (list.length === 0) throw new FhirError('FHIR_PARAM_INVALID', { param: 'code', detail: 'give code (with system), coding or codeableConcept' });
  return list;
}
