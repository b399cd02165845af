/**
 * Our DMS profiles (profiles/local, compiled from FSH) over HTTP, loaded at boot without an upload: the
 * CapabilityStatement lists them per type (capabilitystatement.html: rest.resource.supportedProfile), $validate
 * uses them, the ConceptMap of the DMS contact types answers $translate, and with profile enforcement on the
 * examples load as one transaction while a broken one is refused (422).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import t from 'tap';
import { call, errorCode, makeApp } from './helpers.ts';

const SD = 'https://helsebro.no/fhir/StructureDefinition/';
const EXAMPLES = resolve(import.meta.dirname, '..', '..', 'profiles', 'local', 'examples');
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as Record<string, any>);
const byId = (id: string) => structuredClone(examples.find((r) => r.id === id)!);

t.test('the CapabilityStatement lists our profiles beside no-basis', async (t) => {
  const app = await makeApp(t);
  const cs = (await call(app, { url: '/fhir/metadata' })).json();
  const of = (type: string): string[] => cs.rest[0].resource.find((r: any) => r.type === type)?.supportedProfile ?? [];
  t.same(of('Encounter'), [`${SD}dms-encounter`], 'Encounter: ours only (no-basis has none)');
  t.same(of('ServiceRequest'), [`${SD}dms-servicerequest`]);
  t.same(of('Location'), ['http://hl7.no/fhir/StructureDefinition/no-basis-Location', `${SD}dms-location`]);
  for (const type of ['HealthcareService', 'Patient', 'Organization', 'Practitioner', 'PractitionerRole', 'Endpoint', 'Schedule', 'Slot', 'Appointment']) {
    t.ok(of(type).includes(`${SD}dms-${type.toLowerCase()}`), `${type}: dms-${type.toLowerCase()}`);
  }
});

t.test('$validate uses the DMS profiles without an upload', async (t) => {
  const app = await makeApp(t);
  const validate = (r: unknown) => call(app, { method: 'POST', url: '/fhir/Encounter/$validate', body: r });
  const ok = await validate(byId('opphold-kad'));
  t.same(ok.json().issue.filter((i: any) => i.severity === 'error'), [], 'the KAD stay is valid');
  const noCareLevel = byId('opphold-kad');
  noCareLevel.extension = noCareLevel.extension.filter((e: any) => !e.url.endsWith('/dms-care-level'));
  const res = await validate(noCareLevel);
  t.ok(res.json().issue.some((i: any) => i.severity === 'error' && i.details.coding[0].code === 'FHIR_PROFILE_VIOLATION'
    && /Encounter\.extension:careLevel: minimum required = 1/.test(i.diagnostics)), 'the missing care level, named');
});

t.test('$translate: a DMS contact type to its Encounter.class', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { url: '/fhir/ConceptMap/$translate?url=https://helsebro.no/fhir/ConceptMap/dms-encounter-class-to-v3&system=https://helsebro.no/fhir/CodeSystem/dms-encounter-class&code=day-surgery' });
  t.equal(res.statusCode, 200);
  const match = res.json().parameter.find((p: any) => p.name === 'match');
  t.same(match.part.find((x: any) => x.name === 'concept').valueCoding, { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SS' });
  t.equal(match.part.find((x: any) => x.name === 'equivalence').valueCode, 'wider');
});

t.test('with profile enforcement the examples load as one transaction; a broken one is refused', async (t) => {
  const app = await makeApp(t, { enforceProfiles: true });
  const bundle = {
    resourceType: 'Bundle', type: 'transaction',
    entry: examples.map((r) => ({ fullUrl: `http://test/fhir/${r.resourceType}/${r.id}`, resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })),
  };
  const res = await call(app, { method: 'POST', url: '/fhir', body: bundle });
  t.equal(res.statusCode, 200, res.statusCode === 200 ? 'committed' : JSON.stringify(res.json()).slice(0, 600));
  t.equal(res.json().entry?.length, examples.length);
  const bed = byId('kystby-dms-bed-9-1');
  delete bed.partOf;
  const refused = await call(app, { method: 'PUT', url: '/fhir/Location/kystby-dms-bed-9-1', body: bed });
  t.same([refused.statusCode, errorCode(refused)], [422, 'FHIR_PROFILE_VIOLATION']);
  t.match(JSON.stringify(refused.json()), /dms-loc-1/);
});
