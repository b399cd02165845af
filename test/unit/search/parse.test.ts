// Search URL -> plan (src/search/parse.ts). Expected values from https://hl7.org/fhir/R4/search.html :
// #prefix, #date (implicit ranges), #number (precision), #quantity, #reference, #chaining, #has, #sort, #include.
import t from 'tap';
import { FhirError } from '../../../src/errors/fhir-error.ts';
import { parseSearch } from '../../../src/search/parse.ts';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const parse = (type: string, q: string, lenient = false) =>
  parseSearch(type, new URLSearchParams(q), { lenient, defaultCount: 20, maxCount: 1000, baseUrl: 'http://helsebro.test/fhir', now: () => NOW });
const filter = (type: string, q: string) => parse(type, q).plan.filters[0];
const codeOf = (f: () => unknown) => {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof FhirError ? e.code : String(e);
  }
};

t.test('string: folded prefix by default, :exact as given, :contains folded', async (t) => {
  t.same(filter('Patient', 'name=Åse'), { kind: 'string', param: 'name', mode: 'prefix', values: ['ase'] });
  t.same(filter('Patient', 'family:exact=Ødegård'), { kind: 'string', param: 'family', mode: 'exact', values: ['Ødegård'] });
  t.same(filter('Patient', 'family:contains=DEG'), { kind: 'string', param: 'family', mode: 'contains', values: ['deg'] });
  t.same(filter('Patient', 'given=Kari,Ola'), { kind: 'string', param: 'given', mode: 'prefix', values: ['kari', 'ola'] }, 'a comma is OR');
  t.same(filter('Patient', 'given=a\\,b'), { kind: 'string', param: 'given', mode: 'prefix', values: ['a,b'] }, '\\, is a literal comma');
});

t.test('token: the four forms, :not, :text, :of-type', async (t) => {
  t.same(filter('Patient', 'identifier=urn:s|7').kind === 'token' && (filter('Patient', 'identifier=urn:s|7') as { values: unknown }).values, [{ system: 'urn:s', code: '7' }]);
  t.same((filter('Observation', 'code=|x') as { values: unknown }).values, [{ system: '', code: 'x' }], '|code: no system');
  t.same((filter('Observation', 'code=http://loinc.org|') as { values: unknown }).values, [{ system: 'http://loinc.org', code: undefined }], 'system|: any code');
  t.same(filter('Patient', 'gender:not=male'), { kind: 'token', param: 'gender', values: [{ code: 'male' }], negate: true });
  t.same(filter('Observation', 'code:text=Hemo'), { kind: 'text', param: 'code', values: ['hemo'] });
  t.same(filter('Patient', 'identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|123'), {
    kind: 'token', param: 'identifier:of-type', values: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203|MR', code: '123' }],
  });
  t.equal(codeOf(() => parse('Patient', 'identifier:of-type=a|b')), 'FHIR_PARAM_INVALID', ':of-type needs three parts');
  t.same(filter('Observation', 'code:not-in=http://x/vs'), { kind: 'valueSet', param: 'code', url: 'http://x/vs', negate: true }, ':in/:not-in are resolved against the stored ValueSet later');
  t.equal(codeOf(() => parse('Observation', 'code:below=http://loinc.org|718-7')), 'FHIR_PARAM_UNKNOWN', ':below on a token needs code system hierarchies');
});

