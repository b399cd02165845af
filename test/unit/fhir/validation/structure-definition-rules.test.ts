/**
 * Rules a StructureDefinition must meet to be usable as a profile (src/fhir/validation/structure-definition-rules.ts):
 * eld-13 (elementdefinition.html#invs), a type profile of the element's type, a renamed choice naming one of the
 * choice's types (profiling.html#choice), a constraint keeping its base's fixed values, and discriminator paths
 * that name a child of the sliced element.
 */
import type { ElementDefinition } from '@medplum/fhirtypes';
import t from 'tap';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { checkStructureDefinition } from '../../../../src/fhir/validation/structure-definition-rules.ts';

const SD = 'http://hl7.org/fhir/StructureDefinition/';
const sd = (type: string, element: ElementDefinition[], extra: Record<string, unknown> = {}) => ({
  resourceType: 'StructureDefinition', url: 'http://helsebro.test/StructureDefinition/p', name: 'P', status: 'draft', kind: 'resource',
  abstract: false, type, baseDefinition: `${SD}${type}`, derivation: 'constraint', differential: { element }, ...extra,
});
const defs = definitionsWith();
const check = (r: Record<string, unknown>, d = defs) => checkStructureDefinition(r, d).map((i) => `${i.severity} ${i.rule} ${i.expression}`);

t.test('eld-13: the types of an element are unique by code', async (t) => {
  const ref = (target: string) => ({ code: 'Reference', targetProfile: [target] });
  t.same(check(sd('HealthcareService', [{ id: 'HealthcareService.endpoint', path: 'HealthcareService.endpoint', type: [ref(`${SD}Endpoint`)] }])), []);
  t.same(check(sd('HealthcareService', [{ id: 'HealthcareService.endpoint', path: 'HealthcareService.endpoint', type: [ref(`${SD}Endpoint`), ref('http://helsebro.test/StructureDefinition/ep')] }])),
    ['error eld-13 StructureDefinition.differential.element[0]'], 'two targets go in one type, not two types with one code');
});

t.test('a type profile is a profile of that type (R4: Count is a type of its own; SimpleQuantity profiles Quantity)', async (t) => {
  const value = (code: string, profile: string) => [{ id: 'Observation.valueQuantity', path: 'Observation.valueQuantity', type: [{ code, profile: [`${SD}${profile}`] }] }];
  t.same(check(sd('Observation', value('Quantity', 'SimpleQuantity'))), []);
  t.same(check(sd('Observation', value('Quantity', 'Count'))), ['error type-profile StructureDefinition.differential.element[0].type[0].profile[0]']);
  // a resource profile on an element typed Resource (Bundle.entry.resource) is fine
  t.same(check(sd('Bundle', [{ id: 'Bundle.entry.resource', path: 'Bundle.entry.resource', type: [{ code: 'Resource', profile: [`${SD}vitalsigns`] }] }])), []);
});

t.test('a renamed choice path names one of the choice\'s types (profiling.html#choice)', async (t) => {
  t.same(check(sd('Observation', [{ id: 'Observation.valueQuantity', path: 'Observation.valueQuantity', min: 1 }])), []);
  t.same(check(sd('Observation', [{ id: 'Observation.valueString', path: 'Observation.valueString', min: 1 }])), []);
  t.same(check(sd('Observation', [{ id: 'Observation.valueQuantity', path: 'Observation.valueBla' }])), ['error choice StructureDefinition.differential.element[0]']);
});

t.test('a constraint keeps the fixed values of its base: a derived extension keeps its url', async (t) => {
  const ext = (name: string, base: string) => ({
    resourceType: 'StructureDefinition', url: `http://helsebro.test/StructureDefinition/${name}`, name, status: 'draft', kind: 'complex-type', abstract: false,
    context: [{ type: 'element', expression: 'Patient' }], type: 'Extension', baseDefinition: base, derivation: 'constraint',
    differential: { element: [{ id: 'Extension.url', path: 'Extension.url', fixedUri: `http://helsebro.test/StructureDefinition/${name}` }, { id: 'Extension.value[x]', path: 'Extension.value[x]', type: [{ code: 'string' }] }] },
  });
  const base = ext('grunn', `${SD}Extension`);
  const d = definitionsWith([base as never]);
  t.same(check(base, d), [], 'the base extension fixes its own url: Extension.url is not fixed in Extension');
  t.same(check(ext('avledet', base.url), d), ['error fixed StructureDefinition.differential.element[0]']);
  const keeps = ext('avledet', base.url);
  keeps.differential.element[0].fixedUri = base.url;
  t.same(check(keeps, d), []);
});

