/**
 * `npm run terminology:import` (scripts/terminology/import-kodeverk.ts) on HL7 Norway's kodeverk FSH in
 * ../shared/no-basis/kodeverk-fsh (skipped, with the reason, where that folder is not). Expected values come
 * from sources other than the import: the number of `CodeSystem:` and NamingSystem `Instance:` declarations in
 * the FSH itself, the 8116 codes NORWAY.md §1.5 lists, the 8116 code and name of each person identifier in
 * ../shared/no-basis/identifier-systems.json, and 9060 LE "lege" (NORWAY.md §1.5).
 * Then the server reads the imported folder: $lookup and $validate-code by the urn:oid the messages and
 * no-basis use (https://hl7.org/fhir/R4/codesystem-operation-validate-code.html).
 */
import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_FROM, importKodeverk } from '../../../scripts/terminology/import-kodeverk.ts';
import { call, makeApp } from '../../http/helpers.ts';

const SHARED = resolve(DEFAULT_FROM, '..', '..');
const skip = existsSync(join(DEFAULT_FROM, 'sushi-config.yaml')) ? false : `no kodeverk FSH at ${DEFAULT_FROM} (../shared/no-basis/kodeverk-fsh)`;
const V8116 = 'urn:oid:2.16.578.1.12.4.1.1.8116';
const params = (res: { json: () => any }) => Object.fromEntries(res.json().parameter.map((p: any) => [p.name, p.valueString ?? p.valueBoolean ?? p.valueCode]));

/** How often a declaration starts a line in the FSH files of a folder */
function declarations(dir: string, pattern: RegExp): number {
  return readdirSync(dir).filter((f) => f.endsWith('.fsh')).reduce((n, f) => n + (readFileSync(join(dir, f), 'utf8').match(pattern)?.length ?? 0), 0);
}

t.test('the import compiles every kodeverk CodeSystem and NamingSystem, with its provenance', { skip }, async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'helsebro-kodeverk-'));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  const out = join(parent, 'kodeverk');
  const r = importKodeverk({ out, log: () => {} });
  const fsh = join(DEFAULT_FROM, 'input', 'fsh');
  t.same(r.counts, {
    CodeSystem: declarations(join(fsh, 'codesystems'), /^CodeSystem:/gm),
    NamingSystem: declarations(join(fsh, 'namingsystems'), /^InstanceOf: NamingSystem/gm),
  }, 'one resource per FSH declaration; the ImplementationGuide is left out');
  const files = readdirSync(out);
  t.equal(files.length, r.counts.CodeSystem + r.counts.NamingSystem + 1, 'the resources and _provenance.json');
  const prov = JSON.parse(readFileSync(join(out, '_provenance.json'), 'utf8'));
  const row = readFileSync(join(SHARED, 'no-basis', 'SOURCE.md'), 'utf8').split('\n').find((l) => l.startsWith('| `kodeverk-fsh/`'))!;
  t.ok(row.includes(prov.commit), `the commit SOURCE.md records (${prov.commit})`);
  t.same([prov.repository, prov.package], ['HL7Norway/kodeverk', 'hl7.fhir.no.kodeverk#0.6.0']);

  const cs8116 = files.map((f) => JSON.parse(readFileSync(join(out, f), 'utf8'))).find((x) => x.identifier?.some((i: any) => i.value === V8116));
  t.ok(cs8116, '8116 is identified by its OID');
  const listed = /- 8116 \(ID-type for personer\):\n\s+- ([A-Z, ]+)\./.exec(readFileSync(join(SHARED, 'NORWAY.md'), 'utf8'))![1].split(', ');
  t.same(cs8116.concept.map((c: any) => c.code).sort(), listed.sort(), 'the 8116 codes of NORWAY.md §1.5');
  const persons = JSON.parse(readFileSync(join(SHARED, 'no-basis', 'identifier-systems.json'), 'utf8')).persons as { name: string; code8116: string }[];
  for (const p of persons) t.ok(cs8116.concept.some((c: any) => c.code === p.code8116), `${p.code8116} (${p.name})`);
  const display = (code: string) => cs8116.concept.find((c: any) => c.code === code).display;
  t.same([display('FNR'), display('DNR')], [persons.find((p) => p.code8116 === 'FNR')!.name, persons.find((p) => p.code8116 === 'DNR')!.name]);

  // the server on the imported folder
  const app = await makeApp(t, { terminologyDir: parent });
  const fnr = await call(app, { url: `/fhir/CodeSystem/$validate-code?url=${V8116}&code=FNR` });
  t.same([fnr.statusCode, params(fnr).result, params(fnr).display], [200, true, 'Fødselsnummer'], '$validate-code by the OID');
  const bad = await call(app, { url: `/fhir/CodeSystem/$validate-code?url=${V8116}&code=FOEDSELSNR` });
  t.same([bad.statusCode, params(bad).result], [200, false]);
  const look = await call(app, { url: `/fhir/CodeSystem/$lookup?system=${cs8116.url}&code=DUF` });
  t.equal(params(look).display, persons.find((p) => p.code8116 === 'DUF')!.name, '$lookup by the canonical url');
  const lege = await call(app, { url: '/fhir/ValueSet/$validate-code?url=urn:oid:2.16.578.1.12.4.1.1.9060&system=urn:oid:2.16.578.1.12.4.1.1.9060&code=LE' });
  t.same([params(lege).result, params(lege).display], [true, 'Lege'], 'the no-basis binding value set urn:oid:…9060 (Practitioner.qualification)');
});
