/**
 * ConceptMap/$translate: the codes a code maps to, by the maps held (url, source and target narrow them).
 * Answers Parameters result (true when a match that is not unmatched/disjoint exists), message and matches.
 * https://hl7.org/fhir/R4/conceptmap-operation-translate.html
 */
import type { ConceptMap, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { OperationInput } from './params.ts';
import { codingsOf } from './terminology-input.ts';

export const translate: Handler = async (env, req, p) => {
  const input = new OperationInput(req);
  const [coding] = codingsOf(input);
  if (!coding.system) throw new FhirError('FHIR_PARAM_INVALID', { param: 'system', detail: '$translate needs the system of the code' });
  const tx = await env.deps.conformance.terminology();
  const map = p.id !== undefined ? (JSON.parse((await env.repo.read('ConceptMap', p.id)).raw) as ConceptMap) : undefined;
  const matches = tx.translate({
    url: input.string('url'), source: input.string('source'), target: input.string('target'),
    system: coding.system, code: coding.code, targetSystem: input.string('targetsystem'), map,
  });
  const ok = matches.some((m) => m.equivalence !== 'unmatched' && m.equivalence !== 'disjoint');
  const parameter: ParametersParameter[] = [
    { name: 'result', valueBoolean: ok },
    ...(ok ? [] : [{ name: 'message', valueString: `No mapping of ${coding.system}#${coding.code} found` }]),
    ...matches.map((m) => ({ name: 'match', part: [
      { name: 'equivalence', valueCode: m.equivalence },
      { name: 'concept', valueCoding: m.concept },
      { name: 'source', valueUri: m.source },
    ] })),
  ];
  const out: Parameters = { resourceType: 'Parameters', parameter };
  return { status: 200, resource: out };
};
