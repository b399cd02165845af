/**
 * Coding.display against the code system (src/fhir/validation/displays.ts; datatypes.html#Coding,
 * codesystem.html#designations). The HL7 v2 table 0131 (contact role) is bundled: C is 'Emergency Contact'
 * with designations 'Ansprechpartner in Notfällen' (de) and 'Contact bij nood' (nl).
 */
import t from 'tap';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { checkDisplays } from '../../../../src/fhir/validation/displays.ts';

const defs = definitionsWith();
const V2_0131 = 'http://terminology.hl7.org/CodeSystem/v2-0131';
const contact = (coding: Record<string, unknown>) => ({ resourceType: 'Patient', contact: [{ relationship: [{ coding: [coding] }] }] });
const seen = (r: Record<string, unknown>, opts = {}) => checkDisplays(r, defs, opts).map((i) => `${i.severity} ${i.expression}`);

t.test('the concept display, compared case-insensitively with whitespace collapsed', async (t) => {
  t.same(seen(contact({ system: V2_0131, code: 'C', display: 'Emergency Contact' })), []);
  t.same(seen(contact({ system: V2_0131, code: 'C', display: 'emergency  contact' })), []);
  t.same(seen(contact({ system: V2_0131, code: 'C' })), [], 'no display: nothing to compare');
  t.same(seen(contact({ system: V2_0131, code: 'C', display: 'Nødkontakt' })), ['error Patient.contact[0].relationship[0].coding[0].display']);
  t.match(checkDisplays(contact({ system: V2_0131, code: 'C', display: 'Nødkontakt' }), defs)[0].message, /^Wrong Display Name 'Nødkontakt' for http:\/\/terminology\.hl7\.org\/CodeSystem\/v2-0131#C\. Valid display is one of 3 choices/);
});

t.test('designations count; with validation languages only those in the languages', async (t) => {
  t.same(seen(contact({ system: V2_0131, code: 'C', display: 'Contact bij nood' })), [], 'any language without a language setting');
  t.same(seen(contact({ system: V2_0131, code: 'C', display: 'Contact bij nood' }), { languages: ['en', 'de'] }), ['error Patient.contact[0].relationship[0].coding[0].display']);
  t.same(seen(contact({ system: V2_0131, code: 'C', display: 'Ansprechpartner in Notfällen' }), { languages: ['en', 'de'] }), []);
});

t.test('no verdict on systems not held or codes the system does not have', async (t) => {
  t.same(seen(contact({ system: 'http://helsebro.test/roller', code: 'C', display: 'whatever' })), []);
  t.same(seen(contact({ system: V2_0131, code: 'NOT-A-CODE', display: 'whatever' })), [], 'left to the binding checks');
});

t.test("a profile's bound value set may give the code displays of its own", async (t) => {
  const profile = {
    resourceType: 'StructureDefinition', url: 'http://helsebro.test/StructureDefinition/p', name: 'P', status: 'draft', kind: 'resource', abstract: false,
    type: 'Patient', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient', derivation: 'constraint',
    contained: [{ resourceType: 'ValueSet', id: 'roles', status: 'draft', expansion: { timestamp: '2024-01-01', contains: [{ system: V2_0131, code: 'C', display: 'Nødkontakt' }] } }],
    differential: { element: [{ id: 'Patient', path: 'Patient' }, { id: 'Patient.contact.relationship', path: 'Patient.contact.relationship', binding: { strength: 'required', valueSet: '#roles' } }] },
  } as unknown as StructureDefinition;
  const r = contact({ system: V2_0131, code: 'C', display: 'Nødkontakt' });
  t.same(seen(r, { profiles: [profile] }), [], "the value set's display");
  t.same(seen(r), ['error Patient.contact[0].relationship[0].coding[0].display'], 'without the profile only the code system counts');
});
