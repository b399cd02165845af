/**
 * `npm run profiles:package` (scripts/profiles/package.ts): our DMS profiles as a FHIR package
 * (https://hl7.org/fhir/packages.html, the text of https://confluence.hl7.org/display/FHIR/NPM+Package+Specification)
 * and their markdown pages (profiles/local/docs).
 *
 * The package is judged from the outside: the tarball is unpacked by GNU tar, then loaded by
 * fhir-package-loader (the loader SUSHI, our pinned devDependency fsh-sushi, reads packages with; it unpacks
 * with node-tar) as if a registry had served it (fhir-package-loader is a pinned devDependency of ours, the version fsh-sushi
 * brings); every StructureDefinition's snapshot is compared with its
 * parent's published snapshot (profiling.html#snapshot: a snapshot is the full set of elements), and the
 * examples are validated against the packaged snapshots by the server's own profile validator.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { ElementDefinition, Resource, StructureDefinition } from '@medplum/fhirtypes';
import t from 'tap';
import { BasePackageLoader, createSQLJSPackageDB, DiskBasedPackageCache, LoadStatus } from 'fhir-package-loader';
import { bundledConformance } from '../../../src/fhir/validation/bundled.ts';
import { definitionsWith } from '../../../src/fhir/validation/definitions.ts';
import { ResourceValidator } from '../../../src/fhir/validation/index.ts';
import { validateProfile } from '../../../src/fhir/validation/profile.ts';
import { docPages } from '../../../scripts/profiles/docs.ts';
import { changedPages, packageFiles, packageTgz } from '../../../scripts/profiles/package.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const LOCAL = join(ROOT, 'profiles', 'local');
const NO_BASIS = join(ROOT, 'profiles', 'no-basis');
type Json = Record<string, unknown>;

const files = packageFiles();
const tarball = packageTgz(files);

// Unpacked by GNU tar, not by our own code: everything below reads this folder
const work = mkdtempSync(join(tmpdir(), 'helsebro-pkg-test-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
writeFileSync(join(work, 'p.tgz'), tarball);
mkdirSync(join(work, 'x'));
const untar = spawnSync('tar', ['-xzf', join(work, 'p.tgz'), '-C', join(work, 'x')], { encoding: 'utf8' });
const PKG = join(work, 'x', 'package');
const read = (f: string): Json => JSON.parse(readFileSync(join(PKG, f), 'utf8')) as Json;
const noBasis = readdirSync(NO_BASIS).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(NO_BASIS, f), 'utf8')) as Resource);
const resourcesIn = (dir: string): string[] => readdirSync(join(PKG, dir)).filter((f) => f.endsWith('.json') && !f.startsWith('.') && f !== 'package.json').sort();

t.test('the tarball is a gzipped tar of one package/ folder that GNU tar reads back byte for byte', async (t) => {
  t.equal(untar.status, 0, untar.stderr);
  const listed = spawnSync('tar', ['-tzf', join(work, 'p.tgz')], { encoding: 'utf8' }).stdout.trim().split('\n');
  t.same(listed.sort(), [...files.keys()].map((f) => `package/${f}`).sort());
  for (const [f, text] of files) t.equal(readFileSync(join(PKG, f), 'utf8'), text, f);
  t.ok(packageTgz(packageFiles()).equals(tarball), 'a second build gives the same bytes');
});

t.test('package.json has what the package spec requires of an IG package', async (t) => {
  const pkg = read('package.json');
  const sushi = readFileSync(join(LOCAL, 'fsh', 'sushi-config.yaml'), 'utf8');
  // "two or more namespaces separated by a dot", each lowercase-led; the id SUSHI's config declares
  t.match(pkg.name, /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/);
  t.equal(pkg.name, /^id: (.+)$/m.exec(sushi)![1]);
  t.match(pkg.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'semantic versioning');
  t.equal(pkg.version, /^version: (.+)$/m.exec(sushi)![1]);
  t.ok(typeof pkg.author === 'string' && pkg.author, 'author (required)');
  t.ok(typeof pkg.description === 'string' && (pkg.description as string).length > 20, 'description (required)');
  t.equal(pkg.type, 'IG', 'an ImplementationGuide and examples in /package/example');
  t.equal(pkg.canonical, 'https://helsebro.no/fhir', 'canonical: required for an IG package');
  t.same(pkg.fhirVersions, ['4.0.1']);
  const deps = pkg.dependencies as Record<string, string>;
  t.same(deps, { 'hl7.fhir.r4.core': '4.0.1', 'hl7.fhir.no.basis': '2.2.0' });
  t.equal(Object.keys(deps)[0], 'hl7.fhir.r4.core', 'the core package first: "the first instance is the version used"');
});

t.test('every canonical our resources refer to is in the package or a dependency ("any dependencies SHALL be listed")', async (t) => {
  const ours = resourcesIn('.').map((f) => read(f) as unknown as Resource);
  const core = definitionsWith([]);
  const known = new Set([...ours, ...noBasis].map((r) => (r as { url?: string }).url));
  const held = (url: string) => known.has(url.split('|')[0]) || core.resource!(url) !== undefined;
  const missing: string[] = [];
  for (const sd of ours.filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition')) {
    if (!held(sd.baseDefinition!)) missing.push(`${sd.id}: ${sd.baseDefinition}`);
    for (const e of sd.differential!.element) {
      for (const u of [...(e.type ?? []).flatMap((x) => [...(x.profile ?? []), ...(x.targetProfile ?? [])]), ...(e.binding?.valueSet ? [e.binding.valueSet] : [])]) {
        if (!held(u)) missing.push(`${sd.id} ${e.id}: ${u}`);
      }
    }
  }
  t.same(missing, []);
});

t.test('.index.json in package/ and package/example lists every resource file with its own values', async (t) => {
  for (const dir of ['.', 'example']) {
    const index = read(join(dir, '.index.json')) as { 'index-version': number; files: Json[] };
    t.equal(index['index-version'], 2, 'the index version packages.html gives');
    t.same(index.files.map((e) => e.filename).sort(), resourcesIn(dir), `${dir}: one entry per resource file, no more`);
    for (const entry of index.files) {
      const r = read(join(dir, String(entry.filename)));
      const expected: Json = { filename: entry.filename, resourceType: r.resourceType };
      // "populated if there is a string property with the same name in the resource"
      for (const k of ['id', 'url', 'version', 'kind', 'type', 'supplements', 'content']) if (typeof r[k] === 'string') expected[k] = r[k];
      t.same(entry, expected, String(entry.filename));
    }
  }
  t.equal(resourcesIn('example').length, readdirSync(join(LOCAL, 'examples')).filter((f) => f.endsWith('.json')).length, 'all examples');
});

t.test('the package holds an ImplementationGuide at {canonical}/ImplementationGuide/{packageId} that the server accepts', async (t) => {
  const ig = read('ImplementationGuide-helsebro.fhir.dms.json');
  t.equal(ig.url, 'https://helsebro.no/fhir/ImplementationGuide/helsebro.fhir.dms');
  t.equal(ig.version, read('package.json').version);
  t.equal(ig.packageId, 'helsebro.fhir.dms');
  // the IGs it depends on are the package's dependencies but the core one (fhirVersion says that)
  t.same((ig.dependsOn as Json[]).map((d) => [d.packageId, d.version]), [['hl7.fhir.no.basis', '2.2.0']]);
  t.same(ig.fhirVersion, ['4.0.1']);
  const errors = new ResourceValidator({ level: 'full' }).validate(ig).issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  t.same(errors, []);
});

t.test('every StructureDefinition carries a snapshot with all of its parent\'s elements and its own differential', async (t) => {
  const defs = definitionsWith(bundledConformance());
  const sds = resourcesIn('.').filter((f) => f.startsWith('StructureDefinition-')).map((f) => read(f) as unknown as StructureDefinition);
  t.equal(sds.length, 16, '12 profiles, 4 extensions');
  for (const sd of sds) {
    const compiled = JSON.parse(readFileSync(join(LOCAL, `StructureDefinition-${sd.id}.json`), 'utf8')) as StructureDefinition;
    t.same(sd.differential, compiled.differential, `${sd.id}: the differential as compiled`);
    const snap = sd.snapshot?.element ?? [];
    t.ok(snap.length >= sd.differential!.element.length, `${sd.id}: ${snap.length} snapshot elements >= ${sd.differential!.element.length}`);
    t.equal(snap[0]?.path, sd.type, `${sd.id}: the root element is the type`);
    const ids = snap.map((e) => e.id);
    t.equal(new Set(ids).size, ids.length, `${sd.id}: element ids unique`);
    t.same(sd.differential!.element.filter((d) => !ids.includes(d.id)).map((d) => d.id), [], `${sd.id}: every differential element is in the snapshot`);
    // the parent's own snapshot, as published (no-basis 2.2.0 files, R4 core)
    const parent = defs.structureDefinition(sd.baseDefinition!)!;
    t.ok(parent.snapshot?.element?.length, `${sd.id}: parent has a published snapshot`);
    t.same(parent.snapshot!.element.map((e) => e.id ?? e.path).filter((id) => !ids.includes(id)), [], `${sd.id}: no element of ${parent.id} is missing`);
  }
});

t.test('the snapshots carry what the differential and the parent say', async (t) => {
  const el = (sd: string, id: string): ElementDefinition => (read(`StructureDefinition-${sd}.json`) as unknown as StructureDefinition).snapshot!.element.find((e) => e.id === id)!;
  // dms-patient: Patient.identifier 1..* and the invariant are ours; the FNR slice's system is no-basis's
  const noBasisPatient = JSON.parse(readFileSync(join(NO_BASIS, 'no-basis-Patient.structuredefinition-profile.json'), 'utf8')) as StructureDefinition;
  t.equal(el('dms-patient', 'Patient.identifier').min, 1);
  t.equal(el('dms-patient', 'Patient.identifier:FNR.system').fixedUri, noBasisPatient.snapshot!.element.find((e) => e.id === 'Patient.identifier:FNR.system')!.fixedUri);
  t.equal(el('dms-patient', 'Patient.identifier:FNR.system').fixedUri, 'urn:oid:2.16.578.1.12.4.1.4.1', 'the fødselsnummer OID');
  t.ok(el('dms-patient', 'Patient').constraint!.some((c) => c.key === 'dms-pat-1'));
  t.ok(el('dms-patient', 'Patient').constraint!.some((c) => c.key === 'dom-6'), 'the base resource\'s invariants stay');
  // dms-funding: an extension, its url fixed to its canonical (extensibility.html), value[x] prohibited
  t.equal(el('dms-funding', 'Extension.url').fixedUri, 'https://helsebro.no/fhir/StructureDefinition/dms-funding');
  t.equal(el('dms-funding', 'Extension.value[x]').max, '0');
  t.equal(el('dms-funding', 'Extension.extension:payer').min, 1);
});

t.test('a FHIR package loader loads the tarball as a registry download and finds every resource', async (t) => {
  const cacheDir = join(work, 'fhir-cache');
  mkdirSync(cacheDir);
  const log: string[] = [];
  const registry = {
    resolveVersion: async (_name: string, version: string) => version,
    download: async () => Readable.from([tarball]),
  };
  const noCurrent = { downloadCurrentBuild: async () => { throw new Error('no current builds'); }, getCurrentBuildDate: async () => undefined };
  const loader = new BasePackageLoader(await createSQLJSPackageDB(), new DiskBasedPackageCache(cacheDir), registry as never, noCurrent as never,
    { log: (level: string, message: string) => log.push(`${level} ${message}`) });
  t.equal(await loader.loadPackage('helsebro.fhir.dms', '0.1.0'), LoadStatus.LOADED, log.join('\n'));
  const pkg = loader.findPackageJSON('helsebro.fhir.dms', '0.1.0') as Json;
  t.equal(pkg.canonical, 'https://helsebro.no/fhir');
  const top = resourcesIn('.');
  t.equal(loader.findResourceInfos('*').length, top.length, 'every resource in package/');
  const patient = loader.findResourceJSON('https://helsebro.no/fhir/StructureDefinition/dms-patient') as StructureDefinition;
  t.equal(patient.snapshot?.element?.length, (read('StructureDefinition-dms-patient.json') as unknown as StructureDefinition).snapshot!.element.length);
  t.equal((loader.findResourceJSON('dms-care-level', { type: ['ValueSet'] }) as Json).url, 'https://helsebro.no/fhir/ValueSet/dms-care-level');
});

t.test('the examples validate against the packaged snapshots, and the snapshot is what is used', async (t) => {
  const packaged = resourcesIn('.').map((f) => read(f) as unknown as Resource);
  const defs = definitionsWith([...noBasis, ...packaged]);
  const sdOf = (url: string) => packaged.find((r) => (r as { url?: string }).url === url) as StructureDefinition;
  for (const f of resourcesIn('example')) {
    const ex = read(join('example', f));
    const url = (ex.meta as { profile: string[] }).profile[0];
    const errors = validateProfile(ex, sdOf(url), defs).filter((i) => i.severity === 'error');
    t.same(errors, [], f);
  }
  // a patient without fødselsnummer, D-nummer or FH-nummer breaks dms-pat-1 (and identifier 1..*)
  const patient = read('example/Patient-pasient-ola-testesen.json');
  delete patient.identifier;
  const rules = validateProfile(patient, sdOf('https://helsebro.no/fhir/StructureDefinition/dms-patient'), defs).map((i) => i.rule);
  t.ok(rules.includes('dms-pat-1'), rules.join(', '));
  // the same profile with its snapshot (only) saying name is 0..0: the packaged snapshot decides, not a regenerated one
  const tampered = structuredClone(sdOf('https://helsebro.no/fhir/StructureDefinition/dms-patient'));
  tampered.snapshot!.element.find((e) => e.id === 'Patient.name')!.max = '0';
  const issues = validateProfile(read('example/Patient-pasient-ola-testesen.json'), tampered, defs);
  t.ok(issues.some((i) => i.severity === 'error' && i.expression.startsWith('Patient.name')), JSON.stringify(issues));
});

t.test('the docs: one page per StructureDefinition and an index, committed as generated', async (t) => {
  const pages = docPages(files);
  const sds = resourcesIn('.').filter((f) => f.startsWith('StructureDefinition-')).map((f) => String(read(f).id));
  t.same([...pages.keys()].sort(), [...sds.map((id) => `${id}.md`), 'README.md'].sort());
  t.same(changedPages(pages), new Map(), 'profiles/local/docs is what profiles:package writes');
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'profiles', 'package.ts'), '--check'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  // the check sees an edited page, a missing one and a stray one
  const dir = join(work, 'docs');
  mkdirSync(dir);
  for (const [f, text] of pages) if (f !== 'dms-slot.md') writeFileSync(join(dir, f), f === 'dms-patient.md' ? text.replace('dms-pat-1', 'dms-pat-x') : text);
  writeFileSync(join(dir, 'old.md'), '# gone\n');
  t.same(changedPages(pages, dir), new Map([['dms-patient.md', 'differs from the profiles'], ['dms-slot.md', 'not committed'], ['old.md', 'no longer generated']]));
});

t.test('the pages say what the profiles say, and their links resolve', async (t) => {
  const page = (f: string) => readFileSync(join(LOCAL, 'docs', f), 'utf8');
  const location = page('dms-location.md');
  const physical = JSON.parse(readFileSync(join(LOCAL, 'ValueSet-dms-location-physical-type.json'), 'utf8')) as Json;
  t.match(location, `| \`Location.physicalType\` | required | \`${String(physical.url)}\` (${String(physical.title)}) | this profile |`);
  t.match(location, /\| `Location\.managingOrganization` \| 1\.\.1 \| Reference\(\[dms-organization\]\(dms-organization\.md\)\) \|/);
  t.match(page('dms-patient.md'), /\| `dms-pat-1` \| error \| `Patient` \|/);
  t.match(page('dms-patient.md'), /\| FNR \| 0\.\.\* \| Identifier \| system fixedUri: `"urn:oid:2\.16\.578\.1\.12\.4\.1\.4\.1"` \| Y \|/);
  t.match(page('dms-funding.md'), /Extension \(complex: payer, careLevel\) on element `Location`/);
  t.match(page('dms-funding.md'), /- \[DMS Location\]\(dms-location\.md\)/);
  t.match(page('dms-patient.md'), '- [Patient/pasient-ola-testesen](../examples/Patient-pasient-ola-testesen.json)');
  const broken: string[] = [];
  for (const f of readdirSync(join(LOCAL, 'docs'))) {
    for (const m of page(f).matchAll(/\]\(([^)#]+\.(?:md|json))\)/g)) {
      try {
        readFileSync(join(LOCAL, 'docs', m[1]));
      } catch {
        broken.push(`${f}: ${m[1]}`);
      }
    }
  }
  t.same(broken, []);
});
