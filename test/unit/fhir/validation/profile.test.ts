/**
 * Profile validation (src/fhir/validation/profile.ts) on small profiles written here, each rule against the
 * R4 profiling page (https://hl7.org/fhir/R4/profiling.html: slicing, fixed/pattern, cardinality) and
 * terminologies.html (binding strengths). The official cases run in `npm run conformance:validator`.
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import t from 'tap';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { validateProfile } from '../../../../src/fhir/validation/profile.ts';
import { snapshotOf } from '../../../../src/fhir/validation/snapshot.ts';

let n = 0;
const profile = (type: string, element: ElementDefinition[]): StructureDefinition => ({
  resourceType: 'StructureDefinition', url: `http://helsebro.test/StructureDefinition/p${++n}`, name: `P${n}`, status: 'draft',
  kind: 'resource', abstract: false, type, baseDefinition: `http://hl7.org/fhir/StructureDefinition/${type}`, derivation: 'constraint',
  differential: { element },
});
const check = (sd: StructureDefinition, resource: Record<string, unknown>, extra: unknown[] = []) =>
  validateProfile(resource, sd, definitionsWith([sd, ...(extra as never[])])).map((i) => `${i.severity} ${i.rule} ${i.expression}: ${i.message}`);

const telecom = profile('Patient', [
  { id: 'Patient.telecom', path: 'Patient.telecom', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'closed' } },
  { id: 'Patient.telecom:phone', path: 'Patient.telecom', sliceName: 'phone', min: 1, max: '1' },
  { id: 'Patient.telecom:phone.system', path: 'Patient.telecom.system', fixedCode: 'phone' },
  { id: 'Patient.telecom:email', path: 'Patient.telecom', sliceName: 'email', max: '1' },
  { id: 'Patient.telecom:email.system', path: 'Patient.telecom.system', fixedCode: 'email' },
]);

t.test('slicing by value: slice cardinality and closed rules', async (t) => {
  t.same(check(telecom, { resourceType: 'Patient', telecom: [{ system: 'phone', value: '+4799999999' }, { system: 'email', value: 'a@b.no' }] }), []);
  t.match(check(telecom, { resourceType: 'Patient', telecom: [{ system: 'email', value: 'a@b.no' }] }), [/cardinality Patient\.telecom: Patient\.telecom:phone: minimum required = 1, but only found 0/]);
  t.match(check(telecom, { resourceType: 'Patient', telecom: [{ system: 'phone', value: '1' }, { system: 'phone', value: '2' }] }), [/Patient\.telecom:phone: max allowed = 1, but found 2/]);
  t.match(check(telecom, { resourceType: 'Patient', telecom: [{ system: 'phone', value: '1' }, { system: 'fax', value: '2' }] }), [/slicing Patient\.telecom\[1\]: .*does not match any of the slices \(phone, email\) and the slicing is closed/]);
});

t.test('fixed is exact, pattern is contained (profiling.html#fixed, #pattern)', async (t) => {
  const sd = profile('Observation', [
    { id: 'Observation.code', path: 'Observation.code', patternCodeableConcept: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] } },
    { id: 'Observation.status', path: 'Observation.status', fixedCode: 'final' },
  ]);
  const obs = (code: unknown, status = 'final') => ({ resourceType: 'Observation', status, code });
  t.same(check(sd, obs({ coding: [{ system: 'http://snomed.info/sct', code: '27113001' }, { system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }], text: 'Vekt' })), [], 'extra codings and text are fine under a pattern');
  t.match(check(sd, obs({ coding: [{ system: 'http://loinc.org', code: '3141-9' }] })), [/pattern Observation\.code: Value must contain the pattern/]);
  t.match(check(sd, obs({ coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, 'amended')), [/fixed Observation\.status: Value must be exactly "final"/]);
});

t.test('a required binding to a value set that can be expanded here; extensible only warns', async (t) => {
  const vs = { resourceType: 'ValueSet', url: 'http://helsebro.test/ValueSet/kjonn', status: 'active', compose: { include: [{ system: 'http://hl7.org/fhir/administrative-gender', concept: [{ code: 'female' }, { code: 'male' }] }] } };
  const sd = profile('Patient', [{ id: 'Patient.gender', path: 'Patient.gender', binding: { strength: 'required', valueSet: vs.url } }]);
  t.same(check(sd, { resourceType: 'Patient', gender: 'female' }, [vs]), []);
  t.match(check(sd, { resourceType: 'Patient', gender: 'unknown' }, [vs]), [/error binding Patient\.gender: None of the codes \(#unknown\) is in the value set http:\/\/helsebro\.test\/ValueSet\/kjonn \(required\)/]);
  const ext = profile('Patient', [{ id: 'Patient.maritalStatus', path: 'Patient.maritalStatus', binding: { strength: 'extensible', valueSet: 'http://hl7.org/fhir/ValueSet/marital-status' } }]);
  t.match(check(ext, { resourceType: 'Patient', maritalStatus: { coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.1101', code: '1' }] } }), [/^warning binding/]);
});

t.test('invariants the profile adds, with %resource; the core ones are the structure check\'s', async (t) => {
  const sd = profile('Patient', [
    { id: 'Patient.name', path: 'Patient.name', constraint: [{ key: 'nb-1', severity: 'error', human: 'A name has a family name', expression: 'family.exists()' }] },
    { id: 'Patient', path: 'Patient', constraint: [{ key: 'nb-2', severity: 'warning', human: 'Give a birth date', expression: '%resource.birthDate.exists()' }] },
  ]);
  t.same(check(sd, { resourceType: 'Patient', birthDate: '1969-11-13', name: [{ family: 'Ødegård' }] }), []);
  t.same(check(sd, { resourceType: 'Patient', name: [{ given: ['Åse'] }] }), [
    'warning nb-2 Patient: nb-2: Give a birth date',
    'error nb-1 Patient.name[0]: nb-1: A name has a family name',
  ]);
});

t.test('a primitive with only an extension is present (json.html#primitive)', async (t) => {
  const sd = profile('Patient', [{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }]);
  const absent = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] };
  t.same(check(sd, { resourceType: 'Patient', _birthDate: absent }), []);
  t.match(check(sd, { resourceType: 'Patient' }), [/Patient\.birthDate: minimum required = 1, but only found 0/]);
});

t.test('a slicing with a discriminator not evaluated here is not judged (no false reject)', async (t) => {
  const sd = profile('List', [
    { id: 'List.entry', path: 'List.entry', slicing: { discriminator: [{ type: 'profile', path: 'item.resolve()' }], rules: 'closed' } },
    { id: 'List.entry:pas', path: 'List.entry', sliceName: 'pas', min: 1 },
  ]);
  t.same(check(sd, { resourceType: 'List', status: 'current', mode: 'working', entry: [{ item: { reference: 'Patient/1' } }] }), []);
});

t.test('a resource of another type than the profile', async (t) => {
  t.match(check(telecom, { resourceType: 'Practitioner' }), [/The profile .* is for Patient, not Practitioner/]);
});

t.test('minValue/maxValue (numbers, dates at their precision, Quantities after UCUM conversion) and maxLength', async (t) => {
  const sd = profile('Observation', [
    { id: 'Observation.valueQuantity', path: 'Observation.valueQuantity', maxValueQuantity: { value: 2, system: 'http://unitsofmeasure.org', code: 'kg' } },
    { id: 'Observation.effective[x]', path: 'Observation.effective[x]', minValueDateTime: '2025-01-01' },
    { id: 'Observation.code.text', path: 'Observation.code.text', maxLength: 5 },
  ]);
  const obs = (value: unknown, effective = '2026-11-23T10:00:00+01:00', text = 'Vekt') => ({ resourceType: 'Observation', status: 'final', code: { text }, effectiveDateTime: effective, valueQuantity: value });
  t.same(check(sd, obs({ value: 1500, system: 'http://unitsofmeasure.org', code: 'g' })), [], '1500 g is under 2 kg');
  t.match(check(sd, obs({ value: 2500, system: 'http://unitsofmeasure.org', code: 'g' })), [/maxValue Observation\.valueQuantity: The value .* is greater than the maximum/]);
  t.match(check(sd, obs({ value: 1, system: 'http://unitsofmeasure.org', code: 'kg' }, '2024-12-31')), [/minValue Observation\.effectiveDateTime: The value 2024-12-31 is less than the minimum 2025-01-01/]);
  t.match(check(sd, obs({ value: 1, system: 'http://unitsofmeasure.org', code: 'kg' }, undefined, 'Kroppsvekt')), [/maxLength Observation\.code\.text: The value is 10 characters long/]);
});

t.test('the minLength extension (R4 core extension on ElementDefinition, R5 ElementDefinition.minLength)', async (t) => {
  const sd = profile('Patient', [
    { id: 'Patient.id', path: 'Patient.id', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/minLength', valueInteger: 4 }] },
  ]);
  t.same(check(sd, { resourceType: 'Patient', id: 'abcd' }), [], 'exactly the minimum');
  t.same(check(sd, { resourceType: 'Patient', id: 'abc' }), ["error minLength Patient.id: Value 'abc' is shorter than permitted minimum length of 4"]);
  t.same(check(sd, { resourceType: 'Patient' }), [], 'absent: nothing to measure');
  // counted in characters (code points), as maxLength: 'øæå' is 3 characters, 6 bytes
  t.match(check(sd, { resourceType: 'Patient', id: 'øæå' }), [/shorter than permitted minimum length of 4/]);
});

t.test('an element typed with a profile meets it (Patient.name: HumanName(a profile of ours))', async (t) => {
  const name: StructureDefinition = {
    resourceType: 'StructureDefinition', url: 'http://helsebro.test/StructureDefinition/navn', name: 'Navn', status: 'draft', kind: 'complex-type',
    abstract: false, type: 'HumanName', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/HumanName', derivation: 'constraint',
    differential: { element: [{ id: 'HumanName.family', path: 'HumanName.family', min: 1 }] },
  };
  const sd = profile('Patient', [{ id: 'Patient.name', path: 'Patient.name', type: [{ code: 'HumanName', profile: [name.url!] }] }]);
  t.same(check(sd, { resourceType: 'Patient', name: [{ family: 'Ødegård' }] }, [name]), []);
  t.match(check(sd, { resourceType: 'Patient', name: [{ given: ['Åse'] }] }, [name]), [/cardinality Patient\.name\[0\]\.family: HumanName\.family: minimum required = 1/]);
  t.same(check(sd, { resourceType: 'Patient', name: [{ given: ['Åse'] }] }), [], 'a profile not known here gives no verdict');
});

t.test('a relative reference names its type: it must be one of the targetProfiles', async (t) => {
  const sd = profile('Observation', [{ id: 'Observation.subject', path: 'Observation.subject', type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient', 'http://hl7.org/fhir/StructureDefinition/Location'] }] }]);
  const obs = (reference: string) => ({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference } });
  t.same(check(sd, obs('Patient/p1')), []);
  t.same(check(sd, obs('Group/12345')), ["error reference Observation.subject: The type 'Group' implied by the reference URL Group/12345 is not a valid Target for this element (must be one of [Patient, Location])"]);
  t.same(check(sd, obs('urn:uuid:3f0c1a52-8c2d-4b4e-9f0a-1a2b3c4d5e6f')), [], 'a urn names no type');
});

t.test('a Duration as minValue/maxValue of a date bounds it relative to now (now - d, now + d)', async (t) => {
  const years = (value: number) => ({ value, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' });
  const min = profile('Patient', [{ id: 'Patient.birthDate', path: 'Patient.birthDate', minValueDuration: years(100) } as ElementDefinition]);
  const max = profile('Patient', [{ id: 'Patient.birthDate', path: 'Patient.birthDate', maxValueDuration: years(10) } as ElementDefinition]);
  const born = (birthDate: string) => ({ resourceType: 'Patient', birthDate });
  // at most 100 years ago: 1990 is, 1850 is not (whatever today is)
  t.same(check(min, born('1990-05-17')), []);
  t.match(check(min, born('1850-01-01')), [/^error minValue Patient\.birthDate: The value 1850-01-01 is less than the minimum/]);
  // at most 10 years ahead: 2020 is, 2100 is not
  t.same(check(max, born('2020-01-01')), []);
  t.match(check(max, born('2100-01-01')), [/^error maxValue Patient\.birthDate: The value 2100-01-01 is greater than the maximum/]);
});

t.test('profile discriminator: an entry belongs to the slice whose type profile it conforms to (profiling.html#discriminator)', async (t) => {
  const active = profile('Patient', [{ id: 'Patient.active', path: 'Patient.active', min: 1 }]);
  const bundle = profile('Bundle', [
    { id: 'Bundle.entry', path: 'Bundle.entry', slicing: { discriminator: [{ type: 'profile', path: 'resource' }], rules: 'open' } },
    { id: 'Bundle.entry:pasient', path: 'Bundle.entry', sliceName: 'pasient', min: 1, max: '1' },
    { id: 'Bundle.entry:pasient.resource', path: 'Bundle.entry.resource', type: [{ code: 'Patient', profile: [active.url!] }] },
  ]);
  const entries = (...patients: Record<string, unknown>[]) => ({ resourceType: 'Bundle', type: 'collection',
    entry: patients.map((resource, i) => ({ fullUrl: `urn:uuid:00000000-0000-4000-8000-00000000000${i}`, resource })) });
  t.same(check(bundle, entries({ resourceType: 'Patient', active: true }, { resourceType: 'Patient' }), [active]), [], 'one active patient: the slice; the other is open slicing');
  t.match(check(bundle, entries({ resourceType: 'Patient' }), [active]), [/Bundle\.entry:pasient: minimum required = 1, but only found 0/]);
  t.match(check(bundle, entries({ resourceType: 'Patient', active: true }, { resourceType: 'Patient', active: false }), [active]), [/Bundle\.entry:pasient: max allowed = 1, but found 2/]);
  // the slice's profile is not known: no verdict rather than a guess
  t.same(check(bundle, entries({ resourceType: 'Patient' })), []);
});

t.test('type discriminator on item.resolve(): the referenced resource\'s type, by the slice\'s targetProfile', async (t) => {
  const sd = profile('List', [
    { id: 'List.entry', path: 'List.entry', slicing: { discriminator: [{ type: 'type', path: 'item.resolve()' }], rules: 'closed' } },
    { id: 'List.entry:tilstand', path: 'List.entry', sliceName: 'tilstand', max: '1' },
    { id: 'List.entry:tilstand.item', path: 'List.entry.item', type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Condition'] }] },
  ]);
  const list = (...ids: string[]) => ({ resourceType: 'List', status: 'current', mode: 'working',
    contained: [{ resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/1' } }, { resourceType: 'Condition', id: 'c2', subject: { reference: 'Patient/1' } },
      { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' } }],
    entry: ids.map((id) => ({ item: { reference: `#${id}` } })) });
  t.same(check(sd, list('c1')), []);
  t.match(check(sd, list('c1', 'c2')), [/List\.entry:tilstand: max allowed = 1, but found 2/]);
  t.match(check(sd, list('o1')), [/error slicing List\.entry\[0\]: .*does not match any of the slices \(tilstand\) and the slicing is closed/]);
});

t.test('a reference resolved in the Bundle points to a resource meeting its targetProfile; cycles end', async (t) => {
  const identified = profile('Patient', [{ id: 'Patient.identifier', path: 'Patient.identifier', min: 1 }]);
  const comp = profile('Composition', [{ id: 'Composition.subject', path: 'Composition.subject', type: [{ code: 'Reference', targetProfile: [identified.url!] }] }]);
  const doc = (patient: Record<string, unknown>) => ({
    resourceType: 'Composition', id: 'k1', status: 'final', type: { text: 'Epikrise' }, date: '2024-01-01', author: [{ display: 'Lege' }], title: 'Epikrise', subject: { reference: 'Patient/p1' },
  }) as Record<string, unknown> & { patient?: unknown } & { _p?: typeof patient };
  const bundle = (patient: Record<string, unknown>) => ({ resourceType: 'Bundle', type: 'collection', entry: [
    { fullUrl: 'http://sykehus.example/fhir/Composition/k1', resource: doc(patient) },
    { fullUrl: 'http://sykehus.example/fhir/Patient/p1', resource: { resourceType: 'Patient', id: 'p1', ...patient } },
  ] });
  const run = (b: Record<string, unknown>) => validateProfile((b.entry as { resource: Record<string, unknown> }[])[0].resource, comp, definitionsWith([comp, identified]), { container: b })
    .map((i) => `${i.severity} ${i.expression}: ${i.message}`);
  t.same(run(bundle({ identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '13031353453' }] })), []);
  t.same(run(bundle({})), [`error Composition.subject: Unable to find a profile match for Patient/p1 among choices: ${identified.url}`]);
  // outside the Bundle the reference does not resolve here: no verdict on the target
  t.same(check(comp, doc({})), []);
  // two patients linked to each other, each required to be linked to one meeting the same profile
  const circle = profile('Patient', [
    { id: 'Patient.gender', path: 'Patient.gender', fixedCode: 'other' },
  ]);
  circle.differential!.element.push({ id: 'Patient.link.other', path: 'Patient.link.other', type: [{ code: 'Reference', targetProfile: [circle.url!] }] });
  const pair = (gender: string) => ({ resourceType: 'Bundle', type: 'collection', entry: [
    { fullUrl: 'http://sykehus.example/fhir/Patient/a', resource: { resourceType: 'Patient', id: 'a', gender: 'other', link: [{ other: { reference: 'Patient/b' }, type: 'seealso' }] } },
    { fullUrl: 'http://sykehus.example/fhir/Patient/b', resource: { resourceType: 'Patient', id: 'b', gender, link: [{ other: { reference: 'Patient/a' }, type: 'seealso' }] } },
  ] });
  const first = (b: Record<string, unknown>) => validateProfile((b.entry as { resource: Record<string, unknown> }[])[0].resource, circle, definitionsWith([circle]), { container: b }).map((i) => i.message);
  t.same(first(pair('other')), []);
  t.same(first(pair('male')), [`Unable to find a profile match for Patient/b among choices: ${circle.url}`]);
});

t.test('R5 value controls: mustHaveValue and valueAlternatives on a primitive present only by extensions', async (t) => {
  const X = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.';
  const DAR = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
  const must = profile('Patient', [{ id: 'Patient.active', path: 'Patient.active', extension: [{ url: `${X}mustHaveValue`, valueBoolean: true }] }]);
  const alt = profile('Patient', [{ id: 'Patient.active', path: 'Patient.active', extension: [{ url: `${X}valueAlternatives`, valueCanonical: DAR }] }]);
  const absent = (url: string) => ({ resourceType: 'Patient', _active: { extension: [{ url, valueCode: 'unknown' }] } });
  t.same(check(must, { resourceType: 'Patient', active: true }), []);
  t.match(check(must, absent(DAR)), [/^error mustHaveValue Patient\.active: .*requires that a value be present/]);
  t.same(check(alt, { resourceType: 'Patient', active: false }), []);
  t.same(check(alt, absent(DAR)), [], 'data-absent-reason stands in for the value');
  t.match(check(alt, absent('http://hl7.org/fhir/StructureDefinition/iso21090-nullFlavor')), [/^error valueAlternatives Patient\.active: .*one of the extensions http:\/\/hl7\.org\/fhir\/StructureDefinition\/data-absent-reason must be present/]);
});

const FNR = 'urn:oid:2.16.578.1.12.4.1.4.1';
const fnr = (use: string) => ({ system: FNR, value: '13031353453', use });
/** identifier sliced by system, its fnr slice sliced again by use */
const fnrSlices: ElementDefinition[] = [
  { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
  { id: 'Patient.identifier:fnr', path: 'Patient.identifier', sliceName: 'fnr', slicing: { discriminator: [{ type: 'value', path: 'use' }], rules: 'open' } },
  { id: 'Patient.identifier:fnr.system', path: 'Patient.identifier.system', fixedUri: FNR },
];
const officialReslice: ElementDefinition[] = [
  { id: 'Patient.identifier:fnr/official', path: 'Patient.identifier', sliceName: 'fnr/official', min: 1, max: '1' },
  { id: 'Patient.identifier:fnr/official.use', path: 'Patient.identifier.use', min: 1, fixedCode: 'official' },
];

t.test('re-slicing: a slice sliced again by its own slicing (profiling.html#reslicing), from a published snapshot', async (t) => {
  const sd = profile('Patient', fnrSlices);
  // a published snapshot carries the re-slices as written here
  const snap = snapshotOf(sd, definitionsWith([sd]).structureDefinition);
  const after = snap.reduce((last, e, i) => (e.id?.startsWith('Patient.identifier:fnr') ? i : last), -1) + 1;
  const published = { ...sd, url: `${sd.url}-published`, snapshot: { element: [...snap.slice(0, after), ...officialReslice, ...snap.slice(after)] } } as StructureDefinition;
  t.same(check(published, { resourceType: 'Patient', identifier: [fnr('official'), fnr('old')] }), [], 'one official FNR, others beside it');
  t.match(check(published, { resourceType: 'Patient', identifier: [fnr('usual')] }), [/cardinality Patient\.identifier: Patient\.identifier:fnr\/official: minimum required = 1, but only found 0/]);
  t.match(check(published, { resourceType: 'Patient', identifier: [fnr('official'), fnr('official')] }), [/Patient\.identifier:fnr\/official: max allowed = 1, but found 2/]);
  t.same(check(published, { resourceType: 'Patient', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.2', value: '53031353453', use: 'usual' }] }), [], 'no FNR: the re-slice is within fnr, whose minimum is 0');
});

t.test('re-slicing in a differential: the snapshot generator makes the re-slice from its slice', async (t) => {
  const sd = profile('Patient', [...fnrSlices, ...officialReslice]);
  const ids = snapshotOf(sd, definitionsWith([sd]).structureDefinition).map((e) => e.id).filter((id) => id?.startsWith('Patient.identifier:'));
  t.ok(ids.includes('Patient.identifier:fnr/official.use') && ids.includes('Patient.identifier:fnr/official.system'), 'the re-slice with the children of fnr');
  const system = snapshotOf(sd, definitionsWith([sd]).structureDefinition).find((e) => e.id === 'Patient.identifier:fnr/official.system');
  t.equal(system?.fixedUri, FNR, 'inherited from the slice it re-slices');
  t.same(check(sd, { resourceType: 'Patient', identifier: [fnr('official')] }), []);
  t.match(check(sd, { resourceType: 'Patient', identifier: [fnr('usual')] }), [/Patient\.identifier:fnr\/official: minimum required = 1, but only found 0/]);
});
