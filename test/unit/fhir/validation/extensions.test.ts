/**
 * Extensions against their definitions (src/fhir/validation/extensions.ts), with R4 core extensions whose
 * contexts the R4 definitions give: patient-birthTime on Patient.birthDate, humanname-own-name on
 * HumanName.family, patient-nationality on Patient with sub-extensions code and period
 * (https://hl7.org/fhir/R4/extensibility.html, defining-extensions.html#context).
 */
import t from 'tap';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { checkExtensions } from '../../../../src/fhir/validation/extensions.ts';

const defs = definitionsWith();
const EXT = 'http://hl7.org/fhir/StructureDefinition/';
const check = (r: Record<string, unknown>, unknown?: 'error' | 'warning') =>
  checkExtensions({ resourceType: 'Patient', ...r }, defs, unknown ? { unknown } : {}).map((i) => `${i.severity} ${i.expression}: ${i.message}`);

t.test('in context: on the element itself, or on a type path (HumanName.family is Patient.name.family)', async (t) => {
  t.same(check({ birthDate: '1969-11-13', _birthDate: { extension: [{ url: `${EXT}patient-birthTime`, valueDateTime: '1969-11-13T08:15:00+01:00' }] } }), []);
  t.same(check({ name: [{ family: 'Ødegård', _family: { extension: [{ url: `${EXT}humanname-own-name`, valueString: 'Ødegård' }] } }] }), []);
});

t.test('out of context', async (t) => {
  t.match(check({ extension: [{ url: `${EXT}patient-birthTime`, valueDateTime: '1969-11-13T08:15:00+01:00' }] }),
    [/^error Patient: The extension .*patient-birthTime is not allowed to be used at this point \(this element is \[Patient, DomainResource, Resource\]; allowed: Patient\.birthDate\)/]);
});

t.test('content and sub-extensions of a complex extension', async (t) => {
  const nationality = (sub: unknown[]) => check({ extension: [{ url: `${EXT}patient-nationality`, extension: sub }] });
  t.same(nationality([{ url: 'code', valueCodeableConcept: { coding: [{ system: 'urn:iso:std:iso:3166', code: 'NO' }] } }]), []);
  t.match(nationality([{ url: 'land', valueString: 'Norge' }]), [/Sub-extension url 'land' is not defined by the Extension .*patient-nationality/]);
  // patient-birthTime's value is a dateTime: a valueString is no value of it at all
  t.same(check({ birthDate: '1969-11-13', _birthDate: { extension: [{ url: `${EXT}patient-birthTime`, valueString: 'morgen' }] } }),
    ['error Patient.birthDate.extension[0].value: Extension.value[x]: minimum required = 1, but only found 0']);
});

t.test('unknown extensions: a warning by default, an error when asked (the Java reading); urls are absolute', async (t) => {
  const unknown = { extension: [{ url: 'http://helsebro.test/StructureDefinition/ukjent', valueString: 'x' }] };
  t.match(check(unknown), [/^warning Patient\.extension\[0\]: The extension http:\/\/helsebro\.test\/StructureDefinition\/ukjent could not be found/]);
  t.match(check(unknown, 'error'), [/^error /]);
  t.match(check({ extension: [{ url: 'ukjent', valueString: 'x' }] }), [/^error Patient\.extension\[0\]: Extension\.url must be an absolute URL/]);
});

t.test('unknown in the Java reading: core-space and example-domain urls are warnings, other HL7 guides are not', async (t) => {
  const one = (url: string, opts: Record<string, unknown> = {}) => checkExtensions({ resourceType: 'Patient', extension: [{ url, valueBoolean: true }] }, defs, { unknown: 'error', ...opts }).map((i) => i.severity);
  // R5's extensions pack lives in the core space: the reference validator knows them, R4 here does not
  t.same(one(`${EXT}some-later-core-extension`), ['warning']);
  // an SDC extension is known only with the SDC package
  t.same(one('http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-questionnaireAdaptive'), ['error']);
  t.same(one('http://example.org/fhir/StructureDefinition/modify'), ['warning'], 'examples allowed (the default)');
  t.same(one('http://example.org/fhir/StructureDefinition/modify', { examples: false }), ['error']);
});

