/**
 * Measure and MeasureReport rules (src/fhir/validation/measure.ts): https://hl7.org/fhir/R4/measure.html and
 * https://hl7.org/fhir/R4/measurereport.html as the HL7 Java validator (MeasureValidator) applies them, on a
 * small synthetic DMS measure (share of discharge-ready patients moved to municipal care within a day).
 */
import type { Library, Measure, MeasureReport } from '@medplum/fhirtypes';
import t from 'tap';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { validateMeasures } from '../../../../src/fhir/validation/measure.ts';

const POP = 'http://terminology.hl7.org/CodeSystem/measure-population';
const pop = (code: string) => ({ code: { coding: [{ system: POP, code }] } });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const elm = `<?xml version="1.0" encoding="UTF-8"?><library xmlns="urn:hl7-org:elm:r1"><identifier id="Utskrivning"/>
  <statements><def name="Initial Population"/><def name="Kommune"/></statements></library>`;

const library: Library = {
  resourceType: 'Library', url: 'http://helsebro.test/Library/Utskrivning', name: 'Utskrivning', status: 'active',
  type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/library-type', code: 'logic-library' }] },
  content: [{ contentType: 'text/cql', data: b64('library Utskrivning') }, { contentType: 'application/elm+xml', data: b64(elm) }],
};
const measure = (criteria: string, extra: Partial<Measure> = {}): Measure => ({
  resourceType: 'Measure', url: 'http://helsebro.test/Measure/overforing', status: 'active', library: [library.url!],
  scoring: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-scoring', code: 'proportion' }] },
  group: [{
    population: [{ ...pop('initial-population'), criteria: { language: 'text/cql', expression: 'Utskrivning.Initial Population' } },
      { ...pop('numerator'), criteria: { language: 'text/cql', expression: 'Utskrivning.Numerator' } }],
    stratifier: [{ code: { text: 'kommune' }, criteria: { language: 'text/cql', expression: criteria } }],
  }],
  ...extra,
});
const messages = (r: unknown, ...held: (Library | Measure)[]) =>
  validateMeasures(r, definitionsWith(held)).map((i) => `${i.severity} ${i.expression}: ${i.message}`);

t.test('Measure: a CQL stratifier names a definition of one of its libraries', async (t) => {
  // 'Utskrivning.Kommune' is a def in the library's ELM; population criteria are not checked (as in the Java validator)
  t.same(messages(measure('Utskrivning.Kommune'), library), []);
  t.same(messages(measure('Kommune'), library), [], 'an unqualified name with exactly one library');
  t.same(messages(measure('Utskrivning.Bydel'), library), ['error Measure.group[0].stratifier[0].criteria: The function Bydel does not exist in the library http://helsebro.test/Library/Utskrivning']);
  t.same(messages(measure('Annet.Kommune'), library), ['error Measure.group[0].stratifier[0].criteria: No matching Library found for the namespace Annet']);
  t.same(messages(measure('Utskrivning.Kommune')), ['error Measure.group[0].stratifier[0].criteria: No CQL Libraries found on this Measure'], 'the library cannot be resolved');
  const cqlOnly: Library = { ...library, content: [library.content![0]] };
  t.same(messages(measure('Utskrivning.Kommune'), cqlOnly), ['error Measure.group[0].stratifier[0].criteria: Error in http://helsebro.test/Library/Utskrivning: No compiled version of CQL found']);
  const json: Library = { ...library, content: [{ contentType: 'application/elm+json', data: b64(JSON.stringify({ library: { statements: { def: [{ name: 'Kommune' }] } } })) }] };
  t.same(messages(measure('Utskrivning.Kommune'), json), [], 'ELM in JSON serves as well');
});

t.test('Measure: warnings for groups that a report could not be matched to', async (t) => {
  const ip = { ...pop('initial-population'), criteria: { language: 'text/cql' as const, expression: 'Utskrivning.Initial Population' } };
  const two = measure('Kommune', { group: [{ population: [ip] }, { population: [ip] }] });
  t.same(messages(two, library), ['warning Measure.group[0]: A Measure with more than one group should give each group a code',
    'warning Measure.group[1]: A Measure with more than one group should give each group a code']);
  t.same(messages(measure('Kommune', { group: [] }), library), ['warning Measure: The Measure has no groups']);
});

const report = (group: MeasureReport['group'], extra: Partial<MeasureReport> = {}): MeasureReport => ({
  resourceType: 'MeasureReport', status: 'complete', type: 'summary', measure: 'http://helsebro.test/Measure/overforing',
  period: { start: '2026-01-01', end: '2026-03-31' }, group, ...extra,
});
const m = measure('Kommune');