t.test('a discriminator path starts at a child of the sliced element', async (t) => {
  const sliced = (path: string, discriminator: string, type?: ElementDefinition['type']) => sd('Patient', [{ id: path, path, slicing: { discriminator: [{ type: 'value', path: discriminator }], rules: 'open' }, ...(type ? { type } : {}) }]);
  t.same(check(sliced('Patient.identifier', 'system')), []);
  t.same(check(sliced('Patient.contact', 'relationship')), [], 'a BackboneElement: its children in the base');
  t.same(check(sliced('Patient.extension', 'url')), []);
  t.same(check(sliced('Patient.extension', 'value')), [], 'value names value[x]');
  t.same(check(sliced('Patient.extension', 'type')), ['error discriminator StructureDefinition.differential.element[0].slicing.discriminator[0]']);
  t.same(check(sliced('Patient.identifier', 'kind')), ['error discriminator StructureDefinition.differential.element[0].slicing.discriminator[0]']);
  // FHIRPath functions in the path are not judged here
  t.same(check(sliced('Patient.extension', "extension('x').value")), []);
});

t.test('only StructureDefinitions; an unknown base is not judged', async (t) => {
  t.same(check({ resourceType: 'Patient' }), []);
  t.same(check(sd('Observation', [{ id: 'Observation.valueQuantity', path: 'Observation.valueBla' }], { baseDefinition: 'http://helsebro.test/StructureDefinition/ukjent' })), []);
});

t.test('inherit-obligations names a known obligation profile with the same base', async (t) => {
  const P = 'http://helsebro.test/StructureDefinition/';
  const flag = [{ url: `${SD}obligation-profile`, valueBoolean: true }];
  const other = (name: string, base: string, extension: unknown[] = flag) => ({
    resourceType: 'StructureDefinition', url: `${P}${name}`, name, status: 'draft', kind: 'resource', abstract: false, type: 'Patient',
    baseDefinition: base, derivation: 'constraint', extension, differential: { element: [{ id: 'Patient', path: 'Patient' }] },
  });
  const d = definitionsWith([
    other('ob-a', `${SD}Patient`), other('ob-b', `${P}other-base`), other('plain', `${SD}Patient`, []),
  ] as never[]);
  const inheriting = (targets: string[]) => ({
    ...other('mine', `${SD}Patient`, targets.map((t) => ({ url: `${SD}inherit-obligations`, valueCanonical: t }))),
  });
  const messages = (r: Record<string, unknown>) => checkStructureDefinition(r, d).filter((i) => i.rule === 'obligations').map((i) => `${i.expression}: ${i.message}`);
  t.same(messages(inheriting([`${P}ob-a`])), []);
  t.same(messages(inheriting([`${P}plain`])), [`StructureDefinition.extension[0]: The profile '${P}plain' is not marked as an obligation profile`]);
  t.same(messages(inheriting([`${P}ob-a`, `${P}ob-b`])), [`StructureDefinition.extension[1]: The profile '${P}ob-b' has a different base '${P}other-base' from that expected '${SD}Patient'`]);
  t.match(messages(inheriting([`${P}nowhere`])), [/^StructureDefinition\.extension\[0\]: The profile '.*nowhere' that obligations are inherited from could not be found/]);
});

t.test('a circular baseDefinition chain: a warning that the differential cannot be checked', async (t) => {
  const P = 'http://helsebro.test/StructureDefinition/';
  const ext = (name: string, base: string) => ({
    resourceType: 'StructureDefinition', url: `${P}${name}`, name, status: 'draft', kind: 'complex-type', abstract: false, type: 'Extension',
    context: [{ type: 'element', expression: 'Element' }], baseDefinition: base, derivation: 'constraint', differential: { element: [{ id: 'Extension', path: 'Extension' }] },
  });
  const a = ext('a', `${P}b`);
  const b = ext('b', `${P}a`);
  const d = definitionsWith([a, b] as never[]);
  const rules = (r: Record<string, unknown>) => checkStructureDefinition(r, d).filter((i) => i.rule === 'baseDefinition').map((i) => `${i.severity} ${i.message}`);
  t.same(rules(ext('self', `${P}self`)), [`warning The baseDefinition chain is circular (${P}self -> ${P}self), so the differential cannot be checked`], 'derived from itself');
  t.same(rules(a), [`warning The baseDefinition chain is circular (${P}a -> ${P}b -> ${P}a), so the differential cannot be checked`], 'through another');
  t.same(rules(ext('ok', `${SD}Extension`)), [], 'down to the base Extension, which has none');
  t.same(rules(ext('unknown-base', `${P}not-held`)), [], 'a base not known here ends the chain');
});