/** A boolean extension defined here with the given contexts (defining-extensions.html#context) */
const defined = (name: string, context: { type: 'element' | 'extension'; expression: string }[]) => ({
  resourceType: 'StructureDefinition', url: `http://helsebro.test/StructureDefinition/${name}`, name, status: 'draft',
  kind: 'complex-type', abstract: false, context, type: 'Extension', baseDefinition: `${EXT}Extension`, derivation: 'constraint',
  differential: { element: [
    { id: 'Extension.url', path: 'Extension.url', fixedUri: `http://helsebro.test/StructureDefinition/${name}` },
    { id: 'Extension.value[x]', path: 'Extension.value[x]', min: 1, type: [{ code: 'boolean' }] },
  ] },
});

t.test('contexts DomainResource, Resource, BackboneElement and DomainResource.text are types, not "anywhere"', async (t) => {
  const sds = [
    defined('paa-ressurs', [{ type: 'element', expression: 'DomainResource' }]),
    defined('paa-alle', [{ type: 'element', expression: 'Resource' }]),
    defined('paa-tekst', [{ type: 'element', expression: 'DomainResource.text' }]),
    defined('paa-backbone', [{ type: 'element', expression: 'BackboneElement' }]),
  ];
  const d = definitionsWith(sds as never[]);
  const ext = (name: string) => ({ extension: [{ url: `http://helsebro.test/StructureDefinition/${name}`, valueBoolean: true }] });
  const run = (r: Record<string, unknown>) => checkExtensions(r, d).filter((i) => i.severity === 'error').map((i) => i.expression);
  // a Patient is a DomainResource: on the resource, its text and a BackboneElement (contact) they are in context
  t.same(run({ resourceType: 'Patient', ...ext('paa-ressurs') }), []);
  t.same(run({ resourceType: 'Patient', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>', ...ext('paa-tekst') } }), []);
  t.same(run({ resourceType: 'Patient', contact: [{ gender: 'male', ...ext('paa-backbone') }] }), []);
  // HumanName is none of those: out of context
  t.same(run({ resourceType: 'Patient', name: [{ family: 'Ødegård', ...ext('paa-ressurs') }] }), ['Patient.name[0]']);
  t.same(run({ resourceType: 'Patient', name: [{ family: 'Ødegård', ...ext('paa-backbone') }] }), ['Patient.name[0]']);
  t.same(run({ resourceType: 'Patient', name: [{ family: 'Ødegård', ...ext('paa-tekst') }] }), ['Patient.name[0]']);
  // a Bundle is a Resource but not a DomainResource (resource.html)
  t.same(run({ resourceType: 'Bundle', type: 'collection', ...ext('paa-alle') }), []);
  t.same(run({ resourceType: 'Bundle', type: 'collection', ...ext('paa-ressurs') }), ['Bundle']);
});

t.test('an extension on an extension\'s value is checked; an extension context allows it within that extension', async (t) => {
  const sds = [
    defined('i-tolk', [{ type: 'extension', expression: `${EXT}patient-interpreterRequired` }]),
    defined('paa-pasient', [{ type: 'element', expression: 'Patient' }]),
  ];
  const d = definitionsWith(sds as never[]);
  const onValue = (outer: string, inner: string) => checkExtensions({
    resourceType: 'Patient',
    extension: [{ url: `${EXT}${outer}`, valueBoolean: true, _valueBoolean: { extension: [{ url: `http://helsebro.test/StructureDefinition/${inner}`, valueBoolean: true }] } }],
  }, d).filter((i) => i.severity === 'error').map((i) => `${i.expression}: ${/is not allowed to be used at this point/.test(i.message) ? 'out of context' : i.message}`);
  t.same(onValue('patient-interpreterRequired', 'i-tolk'), []);
  t.same(onValue('patient-cadavericDonor', 'i-tolk'), ['Patient.extension[0].valueBoolean: out of context'], 'within another extension');
  // the value of an extension is not the Patient: an extension with context Patient does not go there
  t.same(onValue('patient-interpreterRequired', 'paa-pasient'), ['Patient.extension[0].valueBoolean: out of context']);
});
