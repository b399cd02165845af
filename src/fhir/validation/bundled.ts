/**
 * The conformance resources Helsebro ships (profiles/: HL7 Norway's no-basis 2.2.0, see
 * profiles/no-basis/SOURCE.md; our own DMS profiles, compiled from FSH, see profiles/local/SOURCE.md), read
 * once at first use. They sit beneath what the server stores (a stored
 * resource with the same url wins) and above the R4 core definitions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';

const PROFILES = resolve(import.meta.dirname, '..', '..', '..', 'profiles');
const PACKAGES = ['no-basis', 'local'];
const KINDS = new Set(['StructureDefinition', 'ValueSet', 'CodeSystem', 'ConceptMap', 'NamingSystem']);

let loaded: Resource[] | undefined;

export function bundledConformance(): readonly Resource[] {
  loaded ??= PACKAGES.flatMap((pkg) => readdirSync(join(PROFILES, pkg)).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(PROFILES, pkg, f), 'utf8')) as Resource)
    .filter((r) => KINDS.has(r.resourceType)));
  return loaded;
}

/** The profiles shipped for a resource type (StructureDefinition.type, constraints on a resource) */
export function bundledProfilesOf(type: string): string[] {
  return bundledConformance()
    .filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition' && r.kind === 'resource' && r.derivation === 'constraint' && r.type === type)
    .map((sd) => sd.url!)
    .sort();
}