t.test('MeasureReport: populations, count and measureScore against the Measure', async (t) => {
  const ok = [{ population: [{ ...pop('initial-population'), count: 40 }, { ...pop('numerator'), count: 30 }], measureScore: { value: 0.75 },
    stratifier: [{ code: [{ text: 'kommune' }] }] }];
  t.same(messages(report(ok), m), []);
  t.same(messages(report([{ ...ok[0], population: [ok[0].population[0], { ...pop('denominator'), count: 30 }] }]), m), [
    'error MeasureReport.group[0].population[1]: The code for this group population has no match in the measure definition',
    "error MeasureReport.group[0]: The MeasureReport does not include a population for the population with code 'http://terminology.hl7.org/CodeSystem/measure-population#numerator'",
  ]);
  t.same(messages(report([{ ...ok[0], measureScore: { value: 75, unit: '%' } }]), m), [
    'error MeasureReport.group[0].measureScore.unit: A measureScore for this Measure Scoring (proportion) should not have units',
    'error MeasureReport.group[0].measureScore.value: The value is invalid - it must be between 0 and 1',
  ], 'a proportion is a unitless number from 0 to 1');
  t.same(messages(report([{ ...ok[0], measureScore: undefined }]), m), ['error MeasureReport.group[0]: A measureScore is required when the Measure.scoring=proportion']);
  const cohort = { ...m, scoring: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-scoring', code: 'cohort' }] } };
  t.same(messages(report(ok), cohort), ["error MeasureReport.group[0].measureScore: No measureScore when the scoring of the message is 'cohort'"]);
  t.same(messages(report([{ ...ok[0], measureScore: undefined }]), cohort), []);
});

t.test('MeasureReport: subject lists and counts', async (t) => {
  const listed = (count: number) => [{ population: [{ ...pop('initial-population'), count, subjectResults: { reference: '#liste' } }, { ...pop('numerator'), count: 0 }],
    measureScore: { value: 0 }, stratifier: [{ code: [{ text: 'kommune' }] }] }];
  const list = { resourceType: 'List' as const, id: 'liste', status: 'current' as const, mode: 'snapshot' as const, entry: [{ item: { reference: 'Patient/a' } }, { item: { reference: 'Patient/b' } }] };
  t.same(messages(report(listed(2), { type: 'subject-list', contained: [list] }), m), [], 'the count is the entries of the contained List');
  t.same(messages(report(listed(3), { type: 'subject-list', contained: [list] }), m), ['error MeasureReport.group[0].population[0]: Mismatch between count 3 and number of subjects 2']);
  t.same(messages(report(listed(2), { contained: [list] }), m), ["error MeasureReport.group[0].population[0]: Reports where type is not 'subject-list' don't have subjects listed"]);
});

t.test('MeasureReport: groups and stratifiers are matched by code', async (t) => {
  const g = { population: [{ ...pop('initial-population'), count: 1 }, { ...pop('numerator'), count: 1 }], measureScore: { value: 1 } };
  t.same(messages(report([{ ...g, stratifier: [{ code: [{ text: 'bydel' }] }] }]), m), [
    'error MeasureReport.group[0].stratifier[0]: The code for this stratifier has no match in the measure definition',
    "error MeasureReport.group[0]: The MeasureReport does not include a stratifier for the stratifier with code 'kommune'",
  ]);
  t.same(messages(report([{ ...g, stratifier: [{}] }]), m), [
    'error MeasureReport.group[0].stratifier[0]: Group should have a code that matches the group stratifier definition in the measure',
    "error MeasureReport.group[0]: The MeasureReport does not include a stratifier for the stratifier with code 'kommune'",
  ]);
  const strat = [{ code: [{ text: 'kommune' }] }];
  // two report groups against one anonymous Measure group: they cannot be matched
  t.same(messages(report([{ ...g, stratifier: strat }, { ...g, stratifier: strat }]), m), [
    'error MeasureReport.group[0]: Group should have a code that matches the group definition in the measure',
    'error MeasureReport.group[1]: Group should have a code that matches the group definition in the measure',
    "error MeasureReport: The MeasureReport does not include a group for the group with code ''",
  ]);
  t.same(messages(report([{ ...g, stratifier: strat }, { ...g, stratifier: strat }], { type: 'data-collection' }), m).filter((x) => x.includes('does not include a group')), [],
    'a data-collection report need not cover every group');
  t.same(messages(report([{ ...g, stratifier: strat }])), ["warning MeasureReport.measure: The Measure 'http://helsebro.test/Measure/overforing' could not be resolved, so no validation can be performed against the Measure"]);
});
