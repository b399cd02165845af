/**
 * Our DMS profiles (profiles/local, compiled from FSH by scripts/profiles/build.ts) with the server's own
 * validator, the layers $validate runs (src/fhir/operations/validate.ts): the structure check every write runs
 * (src/fhir/validation/index.ts, Norwegian identifiers included), the profiles in meta.profile
 * (profile-issues.ts) and the extensions against their definitions (extensions.ts), over the definitions the
 * server loads at boot (bundled.ts: R4 core, no-basis, local).
 * Every example validates against the profile it claims; deliberately broken copies fail with the expected
 * rule (https://hl7.org/fhir/R4/profiling.html: cardinality, slicing, bindings, invariants).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';
import t from 'tap';
import { issueOf, type ErrorIssue } from '../../../src/errors/fhir-error.ts';
import { bundledConformance, bundledProfilesOf } from '../../../src/fhir/validation/bundled.ts';
import { definitionsWith } from '../../../src/fhir/validation/definitions.ts';
import { checkExtensions } from '../../../src/fhir/validation/extensions.ts';
import { ResourceValidator } from '../../../src/fhir/validation/index.ts';
import { profileTargetIssues } from '../../../src/fhir/validation/profile-issues.ts';

const LOCAL = resolve(import.meta.dirname, '..', '..', '..', 'profiles', 'local');
const EXAMPLES = join(LOCAL, 'examples');
const CANONICAL = 'https://helsebro.no/fhir/StructureDefinition/';

type Json = Record<string, unknown>;
const examples = new Map<string, Json>(readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as Json]));
const example = (name: string): Json => structuredClone(examples.get(name)!);

const defs = definitionsWith(bundledConformance());
const validator = new ResourceValidator({ level: 'full' });

/** Every issue for a resource: the structure check, each profile in meta.profile, the extensions */
function issues(resource: Json): ErrorIssue[] {
  const found = [...validator.validate(resource).issues];
  const urls = ((resource.meta as { profile?: string[] } | undefined)?.profile) ?? [];
  found.push(...profileTargetIssues(urls.map((url) => ({ resource, at: String(resource.resourceType), url })), defs));
  found.push(...checkExtensions(resource, defs).map((f) => issueOf('FHIR_EXTENSION_INVALID', { detail: f.message, expression: f.expression }, f.severity)));
  return found;
}
const errors = (r: Json): string[] => issues(r).filter((i) => i.severity === 'error' || i.severity === 'fatal')
  .map((i) => `${i.expression?.[0] ?? ''}: ${i.message}`);

// Warnings that conformant instances get, each for a reason outside our profiles:
const KNOWN_WARNINGS = [
  // no-basis-HealthcareService's invariant tests `value` on a uri, which FHIRPath primitives do not have: it
  // never holds (no-basis 2.2.0 defect; the IG Publisher build of the package shows the same)
  /no-basis-identifier-system: no-basis recommends/,
  // R4 binds Location.type extensibly to v3 ServiceDeliveryLocationRoleType; our DMS location kinds are more
  // specific than any code there (extensible allows that; a validator cannot tell)
  /v3-ServiceDeliveryLocationRoleType \(extensible\)/,
];

const ours = bundledConformance().filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition' && r.url!.startsWith(CANONICAL));
const profiles = ours.filter((sd) => sd.kind === 'resource').map((sd) => sd.url!);

t.test('profiles/local is loaded at boot beside no-basis', async (t) => {
  t.same(profiles.sort(), [
    'appointment', 'encounter', 'endpoint', 'healthcareservice', 'location', 'organization', 'patient', 'practitioner',
    'practitionerrole', 'schedule', 'servicerequest', 'slot',
  ].map((p) => `${CANONICAL}dms-${p}`));
  t.ok(ours.filter((sd) => sd.type === 'Extension').length >= 4, 'the extensions');
  t.ok(bundledConformance().some((r) => r.resourceType === 'ConceptMap' && (r as { url?: string }).url === 'https://helsebro.no/fhir/ConceptMap/dms-encounter-class-to-v3'), 'the ConceptMap');
  t.ok(bundledProfilesOf('Encounter').includes(`${CANONICAL}dms-encounter`), 'supportedProfile of Encounter (CapabilityStatement)');
  t.ok(bundledProfilesOf('Location').includes('http://hl7.no/fhir/StructureDefinition/no-basis-Location'), 'no-basis still there');
  for (const sd of ours) {
    const base = sd.baseDefinition!;
    t.ok(defs.structureDefinition(base), `${sd.id}: its parent ${base} resolves`);
  }
  // the parents: no-basis where it has a profile, R4 core where it has none
  const parent = (id: string) => ours.find((sd) => sd.id === id)!.baseDefinition;
  t.equal(parent('dms-location'), 'http://hl7.no/fhir/StructureDefinition/no-basis-Location');
  t.equal(parent('dms-patient'), 'http://hl7.no/fhir/StructureDefinition/no-basis-Patient');
  t.equal(parent('dms-appointment'), 'http://hl7.no/fhir/StructureDefinition/no-basis-Appointment');
  t.equal(parent('dms-encounter'), 'http://hl7.org/fhir/StructureDefinition/Encounter');
  t.equal(parent('dms-servicerequest'), 'http://hl7.org/fhir/StructureDefinition/ServiceRequest');
});