t.test('date: implicit ranges from the precision; ap widened by 10% of the distance to now', async (t) => {
  t.same(filter('Patient', 'birthdate=1980'), { kind: 'date', param: 'birthdate', values: [{ prefix: 'eq', low: '1980-01-01T00:00:00.000Z', high: '1981-01-01T00:00:00.000Z' }] });
  t.same((filter('Patient', 'birthdate=ge1980-05') as { values: unknown[] }).values[0], { prefix: 'ge', low: '1980-05-01T00:00:00.000Z', high: '1980-06-01T00:00:00.000Z' });
  t.same((filter('Observation', 'date=lt2025-03-01T10:00:00%2B01:00') as { values: unknown[] }).values[0],
    { prefix: 'lt', low: '2025-03-01T09:00:00.000Z', high: '2025-03-01T09:00:01.000Z' }, 'an offset is brought to UTC; seconds give a one-second range');
  // ap2016: [2016-01-01, 2017-01-01) widened by 10% of |now - bound| on each side
  const ap = (filter('Patient', 'birthdate=ap2016') as { values: { low: string; high: string }[] }).values[0];
  const low = Date.parse('2016-01-01T00:00:00.000Z');
  const high = Date.parse('2017-01-01T00:00:00.000Z');
  t.equal(ap.low, new Date(low - 0.1 * (NOW - low)).toISOString());
  t.equal(ap.high, new Date(high + 0.1 * (NOW - high)).toISOString());
  t.equal(codeOf(() => parse('Patient', 'birthdate=1980-02-30')), 'FHIR_PARAM_INVALID', 'not a calendar date');
  t.equal(codeOf(() => parse('Patient', 'birthdate=xx1980')), 'FHIR_PARAM_INVALID', 'not a prefix');
});

t.test('number: the precision of the value is its range (search.html#number: 100 is [99.5, 100.5))', async (t) => {
  const n = (q: string) => (filter('RiskAssessment', q) as { values: { prefix: string; value: number; low: number; high: number }[] }).values[0];
  t.same(n('probability=100'), { prefix: 'eq', value: 100, low: 99.5, high: 100.5 });
  t.same(n('probability=0.80'), { prefix: 'eq', value: 0.8, low: 0.795, high: 0.805 }, '0.80 has two decimals');
  const e = n('probability=1e2');
  t.same([e.value, e.low, e.high], [100, 50, 150], '1e2 has one significant figure');
  t.same(n('probability=ap100'), { prefix: 'ap', value: 100, low: 90, high: 110 }, 'ap: within 10%');
  t.equal(codeOf(() => parse('RiskAssessment', 'probability=ten')), 'FHIR_PARAM_INVALID');
});

t.test('quantity: UCUM units become canonical; ||code matches code or unit; other systems compare literally', async (t) => {
  const q = (s: string) => (filter('Observation', `value-quantity=${s}`) as { values: Record<string, unknown>[] }).values[0];
  const mg = q('5.4|http://unitsofmeasure.org|mg');
  t.equal(mg.canonicalCode, 'g');
  t.equal(mg.value, 0.0054, '5.4 mg = 0.0054 g');
  t.equal(q('5.4||mg').code, 'mg');
  t.equal(q('5.4||mg').system, undefined);
  t.same([q('5|urn:x|box').system, q('5|urn:x|box').code], ['urn:x', 'box']);
  t.equal(codeOf(() => parse('Observation', 'value-quantity=5|mg')), 'FHIR_PARAM_INVALID', 'two parts is neither form');
});

