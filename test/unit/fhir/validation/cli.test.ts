/**
 * `helsebro validate` (src/fhir/validation/cli.ts): the Java validator's report layout, exit status 0/1/2,
 * JSON and XML files, and the same checks as $validate (src/fhir/validation/conformance-checks.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runValidate } from '../../../../src/fhir/validation/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'helsebro-cli-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const run = (args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const status = runValidate(args, (s) => out.push(s), (s) => err.push(s));
  return { status, out: out.join('\n'), err: err.join('\n') };
};

const good = file('good.json', JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Ødegård' }], gender: 'female' }));
const goodXml = file('good.xml', '<Patient xmlns="http://hl7.org/fhir"><name><family value="Ødegård"/></name><gender value="female"/></Patient>');
const bad = file('bad.json', JSON.stringify({ resourceType: 'Patient', birthDate: '1969-02-30' }));
const badXml = file('bad.xml', '<Patient xmlns="http://hl7.org/fhir"><gender value="female"/><active value="true"/></Patient>');

t.test('valid files: Success, All OK, exit 0', async (t) => {
  const r = run([good, goodXml]);
  t.equal(r.status, 0);
  t.match(r.out, /-- .*good\.json -+\nSuccess: 0 errors, 0 warnings, 0 notes\n {2}Information: All OK/);
  t.match(r.out, /-- .*good\.xml -+\nSuccess: 0 errors/);
});

t.test('an error in any file: *FAILURE* with the element, exit 1', async (t) => {
  const r = run([good, bad, badXml]);
  t.equal(r.status, 1);
  t.match(r.out, /\*FAILURE\*: 1 errors, 0 warnings, 0 notes\n {2}Error @ Patient\.birthDate: /);
  t.match(r.out, /bad\.xml -+\n\*FAILURE\*: 1 errors.*\n {2}Error @ Patient\.active: .*out of order/);
});

t.test('--profile: an unknown profile is a warning; one loaded with --ig is checked', async (t) => {
  const url = 'http://helsebro.test/StructureDefinition/dms-patient';
  const r = run([good, '--profile', url]);
  t.equal(r.status, 0);
  t.match(r.out, /Success: 0 errors, 1 warnings, 0 notes\n {2}Warning @ Patient: Profile http:\/\/helsebro\.test\/StructureDefinition\/dms-patient is not known/);
  const ig = file('dms-patient.json', JSON.stringify({
    resourceType: 'StructureDefinition', url, name: 'DmsPatient', status: 'draft', kind: 'resource', abstract: false, type: 'Patient',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient', derivation: 'constraint',
    differential: { element: [{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }] },
  }));
  const checked = run([good, '--profile', url, '--ig', ig]);
  t.equal(checked.status, 1, 'good.json has no birthDate');
  t.match(checked.out, /\*FAILURE\*: 1 errors.*\n {2}Error @ Patient\.birthDate: Profile http:\/\/helsebro\.test\/StructureDefinition\/dms-patient: Patient\.birthDate: minimum required = 1/);
});

t.test("$validate's checks run too: extensions against their definitions (extensibility.html)", async (t) => {
  const unknown = file('unknown-ext.json', JSON.stringify({ resourceType: 'Patient', extension: [{ url: 'http://helsebro.test/StructureDefinition/ukjent', valueString: 'x' }], gender: 'female' }));
  const r = run([unknown]);
  t.equal(r.status, 0, 'an extension whose definition is not held is a warning');
  t.match(r.out, /Success: 0 errors, 1 warnings, 0 notes\n {2}Warning @ Patient\.extension\[0\]: The extension http:\/\/helsebro\.test\/StructureDefinition\/ukjent could not be found so is not allowed here/);
  const strict = run([unknown, '--unknown-extensions', 'error']);
  t.equal(strict.status, 1, '--unknown-extensions error: the Java validator\'s reading, exit 1');
  t.match(strict.out, /\*FAILURE\*: 1 errors, 0 warnings, 0 notes\n {2}Error @ Patient\.extension\[0\]: The extension http:\/\/helsebro\.test\/StructureDefinition\/ukjent could not be found/);
  t.equal(run([unknown, '--unknown-extensions', 'warning']).status, 0);
  t.equal(run([unknown, '--unknown-extensions']).status, 2, 'a level is required');
  // R4 patient-birthTime has the context Patient.birthDate: on the Patient itself it is not allowed
  const misplaced = file('misplaced-ext.json', JSON.stringify({ resourceType: 'Patient', birthDate: '1980-11-01', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1980-11-01T10:15:00+01:00' }] }));
  const bad = run([misplaced]);
  t.equal(bad.status, 1, 'an error: exit 1');
  t.match(bad.out, /\*FAILURE\*: 1 errors, 0 warnings, 0 notes\n {2}Error @ Patient: The extension http:\/\/hl7\.org\/fhir\/StructureDefinition\/patient-birthTime is not allowed to be used at this point/);
  const placed = file('placed-ext.json', JSON.stringify({ resourceType: 'Patient', birthDate: '1980-11-01', _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1980-11-01T10:15:00+01:00' }] } }));
  t.equal(run([placed]).status, 0, 'on Patient.birthDate it is allowed');
});

t.test('a wrong command line or an unreadable file: exit 2', async (t) => {
  t.equal(run([]).status, 2);
  t.equal(run(['--profile']).status, 2);
  t.equal(run([good, '--strict']).status, 2);
  const missing = run([join(dir, 'nothing.json')]);
  t.equal(missing.status, 2);
  t.match(missing.err, /cannot read/);
});

t.test('the terminology folder (HELSEBRO_TERMINOLOGY_DIR) answers the bindings, as on the server', async (t) => {
  // a synthetic code list under an OID of the example arc 2.999, and a profile binding Basic.code to it (required)
  const lists = join(dir, 'terminology');
  mkdirSync(lists);
  writeFileSync(join(lists, 'cs.json'), JSON.stringify({ resourceType: 'CodeSystem', url: 'http://helsebro.test/CodeSystem/sted', status: 'active', content: 'complete',
    identifier: [{ system: 'urn:ietf:rfc:3986', value: 'urn:oid:2.999.2' }], concept: [{ code: 'H', display: 'Hjem' }] }));
  const profile = file('profile.json', JSON.stringify({ resourceType: 'StructureDefinition', url: 'http://helsebro.test/StructureDefinition/sted', name: 'Sted', status: 'active',
    kind: 'resource', abstract: false, type: 'Basic', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Basic', derivation: 'constraint',
    differential: { element: [{ id: 'Basic.code', path: 'Basic.code', binding: { strength: 'required', valueSet: 'urn:oid:2.999.2' } }] } }));
  const basic = (code: string) => file(`basic-${code}.json`, JSON.stringify({ resourceType: 'Basic', code: { coding: [{ system: 'urn:oid:2.999.2', code }] } }));
  const args = (code: string) => [basic(code), '--ig', profile, '--profile', 'http://helsebro.test/StructureDefinition/sted'];
  const withLists = (code: string) => runValidate(args(code), () => {}, () => {}, { HELSEBRO_TERMINOLOGY_DIR: lists });
  t.equal(withLists('H'), 0);
  const out: string[] = [];
  t.equal(runValidate(args('X'), (s) => out.push(s), () => {}, { HELSEBRO_TERMINOLOGY_DIR: lists }), 1);
  t.match(out.join('\n'), /None of the codes \(urn:oid:2\.999\.2#X\) is in the value set urn:oid:2\.999\.2 \(required\)/);
  t.equal(runValidate(args('X'), () => {}, () => {}, { HELSEBRO_TERMINOLOGY_DIR: '' }), 0, 'without the folder: no verdict on the binding');
  const err: string[] = [];
  t.equal(runValidate(args('H'), () => {}, (s) => err.push(s), { HELSEBRO_TERMINOLOGY_DIR: join(dir, 'finnes-ikke') }), 2);
  t.match(err.join('\n'), /validate: The service is unavailable: terminology folder .*finnes-ikke: is not a folder/);
});
