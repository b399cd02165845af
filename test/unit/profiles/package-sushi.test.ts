/**
 * Our FHIR package (scripts/profiles/package.ts) as a dependency of someone else's SUSHI project
 * (fixtures/profiles/downstream): SUSHI (fsh-sushi, pinned) loads helsebro.fhir.dms#0.1.0 from a FHIR package cache
 * (https://hl7.org/fhir/packages.html#caching) and profiles our dms-patient. SUSHI refuses a parent without a
 * snapshot ("Snapshot is required for import"), so this is the check that the packaged snapshots are usable by
 * a tool other than ours; the same project against a copy of the package whose dms-patient lacks its snapshot is
 * the control. Offline, like profiles:build (scripts/profiles/build.ts: closed registry port, expected warnings).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';
import t from 'tap';
import { definitionsWith } from '../../../src/fhir/validation/definitions.ts';
import { validateProfile } from '../../../src/fhir/validation/profile.ts';
import { compile } from '../../../scripts/profiles/build.ts';
import { buildFhirCache } from '../../../scripts/profiles/fhir-cache.ts';
import { packageFiles, packageTgz } from '../../../scripts/profiles/package.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const PROJECT = join(ROOT, 'fixtures', 'profiles', 'downstream');
const NO_BASIS = join(ROOT, 'profiles', 'no-basis');
type Json = Record<string, unknown>;

const work = mkdtempSync(join(tmpdir(), 'helsebro-pkg-sushi-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

/** A HOME whose FHIR package cache holds R4 core and no-basis (as profiles:build has them) and our tarball, unpacked by GNU tar */
function home(name: string, edit?: (packageDir: string) => void): string {
  const dir = join(work, name);
  const packages = join(dir, '.fhir', 'packages');
  mkdirSync(packages, { recursive: true });
  const shared = buildFhirCache();
  for (const p of ['hl7.fhir.r4.core#4.0.1', 'hl7.fhir.no.basis#2.2.0']) symlinkSync(join(shared, p), join(packages, p));
  const ours = join(packages, 'helsebro.fhir.dms#0.1.0');
  mkdirSync(ours);
  writeFileSync(join(dir, 'p.tgz'), packageTgz(packageFiles()));
  const r = spawnSync('tar', ['-xzf', join(dir, 'p.tgz'), '-C', ours], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  edit?.(join(ours, 'package'));
  return dir;
}

t.test('SUSHI builds a profile on our dms-patient from the package, with the parent\'s rules in it', async (t) => {
  const pkgHome = home('with-snapshots');
  const out = compile(() => {}, { project: PROJECT, home: pkgHome });
  const sd = JSON.parse(out.get('StructureDefinition-downstream-patient.json')!) as StructureDefinition;
  t.equal(sd.baseDefinition, 'https://helsebro.no/fhir/StructureDefinition/dms-patient');
  const fnr = sd.differential!.element.find((e) => e.id === 'Patient.identifier:FNR')!;
  t.same([fnr.min, fnr.max], [1, '1'], 'the no-basis slice our profile inherits, found through our snapshot');
  const ext = sd.differential!.element.find((e) => e.id === 'Patient.extension:priorityGroup')!;
  t.same(ext.type, [{ code: 'Extension', profile: ['https://helsebro.no/fhir/StructureDefinition/helsefellesskap-priority-group'] }]);
  // SUSHI fills an instance's fixed values from its profile's snapshot: the FNR system comes from no-basis,
  // two levels up, only through the snapshot we packaged
  const example = JSON.parse(out.get(join('examples', 'Patient-downstream-patient-example.json'))!) as Json;
  t.same(example.identifier, [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '10915596784' }]);
  // and our validator, over the package, agrees the instance meets the downstream profile
  const packaged = readdirSync(join(pkgHome, '.fhir', 'packages', 'helsebro.fhir.dms#0.1.0', 'package')).filter((f) => f.endsWith('.json') && f !== 'package.json' && !f.startsWith('.'))
    .map((f) => JSON.parse(readFileSync(join(pkgHome, '.fhir', 'packages', 'helsebro.fhir.dms#0.1.0', 'package', f), 'utf8')) as Resource);
  const noBasis = readdirSync(NO_BASIS).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(NO_BASIS, f), 'utf8')) as Resource);
  const defs = definitionsWith([...noBasis, ...packaged, sd]);
  t.same(validateProfile(example, sd, defs).filter((i) => i.severity === 'error'), []);
  const without = structuredClone(example);
  delete without.birthDate;
  t.ok(validateProfile(without, sd, defs).some((i) => i.severity === 'error' && i.expression.startsWith('Patient.birthDate')), 'birthDate 1..1 is enforced');
});

t.test('control: without dms-patient\'s snapshot SUSHI cannot use the package', async (t) => {
  const bare = home('without-snapshot', (dir) => {
    const f = join(dir, 'StructureDefinition-dms-patient.json');
    const sd = JSON.parse(readFileSync(f, 'utf8')) as Json;
    delete sd.snapshot;
    writeFileSync(f, JSON.stringify(sd));
  });
  t.throws(() => compile(() => {}, { project: PROJECT, home: bare }), /dms-patient is missing a snapshot/);
});
