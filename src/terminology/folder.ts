/**
 * The terminology folder (HELSEBRO_TERMINOLOGY_DIR, default data/terminology): code lists an operator installs
 * beside the shipped profiles, read once at boot. `npm run terminology:import` writes the Volven code lists of
 * HL7 Norway's kodeverk IG there (scripts/terminology/import-kodeverk.ts): that source carries no licence, so
 * the lists are compiled on the operator's machine, never committed or shipped (see ARCHITECTURE.md).
 *
 * Every `*.json` file under the folder (subfolders included; names starting with `_` or `.` are not read, so
 * `_provenance.json` can sit beside the resources) must be one CodeSystem, ValueSet or ConceptMap with a
 * canonical `url` (https://hl7.org/fhir/R4/resource.html#canonical), or a NamingSystem with a `uniqueId`
 * (https://hl7.org/fhir/R4/namingsystem.html), valid R4 (the structure and definitions check a write gets:
 * a code list read here is trusted as a stored one would be): whatever else is there stops the boot with one
 * line naming the file and the first fault, rather than a code list silently missing and codes then judged
 * against nothing. Two files with the same url stop it too (which one would win is not for a directory listing
 * to decide).
 *
 * The loaded CodeSystems answer $lookup, $validate-code and $expand and the profile validator's bindings, also
 * under the `urn:oid:` of their identifiers (./service.ts). Like the bundled R4 terminology they are not stored
 * resources: `GET CodeSystem?url=` searches the store only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from '../errors/fhir-error.ts';
import { ResourceValidator } from '../fhir/validation/index.ts';

const CANONICAL = new Set(['CodeSystem', 'ValueSet', 'ConceptMap']);

export interface TerminologyFolder {
  dir: string;
  resources: Resource[];
  /** resources per type, for the boot log line */
  counts: Record<string, number>;
  /** the `_provenance.json` an import wrote into a (sub)folder, by that folder (relative; '' for the top) */
  provenance: Record<string, Record<string, unknown>>;
}

/** Where `npm run terminology:import` writes by default, relative to the working directory like data/helsebro.db */
export const DEFAULT_TERMINOLOGY_DIR = 'data/terminology';

/** HELSEBRO_TERMINOLOGY_DIR: the folder named (it must exist), none when empty, else data/terminology when it
 *  exists (the server, server.ts, and `helsebro validate`, ../fhir/validation/cli.ts) */
export function terminologyDirFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const named = env.HELSEBRO_TERMINOLOGY_DIR;
  if (named !== undefined) return named === '' ? undefined : named;
  return existsSync(DEFAULT_TERMINOLOGY_DIR) ? DEFAULT_TERMINOLOGY_DIR : undefined;
}

const fail = (dir: string, detail: string): FhirError => new FhirError('FHIR_SERVICE_UNAVAILABLE', { detail: `terminology folder ${dir}: ${detail}` });

/** The *.json files under dir, relative to root; `_provenance.json` files in `provenance` */
function jsonFiles(dir: string, root: string, provenance: string[]): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (name === '_provenance.json') provenance.push(relative(root, path));
    if (name.startsWith('_') || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return jsonFiles(path, root, provenance);
    return name.endsWith('.json') ? [relative(root, path)] : [];
  });
}

function readJsonFile(dir: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (e) {
    throw fail(dir, `${file} is not JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Reads the folder; throws FHIR_SERVICE_UNAVAILABLE with the file and the fault when anything in it is unusable */
export function loadTerminologyFolder(dir: string): TerminologyFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw fail(dir, 'is not a folder');
  const resources: Resource[] = [];
  const counts: Record<string, number> = {};
  const urls = new Map<string, string>();
  const provenanceFiles: string[] = [];
  const validator = new ResourceValidator({ level: 'full' });
  for (const file of jsonFiles(dir, dir, provenanceFiles)) {
    const r = readJsonFile(dir, file) as { resourceType?: unknown; url?: unknown; uniqueId?: unknown };
    const type = r && typeof r === 'object' ? r.resourceType : undefined;
    if (typeof type !== 'string' || !(CANONICAL.has(type) || type === 'NamingSystem')) {
      throw fail(dir, `${file} is not a CodeSystem, ValueSet, ConceptMap or NamingSystem (resourceType ${JSON.stringify(type ?? null)})`);
    }
    if (type === 'NamingSystem' && !(Array.isArray(r.uniqueId) && r.uniqueId.length > 0)) throw fail(dir, `${file}: a NamingSystem without uniqueId`);
    if (CANONICAL.has(type)) {
      if (typeof r.url !== 'string' || r.url === '') throw fail(dir, `${file}: a ${type} without url`);
      const key = `${type} ${r.url}`;
      const other = urls.get(key);
      if (other) throw fail(dir, `${file} and ${other} are both the ${type} ${r.url}`);
      urls.set(key, file);
    }
    const invalid = validator.validate(r).issues.find((i) => i.severity === 'error' || i.severity === 'fatal');
    if (invalid) throw fail(dir, `${file} is not valid R4: ${invalid.message}${invalid.expression ? ` (at ${invalid.expression.join(', ')})` : ''}`);
    resources.push(r as Resource);
    counts[type] = (counts[type] ?? 0) + 1;
  }
  const provenance: Record<string, Record<string, unknown>> = {};
  for (const file of provenanceFiles) provenance[dirname(file) === '.' ? '' : dirname(file)] = readJsonFile(dir, file) as Record<string, unknown>;
  return { dir, resources, counts, provenance };
}
