// Index rows from resources (src/search/extract.ts), by parameter type as https://hl7.org/fhir/R4/search.html
// lays them out: HumanName parts as strings, Identifier as system|value, Period as a range with open ends,
// Reference as type/id or url, composites as grouped component rows.
import t from 'tap';
import { extractRows } from '../../../src/search/extract.ts';
import { MAX_INSTANT, MIN_INSTANT } from '../../../src/search/rows.ts';
import { explain } from '../../../src/search/paths.ts';

const of = <T extends { param: string }>(rows: T[], param: string) => rows.filter((r) => r.param === param);

t.test('Patient: name parts, identifiers with their type, dates, references, the deceased flag', async (t) => {
  const rows = extractRows({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '01818000282', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NH' }], text: 'Fødselsnummer' } }],
    name: [{ family: 'Ødegård', given: ['Åse', 'Kari'], prefix: ['Dr.'] }],
    birthDate: '1969-11',
    generalPractitioner: [{ reference: 'Practitioner/lege-1' }, { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144900' } }],
    managingOrganization: { reference: 'http://elsewhere.example/fhir/Organization/o1' },
  } as never);
  // name's parts are stored once, keyed by part; family and given search those keys (src/search/shared-rows.ts)
  t.same(rows.string.filter((r) => r.param.startsWith('name#')).map((r) => `${r.param}=${r.value}`), ['name#family=Ødegård', 'name#given=Åse', 'name#given=Kari', 'name#prefix=Dr.'], 'name: family, given, prefix');
  t.same(of(rows.string, 'name#family')[0], { param: 'name#family', value: 'Ødegård', folded: 'ødegard', sort: '|deg}rd' }, 'folded (å -> a) and the Norwegian sort key (ø -> |, å -> }: both after z)');
  t.same(of(rows.token, 'identifier'), [{ param: 'identifier', system: 'urn:oid:2.16.578.1.12.4.1.4.1', code: '01818000282' }]);
  t.same(of(rows.token, 'identifier:of-type'), [{ param: 'identifier:of-type', system: 'http://terminology.hl7.org/CodeSystem/v2-0203|NH', code: '01818000282' }]);
  t.same(of(rows.text, 'identifier'), [{ param: 'identifier', text: 'fødselsnummer' }], ':text sees Identifier.type.text');
  t.same(of(rows.date, 'birthdate'), [{ param: 'birthdate', low: '1969-11-01T00:00:00.000Z', high: '1969-12-01T00:00:00.000Z' }], 'a month is the range of that month');
  t.same(of(rows.reference, 'general-practitioner'), [
    { param: 'general-practitioner', targetType: 'Practitioner', targetId: 'lege-1', url: null },
    { param: 'general-practitioner', targetType: null, targetId: null, url: null },
  ], 'an identifier-only reference has a row (for :missing) without target');
  t.same(of(rows.token, 'general-practitioner:identifier'), [{ param: 'general-practitioner:identifier', system: 'urn:oid:2.16.578.1.12.4.1.4.4', code: '9144900' }]);
  t.same(of(rows.reference, 'organization'), [{ param: 'organization', targetType: null, targetId: null, url: 'http://elsewhere.example/fhir/Organization/o1' }], 'another server: by url');
  t.same(of(rows.token, 'deceased'), [{ param: 'deceased', system: null, code: 'false' }], 'Patient-deceased: exists() and != false is false when absent');
});

t.test('Encounter: a Period without end is open-ended', async (t) => {
  const rows = extractRows({ resourceType: 'Encounter', status: 'in-progress', class: { code: 'IMP' }, period: { start: '2026-11-20T08:00:00+01:00' } } as never);
  t.same(of(rows.date, 'date'), [{ param: 'date', low: '2026-11-20T07:00:00.000Z', high: MAX_INSTANT }]);
  const noStart = extractRows({ resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { end: '2026-11-20' } } as never);
  t.same(of(noStart.date, 'date'), [{ param: 'date', low: MIN_INSTANT, high: '2026-11-21T00:00:00.000Z' }]);
});

t.test('Observation: quantities with UCUM canonical values; composites grouped per element, incomplete groups dropped', async (t) => {
  const rows = extractRows({
    resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 142, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 88, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    ],
  } as never);
  const c0 = of(rows.token, 'component-code-value-quantity$0');
  const c1 = of(rows.quantity, 'component-code-value-quantity$1');
  t.same(c0.map((r) => [r.code, r.grp]), [['8480-6', c0[0].grp], ['8462-4', c0[1].grp]]);
  t.not(c0[0].grp, c0[1].grp, 'each component is its own group');
  t.same(c1.map((r) => [r.value, r.grp]), [[142, c0[0].grp], [88, c0[1].grp]], 'a value shares the group of its code');
  t.equal(of(rows.token, 'code-value-quantity$0').length, 0, 'Observation.value is absent: the code-value-quantity group is incomplete and not stored');
  const q = of(rows.quantity, 'component-value-quantity')[0];
  t.equal(q.canonicalCode, 'g.m-1.s-2', 'mm[Hg] is a pressure');
  // UCUM defines m[Hg] as 133.3220 kPa, so 1 mm[Hg] = 133.322 Pa = 133322 g.m-1.s-2 (the gram is UCUM's base unit)
  t.equal(q.canonicalValue, 142 * 133322);
});

t.test('all but one of the R4 expressions for common types take the compiled path', async (t) => {
  const { searchParamsOf } = await import('../../../src/search/registry.ts');
  const slow: string[] = [];
  for (const type of ['Patient', 'Observation', 'Encounter', 'Condition', 'Practitioner', 'Organization', 'ServiceRequest', 'Location', 'HealthcareService', 'EpisodeOfCare']) {
    for (const def of searchParamsOf(type).values()) {
      if (!def.expression) continue;
      for (const b of explain(def.expression, type)) if (!b.fast) slow.push(`${type}.${def.code}`);
    }
  }
  t.same(slow, ['Patient.deceased'], 'only Patient-deceased uses FHIRPath outside the subset (it has its own compiled form)');
});

t.test('where with or-ed equalities of one field (our Encounter current-location) is compiled and agrees with FHIRPath', async (t) => {
  const { searchParameter } = await import('../../../src/search/registry.ts');
  const { compilePath } = await import('../../../src/search/paths.ts');
  const { evalFhirPath } = await import('@medplum/core');
  const def = searchParameter('Encounter', 'current-location')!;
  t.same(explain(def.expression!, 'Encounter').map((b) => b.fast), [true]);
  t.equal(explain("Encounter.where(status = 'a' or class = 'b').location", 'Encounter')[0].fast, false, 'two fields: not compiled');
  const path = compilePath(def.expression!, 'Encounter');
  const at = (ref: string, status: string) => ({ location: { reference: ref }, status });
  for (const status of ['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled']) {
    const e = { resourceType: 'Encounter', status, class: { code: 'IMP' }, location: [at('Location/a', 'active'), at('Location/b', 'completed'), at('Location/c', 'active')] };
    const ours = path.eval(e).map((x) => (x.v as { reference: string }).reference);
    const fhirpath = (evalFhirPath(def.expression!, e) as { reference: string }[]).map((x) => x.reference);
    t.same(ours, fhirpath, status);
    t.same(ours, ['arrived', 'triaged', 'in-progress', 'onleave'].includes(status) ? ['Location/a', 'Location/c'] : [], `${status}: the active entries of an Encounter the patient is in`);
  }
});
