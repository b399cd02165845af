/**
 * The terminology folder (src/terminology/folder.ts): code lists read at boot answer the terminology operations
 * (https://hl7.org/fhir/R4/terminology-service.html) and the profile validator's bindings, also by the urn:oid
 * of their CodeSystem.identifier (https://hl7.org/fhir/R4/codesystem-definitions.html#CodeSystem.identifier),
 * and a file that is not a usable code list stops the boot with one line naming it.
 * The folder is written here: a synthetic code list ("where the patient went": home, nursing home) under an OID
 * of the example arc 2.999 (ITU-T X.660), so no real code list is copied or imitated.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp } from '../../src/app.ts';
import { isFhirError } from '../../src/errors/fhir-error.ts';
import { loadTerminologyFolder } from '../../src/terminology/folder.ts';
import { call, makeApp } from './helpers.ts';

const URL = 'http://helsebro.test/CodeSystem/utskrevet-til';
const OID = 'urn:oid:2.999.1.1';
const codeList = {
  resourceType: 'CodeSystem', id: 'utskrevet-til', url: URL, name: 'UtskrevetTil', status: 'active', content: 'complete',
  identifier: [{ system: 'urn:ietf:rfc:3986', value: OID }],
  concept: [{ code: 'H', display: 'Hjem' }, { code: 'S', display: 'Sykehjem' }],
};
const profile = {
  resourceType: 'StructureDefinition', url: 'http://helsebro.test/StructureDefinition/utskrivning', name: 'Utskrivning', status: 'active',
  kind: 'resource', abstract: false, type: 'Basic', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Basic', derivation: 'constraint',
  differential: { element: [{ id: 'Basic.code', path: 'Basic.code', binding: { strength: 'required', valueSet: OID } }] },
};
const params = (res: { json: () => any }) => Object.fromEntries(res.json().parameter.map((p: any) => [p.name, p.valueString ?? p.valueBoolean ?? p.valueCode]));

/** A folder holding `files` (path -> content), removed after the test */
function folder(t: Test, files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-terminology-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const good = (t: Test) => folder(t, {
  'lists/CodeSystem-utskrevet-til.json': codeList,
  'lists/_provenance.json': { source: 'written by the test' },
  'lists/README.txt': 'not JSON, not read',
});

t.test('the loader reads every *.json below the folder, and the provenance beside it', async (t) => {
  const f = loadTerminologyFolder(good(t));
  t.same(f.resources.map((r) => (r as { url?: string }).url), [URL]);
  t.same(f.counts, { CodeSystem: 1 });
  t.same(f.provenance, { lists: { source: 'written by the test' } });
});

t.test('a folder code list answers $lookup, $validate-code and $expand, by its url and by its OID', async (t) => {
  const app = await makeApp(t, { terminologyDir: good(t) });
  for (const system of [URL, OID]) {
    const look = await call(app, { url: `/fhir/CodeSystem/$lookup?system=${system}&code=S` });
    t.equal(look.statusCode, 200, system);
    t.same([params(look).name, params(look).display], ['UtskrevetTil', 'Sykehjem'], `$lookup by ${system}`);
  }
  const inList = await call(app, { url: `/fhir/ValueSet/$validate-code?url=${OID}&system=${OID}&code=H` });
  t.same(params(inList).result, true, 'the OID as the value set of all the list\'s codes');
  const notInList = await call(app, { url: `/fhir/CodeSystem/$validate-code?url=${OID}&code=X` });
  t.same([notInList.statusCode, params(notInList).result], [200, false]);
  const expanded = await call(app, { url: `/fhir/ValueSet/$expand?url=${OID}` });
  t.same(expanded.json().expansion.contains, [{ system: OID, code: 'H', display: 'Hjem' }, { system: OID, code: 'S', display: 'Sykehjem' }]);
  const none = await makeApp(t);
  t.equal((await call(none, { url: `/fhir/CodeSystem/$lookup?system=${OID}&code=S` })).statusCode, 422, 'without the folder: not held');
  // like the bundled R4 code systems, they are not stored resources: search finds neither
  for (const url of [URL, 'http://hl7.org/fhir/administrative-gender']) {
    const found = await call(app, { url: `/fhir/CodeSystem?url=${url}&_summary=count` });
    t.same([found.statusCode, found.json().total], [200, 0], `CodeSystem?url=${url}`);
  }
});

t.test('a required binding to the OID is checked against the folder\'s list (no verdict without it)', async (t) => {
  const basic = (code: string) => ({ resourceType: 'Parameters', parameter: [
    { name: 'resource', resource: { resourceType: 'Basic', code: { coding: [{ system: OID, code }] } } },
    { name: 'profile', valueUri: profile.url },
  ] });
  const errors = (res: { json: () => any }) => res.json().issue.filter((i: any) => i.severity === 'error').map((i: any) => i.diagnostics);
  const app = await makeApp(t, { terminologyDir: good(t) });
  t.equal((await call(app, { method: 'POST', url: '/fhir/StructureDefinition', body: profile })).statusCode, 201);
  t.same(errors(await call(app, { method: 'POST', url: '/fhir/Basic/$validate', body: basic('S') })), [], 'a code of the list');
  t.match(errors(await call(app, { method: 'POST', url: '/fhir/Basic/$validate', body: basic('X') })), [/None of the codes \(urn:oid:2\.999\.1\.1#X\) is in the value set urn:oid:2\.999\.1\.1 \(required\)/]);
  // the same request on a server without the folder: the value set cannot be expanded, so no verdict
  const none = await makeApp(t);
  t.equal((await call(none, { method: 'POST', url: '/fhir/StructureDefinition', body: profile })).statusCode, 201);
  t.same(errors(await call(none, { method: 'POST', url: '/fhir/Basic/$validate', body: basic('X') })), []);
});

t.test('a file that is not a usable code list stops the boot with one line naming it', async (t) => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['not JSON', { 'kodeverk/CodeSystem-a.json': '{"resourceType": "CodeSystem",' }, /kodeverk\/CodeSystem-a\.json is not JSON/],
    ['another resource type', { 'Patient-1.json': { resourceType: 'Patient' } }, /Patient-1\.json is not a CodeSystem, ValueSet, ConceptMap or NamingSystem \(resourceType "Patient"\)/],
    ['no url', { 'b.json': { ...codeList, url: undefined } }, /b\.json: a CodeSystem without url/],
    ['not valid R4', { 'c.json': { ...codeList, concept: [{ code: 'H', display: 7 }] } }, /c\.json is not valid R4: .*\(at CodeSystem\.concept\[0\]\.display\)/],
    ['no status', { 'd.json': { ...codeList, status: undefined } }, /d\.json is not valid R4: .*CodeSystem\.status/],
    ['the same url twice', { 'a.json': codeList, 'b/c.json': codeList }, /b\/c\.json and a\.json are both the CodeSystem http:\/\/helsebro\.test\/CodeSystem\/utskrevet-til/],
    ['a NamingSystem without uniqueId', { 'ns.json': { resourceType: 'NamingSystem', name: 'X', status: 'active', kind: 'identifier', date: '2026-01-01' } }, /ns\.json: a NamingSystem without uniqueId/],
  ];
  for (const [name, files, message] of cases) {
    const dir = folder(t, files);
    const e = await buildApp({ store: { kind: 'memory' }, logger: false, terminologyDir: dir }).then(() => undefined, (err: unknown) => err);
    t.ok(isFhirError(e) && e.code === 'FHIR_SERVICE_UNAVAILABLE', `${name}: a coded error`);
    t.match((e as Error).message, message, name);
    t.notMatch((e as Error).message, /\n/, `${name}: one line`);
  }
  const missing = await buildApp({ store: { kind: 'memory' }, logger: false, terminologyDir: '/finnes/ikke' }).then(() => undefined, (err: unknown) => err);
  t.match((missing as Error).message, /terminology folder \/finnes\/ikke: is not a folder/);
});

t.test('helsebro serve: the boot failure is one line on stderr, exit status 1', async (t) => {
  const dir = folder(t, { 'kodeverk/x.json': 'ikke json' });
  const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'helsebro.mjs');
  const r = spawnSync(process.execPath, [bin, 'serve'], {
    encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, HELSEBRO_STORE: 'memory', HELSEBRO_PORT: '0', HELSEBRO_HOST: '127.0.0.1', HELSEBRO_TERMINOLOGY_DIR: dir },
  });
  t.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  t.equal(lines.length, 1, r.stderr);
  t.match(lines[0], new RegExp(`^helsebro: cannot start: The service is unavailable: terminology folder ${dir}: kodeverk/x\\.json is not JSON`));
});