t.test('reference: Type/id, id, :Type, absolute on this base, other absolute, :identifier', async (t) => {
  const v = (q: string) => (filter('Observation', q) as { values: unknown[] }).values;
  t.same(v('subject=Patient/p1'), [{ type: 'Patient', id: 'p1' }]);
  t.same(v('subject=p1'), [{ id: 'p1' }]);
  t.same(v('subject:Patient=p1'), [{ type: 'Patient', id: 'p1' }]);
  t.same(v('subject=http://helsebro.test/fhir/Patient/p1'), [{ type: 'Patient', id: 'p1' }], 'this server\'s base is local');
  t.same(v('subject=http://elsewhere/fhir/Patient/p1'), [{ url: 'http://elsewhere/fhir/Patient/p1' }]);
  t.same(filter('Observation', 'subject:identifier=urn:oid:2.16.578.1.12.4.1.4.1|01818000282'),
    { kind: 'token', param: 'subject:identifier', values: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', code: '01818000282' }] });
  t.equal(codeOf(() => parse('Observation', 'subject:Medication=m1')), 'FHIR_PARAM_INVALID', 'subject cannot refer to a Medication');
});

t.test('chains and _has nest whole filters; a chain over several target types is an OR', async (t) => {
  t.same(filter('Observation', 'subject:Patient.name=kari'), {
    kind: 'chain', param: 'subject', targetTypes: ['Patient'], filter: { kind: 'string', param: 'name', mode: 'prefix', values: ['kari'] },
  });
  const two = filter('Observation', 'subject:Patient.general-practitioner:Practitioner.family=lege');
  t.match(two, { kind: 'chain', targetTypes: ['Patient'], filter: { kind: 'chain', param: 'general-practitioner', targetTypes: ['Practitioner'], filter: { kind: 'string', param: 'family' } } });
  const any = filter('Observation', 'subject.name=kari') as { kind: string; filters: { targetTypes: string[] }[] };
  t.equal(any.kind, 'any', 'subject may be a Patient or a Group (both have name)');
  t.ok(any.filters.length >= 2);
  t.match(filter('Patient', '_has:Observation:subject:code=718-7'), { kind: 'has', sourceType: 'Observation', param: 'subject', filter: { kind: 'token', param: 'code' } });
  t.match(filter('Patient', '_has:Observation:subject:_has:Provenance:target:agent=Practitioner/x'), { kind: 'has', filter: { kind: 'has', sourceType: 'Provenance' } });
  t.equal(codeOf(() => parse('Patient', '_has:Observation:code:status=final')), 'FHIR_PARAM_UNKNOWN', 'code is not a reference parameter');
  t.equal(codeOf(() => parse('Observation', 'status.name=x')), 'FHIR_PARAM_INVALID', 'only references chain');
});

t.test('result parameters: _sort keys, _include, _summary=count; unknown ones refused unless lenient', async (t) => {
  const p = parse('Patient', '_sort=family,-birthdate,_id&_count=5&_include=Patient:general-practitioner&_revinclude:iterate=Observation:subject');
  t.same(p.plan.sort, [{ param: 'family', descending: false, table: 'string' }, { param: 'birthdate', descending: true, table: 'date' }, { param: '_id', descending: false }]);
  t.equal(p.plan.count, 5);
  t.same(p.include, [
    { reverse: false, sourceType: 'Patient', param: 'general-practitioner', targetType: undefined, iterate: false },
    { reverse: true, sourceType: 'Observation', param: 'subject', targetType: undefined, iterate: true },
  ]);
  t.same([parse('Patient', '_summary=count').plan.count, parse('Patient', '_summary=count').plan.total], [0, true]);
  t.equal(parse('Patient', 'family=x').plan.totalLimit, 1000, 'by default the total is counted up to 1,000 matches');
  t.equal(parse('Patient', 'family=x&_total=accurate').plan.totalLimit, undefined, '_total=accurate counts all');
  t.equal(parse('Patient', '_summary=count').plan.totalLimit, undefined, '_summary=count counts all');
  t.equal(codeOf(() => parse('Patient', 'nmae=x')), 'FHIR_PARAM_UNKNOWN');
  t.equal(codeOf(() => parse('Patient', 'name:sounds=x')), 'FHIR_PARAM_UNKNOWN');
  t.equal(codeOf(() => parse('Patient', '_sort=nmae')), 'FHIR_PARAM_UNKNOWN');
  t.equal(codeOf(() => parse('Patient', '_count=-1')), 'FHIR_PARAM_INVALID');
  const lenient = parse('Patient', 'nmae=x&family=Berg', true);
  t.same(lenient.ignored.map((i) => i.param), ['nmae'], 'lenient: reported, not applied');
  t.same(lenient.applied, [['family', 'Berg']], 'the self link shows only what was applied');
  t.equal(codeOf(() => parse('Patient', 'birthdate=notadate', true)), 'FHIR_PARAM_INVALID', 'a malformed value is an error even when lenient');
});