t.test('every example is valid against the profile it claims, and every profile has one', async (t) => {
  const covered = new Set<string>();
  for (const [name, r] of examples) {
    const claimed = (r.meta as { profile?: string[] } | undefined)?.profile ?? [];
    t.equal(claimed.length, 1, `${name} claims one profile`);
    claimed.forEach((p) => covered.add(p));
    const all = issues(r);
    t.same(errors(r), [], `${name}: no errors`);
    const unexpected = all.filter((i) => i.severity === 'warning' && !KNOWN_WARNINGS.some((w) => w.test(i.message)));
    t.same(unexpected.map((i) => i.message), [], `${name}: no other warnings`);
  }
  for (const p of profiles) t.ok(covered.has(p), `${p} has an example`);
});

t.test('the examples are synthetic: person numbers +80/+65 only', async (t) => {
  for (const [name, r] of examples) {
    const ids = JSON.stringify(r).match(/"urn:oid:2\.16\.578\.1\.12\.4\.1\.4\.[12]","value":"(\d{11})"/g) ?? [];
    for (const m of ids) {
      const n = m.slice(-12, -1);
      t.ok(Number(n[2]) >= 8 || (Number(n.slice(2, 4)) >= 65 && Number(n.slice(2, 4)) <= 77), `${name}: ${n} is synthetic`);
    }
  }
});

