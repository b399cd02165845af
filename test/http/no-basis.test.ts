/**
 * HL7 Norway's no-basis 2.2.0, shipped in profiles/no-basis (SOURCE.md there): its profiles are listed in the
 * CapabilityStatement and used by $validate without being uploaded, its value sets by the terminology
 * operations. Expected values from the package itself (the family-relation code system's seven codes; the
 * no-basis-Patient identifier slices require the fødselsnummer value).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { call, makeApp } from './helpers.ts';

const NB = 'http://hl7.no/fhir/StructureDefinition/';
const EXAMPLES = fileURLToPath(new URL('../../../shared/no-basis/package-2.2.0-snapshots/examples', import.meta.url));
const codes = (res: { json: () => any }): string[] => res.json().issue.map((i: any) => i.details?.coding?.[0]?.code);

t.test('the CapabilityStatement lists the no-basis profiles per type', async (t) => {
  const app = await makeApp(t);
  const cs = (await call(app, { url: '/fhir/metadata' })).json();
  const of = (type: string) => cs.rest[0].resource.find((r: any) => r.type === type).supportedProfile;
  // beside our own (profiles/local, test/http/local-profiles.test.ts)
  t.same(of('Patient'), [`${NB}no-basis-Patient`, 'https://helsebro.no/fhir/StructureDefinition/dms-patient']);
  t.same(of('Organization'), [`${NB}no-basis-Organization`, 'https://helsebro.no/fhir/StructureDefinition/dms-organization']);
  t.equal(of('Observation'), undefined);
});

t.test('$validate uses no-basis-Patient without an upload', async (t) => {
  const app = await makeApp(t);
  const patient = (identifier: unknown[]) => ({ resourceType: 'Patient', meta: { profile: [`${NB}no-basis-Patient`] }, identifier, name: [{ family: 'Ødegård', given: ['Åse'] }] });
  const ok = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: patient([{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '01818000282' }]) });
  t.same(codes(ok), ['FHIR_VALIDATION_OK']);
  // the FNR slice (system urn:oid:2.16.578.1.12.4.1.4.1) requires a value
  const noValue = await call(app, { method: 'POST', url: '/fhir/Patient/$validate', body: patient([{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', use: 'official' }]) });
  t.ok(noValue.json().issue.some((i: any) => i.severity === 'error' && /Patient\.identifier:FNR\.value: minimum required = 1/.test(i.diagnostics)), 'the slice rule, named');
});

t.test('the no-basis examples validate against the profiles they claim', { skip: existsSync(EXAMPLES) ? false : `no ${EXAMPLES}` }, async (t) => {
  const app = await makeApp(t);
  // broken in the package itself: Espen's fødselsnummer is masked ('210377xxxxx'); the HealthcareService example
  // has the id 'no-basis-HealthcareService example' (a space: datatypes.html#id) and the orgnr 'test'
  const known: Record<string, string[]> = {
    'no-basis-Patient-Espen-Eksempel.json': ['FHIR_IDENTIFIER_INVALID'],
    'no-basis-HealthcareService-example.json': ['FHIR_ID_INVALID', 'FHIR_IDENTIFIER_INVALID'],
  };
  for (const f of readdirSync(EXAMPLES).filter((x) => x.startsWith('no-basis-') && x.endsWith('.json'))) {
    const r = JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8'));
    const res = await call(app, { method: 'POST', url: `/fhir/${r.resourceType}/$validate`, body: r });
    const errors = res.json().issue.filter((i: any) => i.severity === 'error').map((i: any) => i.details.coding[0].code);
    t.same([...new Set(errors)], known[f] ?? [], `${f}: ${res.json().issue.filter((i: any) => i.severity === 'error').map((i: any) => i.diagnostics).join(' | ')}`);
  }
});

t.test('no-basis terminology: $expand of no-basis-family-relation', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { url: '/fhir/ValueSet/$expand?url=http://hl7.no/fhir/ValueSet/no-basis-family-relation' });
  t.equal(res.statusCode, 200);
  t.same(res.json().expansion.contains.map((c: any) => c.code), ['mor', 'far', 'medmor', 'barn', 'søsken', 'ektefelleEllerPartner', 'dødfødtBarn']);
});
