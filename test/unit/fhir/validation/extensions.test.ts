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
    [/^error Patient: The extension .*patient-birthTime is not allowed to be used at this point \(this element is \[Patient\]; allowed: Patient\.birthDate\)/]);
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
