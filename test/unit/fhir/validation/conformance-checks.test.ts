/**
 * $validate's one function (src/fhir/validation/conformance-checks.ts): the rules beside the profiles run in it
 * with the Java validator's severities, and its options do what the Java runner's options do
 * (shared/VALIDATION.md §3): Coding.display (datatypes.html#Coding; v2 table 0131: C is 'Emergency Contact'),
 * HTML in markdown (datatypes.html#markdown), example URLs (RFC 2606 §3), unknown extensions
 * (extensibility.html).
 */
import t from 'tap';
import type { Resource } from '@medplum/fhirtypes';
import { conformanceChecks, validateResource } from '../../../../src/fhir/validation/conformance-checks.ts';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { fullLevel } from './helpers.ts';

const V2_0131 = 'http://terminology.hl7.org/CodeSystem/v2-0131';
const PROFILE = 'http://helsebro.test/StructureDefinition/kontakt';
// a profile whose bound value set gives v2-0131#C the display 'Nødkontakt' (valueset.html#designations)
const profile = {
  resourceType: 'StructureDefinition', url: PROFILE, name: 'Kontakt', status: 'draft', kind: 'resource', abstract: false,
  type: 'Patient', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient', derivation: 'constraint',
  contained: [{ resourceType: 'ValueSet', id: 'roller', status: 'draft', expansion: { timestamp: '2026-01-01', contains: [{ system: V2_0131, code: 'C', display: 'Nødkontakt' }] } }],
  differential: { element: [{ id: 'Patient', path: 'Patient' }, { id: 'Patient.contact.relationship', path: 'Patient.contact.relationship', binding: { strength: 'extensible', valueSet: '#roller' } }] },
} as unknown as Resource;
const defs = definitionsWith([profile]);
const contact = (display: string, extra: Record<string, unknown> = {}) =>
  ({ resourceType: 'Patient', contact: [{ relationship: [{ coding: [{ system: V2_0131, code: 'C', display }] }], name: { family: 'Nilsen' } }], ...extra });
const seen = (r: Record<string, unknown>, opts = {}) => conformanceChecks(r, defs, opts).map((i) => `${i.severity} ${i.code} ${i.expression?.[0]}`);

t.test('a wrong display is an error; a display the bound value set of a profile asked for or claimed gives is valid', async (t) => {
  const wrong = ['error FHIR_DISPLAY_INVALID Patient.contact[0].relationship[0].coding[0].display'];
  t.same(seen(contact('Nødkontakt')), wrong, 'the code system alone');
  t.same(seen(contact('Nødkontakt'), { profiles: [PROFILE] }), [], 'the profile asked for ($validate profile, --profile)');
  t.same(seen(contact('Nødkontakt', { meta: { profile: [PROFILE] } })), [], 'the profile claimed in meta.profile');
  t.same(seen(contact('Nabo'), { profiles: [PROFILE] }), wrong, 'neither the code system nor the value set');
});

t.test('the profiles a nested resource claims give its codings displays too (a Bundle entry, a contained resource)', async (t) => {
  const entry = (display: string, claims: boolean) => ({ fullUrl: 'urn:uuid:8d3f1c2a-4b5e-4f60-9a7b-0c1d2e3f4a5b', resource: contact(display, claims ? { meta: { profile: [PROFILE] } } : {}) });
  const bundle = (display: string, claims: boolean) => ({ resourceType: 'Bundle', type: 'collection', entry: [entry(display, claims)] });
  t.same(seen(bundle('Nødkontakt', true)), [], "the entry's own claim");
  t.same(seen(bundle('Nødkontakt', false)), ['error FHIR_DISPLAY_INVALID Bundle.entry[0].resource.contact[0].relationship[0].coding[0].display'], 'no claim: the code system alone');
  const container = { resourceType: 'Basic', code: { text: 'x' }, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/workflow-supportingInfo', valueReference: { reference: '#k' } }], contained: [{ ...contact('Nødkontakt', { meta: { profile: [PROFILE] } }), id: 'k' }] };
  t.same(seen(container).filter((i) => i.includes('DISPLAY')), [], "a contained resource's claim");
});

t.test('HTML in markdown: a warning, an error when asked for (noHtmlInMarkdown), nothing when ignored', async (t) => {
  const obs = { resourceType: 'Observation', status: 'final', code: { text: 'Puls' }, note: [{ text: 'Målt <b>etter</b> hvile' }, { text: 'Kode: `<b>`' }] };
  t.same(seen(obs), ['warning FHIR_MARKDOWN_HTML Observation.note[0].text'], 'a code span shows the tag as text');
  t.same(seen(obs, { markdownHtml: 'error' }), ['error FHIR_MARKDOWN_HTML Observation.note[0].text']);
  t.same(seen(obs, { markdownHtml: 'ignore' }), []);
});

t.test('example URLs only when content is declared not an example; unknown extensions a warning unless asked', async (t) => {
  const p = { resourceType: 'Patient', telecom: [{ system: 'url', value: 'https://www.example.org/kari' }], extension: [{ url: 'http://helsebro.test/StructureDefinition/ukjent', valueString: 'x' }] };
  t.same(seen(p), ['warning FHIR_EXTENSION_INVALID Patient.extension[0]'], 'ContactPoint.value is a string, not a uri: no example-URL issue');
  const q = { ...p, telecom: undefined, implicitRules: 'http://acme.com/regler' };
  t.same(seen(q, { examples: false, unknownExtensions: 'error' }), ['error FHIR_EXTENSION_INVALID Patient.extension[0]', 'error FHIR_EXAMPLE_URL Patient.implicitRules']);
  t.same(seen(q, { unknownExtensions: 'error' }), ['error FHIR_EXTENSION_INVALID Patient.extension[0]'], 'examples allowed by default');
});

t.test('validateResource: the structure check first, then the conformance checks; a non-resource stops at the first', async (t) => {
  const r = validateResource(fullLevel, contact('Nødkontakt', { birthDate: '1969-02-30' }), defs);
  t.same(r.issues.map((i) => i.code), ['FHIR_STRUCTURE', 'FHIR_DISPLAY_INVALID']);
  t.equal(r.structureValid, false);
  const ok = validateResource(fullLevel, contact('Emergency Contact'), defs);
  t.same([ok.issues, ok.structureValid], [[], true]);
  t.same(validateResource(fullLevel, { resourceType: 'Pasient' }, defs).issues.map((i) => i.code), ['FHIR_NOT_A_RESOURCE']);
});