/** Broken copies: [what, the example, how to break it, what the error must say] */
const BROKEN: [string, string, (r: Json) => void, RegExp][] = [
  ['a fødselsnummer with a wrong check digit', 'Patient-pasient-ola-testesen',
    (r) => { (r.identifier as Json[])[0].value = '10915596785'; }, /Patient\.identifier\[0\].*fødselsnummer.*check digits do not match/],
  ['an organisasjonsnummer with a wrong check digit', 'Organization-kystby-kommune',
    (r) => { (r.identifier as Json[])[0].value = '999022228'; }, /Organization\.identifier\[0\].*organisasjonsnummer.*check digit does not match/],
  ['a patient without fødselsnummer, D-nummer or FH-nummer', 'Patient-pasient-ola-testesen',
    (r) => { r.identifier = [{ system: 'urn:oid:2.16.578.1.12.4.1.4.5', value: '123456789012' }]; }, /dms-pat-1/],
  ['a practitioner without HPR-nummer', 'Practitioner-lege-kari-fjell',
    (r) => { r.identifier = [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '01818000282' }]; }, /Practitioner\.identifier:HPR: minimum required = 1, but only found 0/],
  ['an organisation without organisasjonsnummer', 'Organization-havbakken-legekontor',
    (r) => { r.identifier = [{ system: 'urn:oid:2.16.578.1.12.4.1.4.102', value: '4209902' }]; }, /Organization\.identifier:ENH: minimum required = 1, but only found 0/],
  ['a HER-id as Organization.identifier', 'Organization-kystby-dms',
    (r) => { (r.identifier as Json[]).push({ system: 'urn:oid:2.16.578.1.12.4.1.2', value: '8099902' }); }, /dms-org-1/],
  ['an endpoint without its HER-id', 'Endpoint-kystby-dms-endpoint',
    (r) => { delete r.identifier; }, /Endpoint\.identifier: minimum required = 1, but only found 0/],
  ['an encounter without its patient', 'Encounter-opphold-kad',
    (r) => { delete r.subject; }, /Encounter\.subject: minimum required = 1, but only found 0/],
  ['an encounter without the responsible care level', 'Encounter-opphold-kad',
    (r) => { r.extension = (r.extension as Json[]).filter((e) => !String(e.url).endsWith('/dms-care-level')); }, /Encounter\.extension:careLevel: minimum required = 1, but only found 0/],
  ['an encounter with a care level outside the code system', 'Encounter-opphold-kad',
    (r) => { ((r.extension as Json[]).find((e) => String(e.url).endsWith('/dms-care-level'))!.valueCoding as Json).code = 'state'; }, /Encounter\.extension\[0\]\.valueCoding: .*dms-care-level#state.*is in the value set https:\/\/helsebro\.no\/fhir\/ValueSet\/dms-care-level \(required\)/],
  ['an encounter with a contact type that is not one', 'Encounter-opphold-kad',
    (r) => { ((r.type as Json[])[0].coding as Json[])[0].code = 'ward'; }, /dms-encounter-class#ward.*\(required\)/],
  ['an encounter whose class does not match its contact type', 'Encounter-opphold-kad',
    (r) => { r.class = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }; }, /dms-enc-1/],
  ['an encounter with a class outside the DMS classes', 'Encounter-konsultasjon-hjertepoliklinikk',
    (r) => { r.class = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER' }; }, /v3-ActCode#EMER.*dms-encounter-class-v3 \(required\)/],
  ['an inpatient stay without a room or bed', 'Encounter-opphold-kad',
    (r) => { delete r.location; }, /dms-enc-2/],
  ['a bed outside any room', 'Location-kystby-dms-bed-9-1',
    (r) => { delete r.partOf; }, /dms-loc-1/],
  ['a bed status that is not in v2 table 0116', 'Location-kystby-dms-bed-9-1',
    (r) => { (r.operationalStatus as Json).code = 'X'; }, /v2-0116#X.*\(required\)/],
  ['a location without its managing organisation', 'Location-kystby-dms-exam-2',
    (r) => { delete r.managingOrganization; }, /Location\.managingOrganization: minimum required = 1, but only found 0/],
  ['a funding extension without the payer', 'Location-kystby-dms-room-9',
    (r) => { const f = (r.extension as Json[])[0]; f.extension = (f.extension as Json[]).filter((e) => e.url !== 'payer'); }, /Location\.extension\[0\]\.extension: .*Extension\.extension:payer: minimum required = 1, but only found 0/],
  ['a service outside the DMS catalogue', 'HealthcareService-kystby-dms-dialysis',
    (r) => { ((r.type as Json[])[0].coding as Json[])[0].code = 'psychiatry'; }, /dms-service#psychiatry.*\(required\)/],
  ['a service without a location', 'HealthcareService-kystby-dms-dialysis',
    (r) => { delete r.location; }, /HealthcareService\.location: minimum required = 1, but only found 0/],
  ['a referral whose reason is not ICD-10 or ICPC-2', 'ServiceRequest-henvisning-hjertepoliklinikk',
    (r) => { r.reasonCode = [{ coding: [{ system: 'http://snomed.info/sct', code: '84114007' }] }]; }, /dms-sr-1/],
  ['a GP referral with the patient as requester', 'ServiceRequest-henvisning-hjertepoliklinikk',
    (r) => { r.requester = { reference: 'Patient/pasient-ola-testesen' }; }, /dms-sr-2/],
  ['a referral without its kind', 'ServiceRequest-henvisning-hjertepoliklinikk',
    (r) => { delete r.category; }, /ServiceRequest\.category: minimum required = 1, but only found 0/],
  ['a schedule without a room', 'Schedule-timebok-undersokelsesrom-2',
    (r) => { r.actor = [{ reference: 'HealthcareService/kystby-dms-heart-clinic' }]; }, /dms-sch-1/],
  ['an appointment without its room', 'Appointment-time-ekko',
    (r) => { r.participant = (r.participant as Json[]).slice(0, 1); }, /dms-app-1/],
];

t.test('broken instances are rejected for the expected reason', async (t) => {
  for (const [what, name, breakIt, want] of BROKEN) {
    t.ok(examples.has(name), `${name} exists`);
    const r = example(name);
    breakIt(r);
    const found = errors(r);
    t.ok(found.some((e) => want.test(e)), `${what}: ${want}`, { found });
  }
});

t.test('the ConceptMap and the invariant dms-enc-1 agree on every contact type', async (t) => {
  const cm = bundledConformance().find((r) => (r as { url?: string }).url === 'https://helsebro.no/fhir/ConceptMap/dms-encounter-class-to-v3') as Resource & { group: { element: { code: string; target: { code: string }[] }[] }[] };
  const elements = cm.group[0].element;
  t.equal(elements.length, 6);
  for (const { code, target } of elements) {
    const r = example('Encounter-konsultasjon-hjertepoliklinikk');
    ((r.type as Json[])[0].coding as Json[])[0].code = code;
    r.class = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: target[0].code };
    if (code === 'inpatient') t.ok(r.location, 'has a location for dms-enc-2');
    t.same(errors(r), [], `${code} with ${target[0].code}`);
  }
});
