/**
 * Narrative controls a profile sets on Patient.text (src/fhir/validation/narrative-control.ts), by the
 * extensions pack's "Rules about Narrative": narrative-language-control (_no, _yes, _resource, a language)
 * and narrative-source-control (every text labelled boilerplate/generated/extension/additional; the value is
 * the severity).
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import t from 'tap';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { validateProfile } from '../../../../src/fhir/validation/profile.ts';

const EXT = 'http://hl7.org/fhir/StructureDefinition/';
let n = 0;
const controlled = (url: string, ...codes: string[]): StructureDefinition => ({
  resourceType: 'StructureDefinition', url: `http://helsebro.test/StructureDefinition/nc${++n}`, name: `NC${n}`, status: 'draft',
  kind: 'resource', abstract: false, type: 'Patient', baseDefinition: `${EXT}Patient`, derivation: 'constraint',
  differential: { element: [{ id: 'Patient.text', path: 'Patient.text', extension: codes.map((valueCode) => ({ url: `${EXT}${url}`, valueCode })) } as ElementDefinition] },
});
const patient = (div: string, language?: string) => ({
  resourceType: 'Patient', ...(language ? { language } : {}), text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${div}</div>` },
});
const check = (sd: StructureDefinition, r: Record<string, unknown>) =>
  validateProfile(r, sd, definitionsWith([sd])).map((i) => `${i.severity} ${i.rule} ${i.expression}`);

const sections = '<div xml:lang="nb" lang="nb">Hei</div><div xml:lang="en" lang="en">Hello</div>';
const plain = '<p>Hei</p>';

t.test('language control _no and _yes: language sections prohibited or required', async (t) => {
  t.same(check(controlled('narrative-language-control', '_no'), patient(plain)), []);
  t.same(check(controlled('narrative-language-control', '_no'), patient(sections)), ['error narrative-language-control Patient.text']);
  t.same(check(controlled('narrative-language-control', '_yes'), patient(sections)), []);
  t.same(check(controlled('narrative-language-control', '_yes'), patient(plain)), ['error narrative-language-control Patient.text']);
  // a div without a language attribute is no language section
  t.same(check(controlled('narrative-language-control', '_yes'), patient('<div>Hei</div>')), ['error narrative-language-control Patient.text']);
});

t.test('language control _resource and a language: a section for that language', async (t) => {
  t.same(check(controlled('narrative-language-control', '_resource'), patient(sections, 'nb')), []);
  t.same(check(controlled('narrative-language-control', '_resource'), patient(sections, 'se')), ['error narrative-language-control Patient.text']);
  t.same(check(controlled('narrative-language-control', 'en', 'nb'), patient(sections)), []);
  t.same(check(controlled('narrative-language-control', 'nn'), patient(sections)), ['error narrative-language-control Patient.text']);
});

t.test('source control: text needs a source class on it or around it; the value is the severity', async (t) => {
  const labelled = '<h1 class="boilerplate">Pasient</h1><p class="generated">Kari <b>Nordmann</b></p><p class="additional">Notat</p>';
  t.same(check(controlled('narrative-source-control', 'error'), patient(labelled)), []);
  t.same(check(controlled('narrative-source-control', 'error'), patient(`${labelled}<p>Uten kilde</p>løs tekst`)),
    ['error narrative-source-control Patient.text', 'error narrative-source-control Patient.text']);
  t.same(check(controlled('narrative-source-control', 'warning'), patient('<p>Uten kilde</p>')), ['warning narrative-source-control Patient.text']);
  // whitespace between elements is no text
  t.same(check(controlled('narrative-source-control', 'error'), patient('\n  <p class="generated">x</p>\n')), []);
});
