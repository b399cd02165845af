// The search bench's synthetic data generator (bench/search/generate.ts): determinism, counts, referential
// integrity, synthetic fødselsnummer rules and basic R4 shape, on a small scale.
import t from 'tap';
import type { Encounter, Observation, Patient, Resource } from '@medplum/fhirtypes';
import {
  FNR_SLOTS_PER_DATE, FNR_SYSTEM, MAX_PATIENTS, OBSERVATION_CODES, expectedCounts, fnrBirthDate, fnrChecksOk,
  generate, isCalendarDate, queryValues, syntheticFnr,
} from '../../../bench/search/generate.ts';
import type { Scale } from '../../../bench/search/generate.ts';
import { ResourceValidator } from '../../../src/fhir/validation/index.ts';

const SMALL: Scale = { patients: 200, observationsPerPatient: 3, encountersPerPatient: 0.5 };
const all = [...generate(SMALL)];
const ofType = <T extends Resource>(type: T['resourceType']): T[] => all.filter((r) => r.resourceType === type) as T[];
const patients = ofType<Patient>('Patient');
const encounters = ofType<Encounter>('Encounter');
const observations = ofType<Observation>('Observation');

const ID_PREFIX: Record<string, RegExp> = {
  Organization: /^org-\d{4}$/,
  Practitioner: /^prac-\d{4}$/,
  Patient: /^pat-\d{6}$/,
  Encounter: /^enc-\d{6}-\d+$/,
  Observation: /^obs-\d{6}-\d+$/,
};
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\+0[12]:00$/;
const FIRST = Date.parse('2015-01-01T00:00:00+01:00');
const END = Date.parse('2026-11-01T00:00:00+01:00');

function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

/** An independent implementation of the two mod-11 check digits, for cross-checking. */
function checkDigitsOf(first9: number[]): [number, number] | undefined {
  const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  let k1 = 11 - (first9.reduce((s, d, i) => s + d * w1[i], 0) % 11);
  if (k1 === 11) k1 = 0;
  if (k1 === 10) return undefined;
  let k2 = 11 - ([...first9, k1].reduce((s, d, i) => s + d * w2[i], 0) % 11);
  if (k2 === 11) k2 = 0;
  if (k2 === 10) return undefined;
  return [k1, k2];
}

t.test('deterministic for a seed; another seed gives other data', async (t) => {
  t.equal(JSON.stringify([...generate(SMALL)]), JSON.stringify(all), 'two runs with the default seed are identical');
  t.equal(JSON.stringify([...generate(SMALL, 1)]), JSON.stringify(all), 'seed 1 is the default');
  const other = [...generate(SMALL, 2)];
  t.equal(other.length, all.length, 'same counts for another seed');
  const p2 = other.filter((r) => r.resourceType === 'Patient');
  t.not(JSON.stringify(p2), JSON.stringify(patients), 'seed 2 gives other patients');
  t.ok(p2.filter((p, i) => JSON.stringify(p) !== JSON.stringify(patients[i])).length > 190, 'nearly every patient differs');
  t.same(other.map((r) => r.id), all.map((r) => r.id), 'ids are the same for every seed');
});

t.test('counts per type match the scale; order is directory, then per patient Patient, Encounters, Observations', async (t) => {
  const counts: Record<string, number> = {};
  for (const r of all) counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
  const expected = expectedCounts(SMALL);
  t.equal(counts.Patient, 200);
  t.equal(counts.Encounter, 100);
  t.equal(counts.Observation, 600);
  t.same(counts, { Organization: expected.Organization, Practitioner: expected.Practitioner, Patient: 200, Encounter: 100, Observation: 600 });
  t.equal(all.length, expected.total);
  t.ok(expected.Organization + expected.Practitioner >= 200 && expected.Organization + expected.Practitioner <= 900,
    `a few hundred directory resources (${expected.Organization} + ${expected.Practitioner})`);
  const firstPatient = all.findIndex((r) => r.resourceType === 'Patient');
  t.ok(all.slice(0, firstPatient).every((r, i, a) =>
    r.resourceType === 'Organization' || (r.resourceType === 'Practitioner' && a.slice(i).every((x) => x.resourceType === 'Practitioner'))),
  'Organizations, then Practitioners, then patients');
  let current = '';
  const misplaced: string[] = [];
  const RANK: Record<string, number> = { Patient: 0, Encounter: 1, Observation: 2 };
  let last = 0;
  for (const r of all.slice(firstPatient)) {
    if (r.resourceType === 'Patient') current = (r.id as string).slice(4);
    else if ((r.id as string).split('-')[1] !== current || RANK[r.resourceType] < last) misplaced.push(r.id as string);
    last = RANK[r.resourceType];
  }
  t.same(misplaced, [], 'each Patient is followed by its Encounters, then its Observations');
  const withEncounter = new Set(encounters.map((e) => Number((e.id as string).split('-')[1])));
  t.same([...withEncounter], Array.from({ length: 100 }, (_, k) => 2 * (k + 1)), 'encounters for every second patient');

  const fractional: Scale = { patients: 10, observationsPerPatient: 1.5, encountersPerPatient: 0.3 };
  const f = [...generate(fractional)];
  t.equal(f.filter((r) => r.resourceType === 'Observation').length, expectedCounts(fractional).Observation);
  t.equal(f.filter((r) => r.resourceType === 'Encounter').length, 3);
  const none = [...generate({ patients: 3, observationsPerPatient: 2, encountersPerPatient: 0 })];
  t.ok(none.filter((r) => r.resourceType === 'Observation').every((o) => !(o as Observation).encounter), 'no encounter, no link');
});

t.test('streams: the first resources of the largest allowed scale come at once', async (t) => {
  const it = generate({ patients: MAX_PATIENTS, observationsPerPatient: 3, encountersPerPatient: 0.5 });
  const started = performance.now();
  let n = 0;
  for (const r of it) if (++n === 2000 || !r) break;
  t.equal(n, 2000);
  t.ok(performance.now() - started < 5000, 'no up-front work proportional to the scale');
  t.throws(() => [...generate({ patients: MAX_PATIENTS + 1, observationsPerPatient: 0, encountersPerPatient: 0 })], RangeError);
  t.throws(() => [...generate({ patients: -1, observationsPerPatient: 0, encountersPerPatient: 0 })], RangeError);
  t.throws(() => [...generate({ patients: 1, observationsPerPatient: NaN, encountersPerPatient: 0 })], RangeError);
});

t.test('every resource is sane R4 JSON with a unique explicit id and no meta', async (t) => {
  const ids = new Set<string>();
  for (const r of all) {
    const key = `${r.resourceType}/${r.id}`;
    if (!ID_PREFIX[r.resourceType]) t.fail(`unexpected type ${r.resourceType}`);
    if (typeof r.id !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(r.id) || !ID_PREFIX[r.resourceType].test(r.id)) t.fail(`bad id ${key}`);
    if (ids.has(r.id as string)) t.fail(`duplicate id ${key}`);
    ids.add(r.id as string);
    if ('meta' in r) t.fail(`${key} has meta`);
    if (JSON.stringify(JSON.parse(JSON.stringify(r))) !== JSON.stringify(r) || JSON.stringify(r).includes('null')) {
      t.fail(`${key} does not survive a JSON round trip (undefined, NaN or null inside)`);
    }
    const empty = JSON.stringify(r).match(/"[^"]+":(\[\]|\{\}|"")/);
    if (empty) t.fail(`${key} has an empty element ${empty[0]} (not allowed in FHIR JSON)`);
  }
  t.equal(ids.size, all.length, 'ids are unique across the whole set');
  for (const o of observations) {
    if (o.status !== 'final' || !o.code?.coding?.[0]?.code || o.category?.length !== 1) t.fail(`${o.id} misses status, code or category`);
    const known = OBSERVATION_CODES.find((c) => c.code === o.code.coding?.[0]?.code);
    if (!known || o.code.coding?.[0]?.system !== 'http://loinc.org') t.fail(`${o.id} has an unknown code`);
    if (o.category?.[0]?.coding?.[0]?.code !== known?.category) t.fail(`${o.id} has the wrong category`);
    const quantities = o.component ? o.component.map((c) => c.valueQuantity) : [o.valueQuantity];
    if (o.component && o.valueQuantity) t.fail(`${o.id} panel with a value`);
    for (const q of quantities) {
      if (!q || typeof q.value !== 'number' || !Number.isFinite(q.value) || q.value <= 0 || q.system !== 'http://unitsofmeasure.org' || !q.code) {
        t.fail(`${o.id} has a bad quantity ${JSON.stringify(q)}`);
      }
    }
  }
  const bp = observations.find((o) => o.code.coding?.[0]?.code === '85354-9');
  t.same(bp?.component?.map((c) => c.code.coding?.[0]?.code), ['8480-6', '8462-4'], 'blood pressure panel components');
  const systolic = bp?.component?.[0].valueQuantity?.value as number;
  t.ok(systolic > (bp?.component?.[1].valueQuantity?.value as number), 'systolic above diastolic');
  for (const e of encounters) {
    if (!['finished', 'in-progress'].includes(e.status)) t.fail(`${e.id} status ${e.status}`);
    if (e.class.system !== 'http://terminology.hl7.org/CodeSystem/v3-ActCode' || !['AMB', 'IMP', 'EMER', 'HH'].includes(e.class.code as string)) t.fail(`${e.id} class`);
    if (e.type?.[0]?.coding?.[0]?.system !== 'http://helsebro.test/encounter-type') t.fail(`${e.id} type system`);
  }
  const statuses = new Set(encounters.map((e) => e.status));
  const big = [...generate({ patients: 2000, observationsPerPatient: 0, encountersPerPatient: 1 })].filter((r) => r.resourceType === 'Encounter') as Encounter[];
  const inProgress = big.filter((e) => e.status === 'in-progress').length;
  t.ok(statuses.has('finished') && inProgress > 20 && inProgress < 200, `some in-progress encounters (${inProgress} of 2000)`);
  t.same(new Set(big.map((e) => e.class.code)), new Set(['AMB', 'IMP', 'EMER', 'HH']), 'all four classes occur');
});

t.test("Helsebro's own full validation (R4 JSON schema, StructureDefinitions, invariants) finds nothing", async (t) => {
  const validator = new ResourceValidator({ level: 'full' });
  const sample = [...generate({ patients: 60, observationsPerPatient: 3, encountersPerPatient: 1 }, 5)];
  const problems = sample.flatMap((r) => validator.validate(r).issues.map((i) => `${r.resourceType}/${r.id}: ${JSON.stringify(i)}`));
  t.same(problems, [], `${sample.length} resources, no errors or warnings`);
});

t.test('every reference points at a resource generated earlier; links are consistent', async (t) => {
  const seen = new Set<string>();
  let checked = 0;
  for (const r of all) {
    for (const ref of references(r)) {
      checked++;
      if (!seen.has(ref)) t.fail(`${r.resourceType}/${r.id} -> ${ref} is not an earlier resource`);
    }
    seen.add(`${r.resourceType}/${r.id}`);
  }
  t.ok(checked > 2000, `${checked} references checked`);
  const byId = new Map(all.map((r) => [`${r.resourceType}/${r.id}`, r]));
  for (const p of patients) {
    if (!p.generalPractitioner?.[0]?.reference?.startsWith('Practitioner/')) t.fail(`${p.id} has no fastlege`);
    const org = byId.get(p.managingOrganization?.reference as string);
    if (!org || !/Legekontor/.test((org as { name?: string }).name ?? '')) t.fail(`${p.id} is not managed by a Legekontor`);
  }
  const encounterById = new Map(encounters.map((e) => [e.id, e]));
  for (const e of encounters) {
    const org = byId.get(e.serviceProvider?.reference as string) as { name?: string } | undefined;
    if (!org || !/DMS|sykehus|UNN/i.test(org.name ?? '')) t.fail(`${e.id} serviceProvider ${org?.name} is not a hospital or DMS`);
    if (e.subject?.reference !== `Patient/pat-${(e.id as string).split('-')[1]}`) t.fail(`${e.id} subject`);
  }
  for (const o of observations) {
    const n = (o.id as string).split('-')[1];
    if (o.subject?.reference !== `Patient/pat-${n}`) t.fail(`${o.id} subject`);
    if (!o.performer?.[0]?.reference?.startsWith('Practitioner/')) t.fail(`${o.id} performer`);
    const hasEncounter = Number(n) % 2 === 0;
    if (hasEncounter !== Boolean(o.encounter)) t.fail(`${o.id} encounter link ${o.encounter?.reference} (patient ${n})`);
    if (o.encounter) {
      const e = encounterById.get(o.encounter.reference?.slice('Encounter/'.length));
      if (!e || e.subject?.reference !== o.subject?.reference) t.fail(`${o.id} links another patient's encounter`);
      const at = Date.parse(o.effectiveDateTime as string);
      if (e && (at < Date.parse(e.period?.start as string) || at > Date.parse(e.period?.end ?? '2026-11-01T00:00:00+01:00'))) {
        t.fail(`${o.id} effective ${o.effectiveDateTime} outside its encounter ${JSON.stringify(e.period)}`);
      }
    }
  }
});

t.test('check digits: known synthetic numbers pass, a changed digit fails', async (t) => {
  for (const fnr of ['10915596784', '03851598730', '02850097219', '11845599620', '26812297073']) {
    t.ok(fnrChecksOk(fnr), `${fnr} passes`);
    const digits = Array.from(fnr.slice(0, 9), Number);
    t.same(checkDigitsOf(digits), [Number(fnr[9]), Number(fnr[10])], `${fnr}: independent implementation agrees`);
  }
  t.notOk(fnrChecksOk('10915596785'), 'wrong K2');
  t.notOk(fnrChecksOk('10915596774'), 'wrong K1');
  t.notOk(fnrChecksOk('1091559678'), 'too short');
  t.notOk(fnrChecksOk('1091559678a'), 'not digits');
  // the project's examples decode by the official century rule (two are 1955 births with individual numbers 9xx)
  t.equal(fnrBirthDate('10915596784'), '1955-11-10');
  t.equal(fnrBirthDate('03851598730'), '2015-05-03');
  t.equal(fnrBirthDate('02850097219'), '2000-05-02');
  t.equal(fnrBirthDate('11845599620'), '1955-04-11');
  t.equal(fnrBirthDate('26812297073'), '2022-01-26');
  t.equal(fnrBirthDate('31928085099'), undefined, 'individual number 750-899 with YY >= 40 has no century');
  t.equal(fnrBirthDate('31824012345'), undefined, 'no 31 February');
});

t.test('syntheticFnr: month + 80, century ranges, parity, exhaustion, hand-computed value', async (t) => {
  // 1955-09-10: DD=10, MM=89, YY=55; first individual number 000: K1 = 11 - (3*1+7*0+6*8+1*9+8*5+9*5) % 11 = 11 - 145 % 11 = 9,
  // K2 = 11 - (5*1+4*0+3*8+2*9+7*5+6*5+2*9) % 11 = 11 - 130 % 11 = 2
  t.equal(syntheticFnr('1955-09-10', 0), '10895500092');
  t.ok(fnrChecksOk('10895500092'));
  t.match(syntheticFnr('2015-05-03', 0), /^03851550\d{3}$/, '2000s start at 500');
  t.equal(syntheticFnr('1955-09-10', 0, 'male')[8], '1', 'male: odd third individual digit');
  t.equal(Number(syntheticFnr('1955-09-10', 0, 'female')[8]) % 2, 0, 'female: even');
  let n = 0;
  while (n < 600) {
    try {
      syntheticFnr('1999-12-31', n, 'female');
      n++;
    } catch (err) {
      t.type(err, RangeError);
      break;
    }
  }
  t.ok(n >= FNR_SLOTS_PER_DATE && n <= 250, `${n} valid female numbers for 1999-12-31`);
  t.throws(() => syntheticFnr('1899-12-31', 0), RangeError);
  t.throws(() => syntheticFnr('2001-02-29', 0), RangeError);
});

t.test(`every (date 1925-2024, sex) has at least FNR_SLOTS_PER_DATE = ${FNR_SLOTS_PER_DATE} valid numbers`, async (t) => {
  // same formula as checkDigitsOf, inlined: 36.5 million candidates
  let min = Infinity;
  let days = 0;
  for (let ms = Date.UTC(1925, 0, 1); ms <= Date.UTC(2024, 11, 31); ms += 86_400_000, days++) {
    const d = new Date(ms);
    const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1 + 80, day = d.getUTCDate();
    const [d1, d2, m1, m2, y1, y2] = [Math.floor(day / 10), day % 10, Math.floor(m / 10), m % 10, Math.floor((y % 100) / 10), y % 10];
    const s1 = 3 * d1 + 7 * d2 + 6 * m1 + 1 * m2 + 8 * y1 + 9 * y2;
    const s2 = 5 * d1 + 4 * d2 + 3 * m1 + 2 * m2 + 7 * y1 + 6 * y2;
    const base = y < 2000 ? 0 : 500;
    let even = 0, odd = 0;
    for (let ind = base; ind < base + 500; ind++) {
      const i1 = Math.floor(ind / 100), i2 = Math.floor(ind / 10) % 10, i3 = ind % 10;
      let k1 = 11 - ((s1 + 4 * i1 + 5 * i2 + 2 * i3) % 11);
      if (k1 === 11) k1 = 0;
      if (k1 === 10) continue;
      const k2 = 11 - ((s2 + 5 * i1 + 4 * i2 + 3 * i3 + 2 * k1) % 11);
      if (k2 === 10) continue;
      if (i3 % 2 === 0) even++;
      else odd++;
    }
    min = Math.min(min, even, odd);
  }
  t.equal(days, 36_525);
  t.equal(min, FNR_SLOTS_PER_DATE);
  t.equal(MAX_PATIENTS, 36_525 * FNR_SLOTS_PER_DATE);
});

t.test('patients: valid synthetic fødselsnummer matching birth date and sex, unique; dates valid', async (t) => {
  for (const p of patients) {
    const ident = p.identifier?.[0];
    const fnr = ident?.value as string;
    if (ident?.system !== FNR_SYSTEM || !fnrChecksOk(fnr)) t.fail(`${p.id} fnr ${fnr} fails the checks`);
    const month = Number(fnr.slice(2, 4));
    if (month < 81 || month > 92) t.fail(`${p.id} month digits ${month}`);
    const year = Number(p.birthDate?.slice(0, 4));
    const ind = Number(fnr.slice(6, 9));
    if (year < 1925 || year > 2024 || !isCalendarDate(p.birthDate as string)) t.fail(`${p.id} birthDate ${p.birthDate}`);
    if (year < 2000 ? ind > 499 : ind < 500) t.fail(`${p.id} century rule: ${year} with individual number ${ind}`);
    if (fnrBirthDate(fnr) !== p.birthDate) t.fail(`${p.id} fnr ${fnr} encodes ${fnrBirthDate(fnr)}, not ${p.birthDate}`);
    if ((ind % 2 === 1 ? 'male' : 'female') !== p.gender) t.fail(`${p.id} sex digit disagrees with ${p.gender}`);
  }
  t.equal(new Set(patients.map((p) => p.identifier?.[0].value)).size, patients.length, 'unique in the small set');
  const years = patients.map((p) => Number(p.birthDate?.slice(0, 4)));
  t.ok(Math.min(...years) < 1950 && Math.max(...years) > 2010, 'ages spread over the century');

  // many patients per birth date: unique by construction (stride > 1 and high slots)
  const seenFnr = new Set<string>();
  let count = 0;
  for (const r of generate({ patients: 30_000, observationsPerPatient: 0, encountersPerPatient: 0 }, 7)) {
    if (r.resourceType !== 'Patient') continue;
    count++;
    const fnr = r.identifier?.[0].value as string;
    if (seenFnr.has(fnr)) t.fail(`duplicate fnr ${fnr}`);
    seenFnr.add(fnr);
    if (fnrBirthDate(fnr) !== r.birthDate) t.fail(`${r.id}: ${fnr} vs ${r.birthDate}`);
  }
  t.equal(seenFnr.size, count, `${count} unique numbers`);

  for (const e of encounters) {
    const { start, end } = e.period ?? {};
    for (const v of [start, end]) if (v !== undefined && (!DATE_TIME.test(v) || !isCalendarDate(v.slice(0, 10)))) t.fail(`${e.id} period ${v}`);
    if ((e.status === 'in-progress') !== (end === undefined)) t.fail(`${e.id}: ${e.status} with end ${end}`);
    const s = Date.parse(start as string);
    if (s < FIRST || s >= END || (end !== undefined && (Date.parse(end) <= s || Date.parse(end) > END))) t.fail(`${e.id} period out of range`);
  }
  const birth = new Map(patients.map((p) => [`Patient/${p.id}`, p.birthDate as string]));
  for (const o of observations) {
    const v = o.effectiveDateTime as string;
    if (!DATE_TIME.test(v) || !isCalendarDate(v.slice(0, 10))) t.fail(`${o.id} effectiveDateTime ${v}`);
    const at = Date.parse(v);
    if (at < FIRST || at >= END) t.fail(`${o.id} effective ${v} outside 2015 .. 2026-11-01`);
    if (v.slice(0, 10) < (birth.get(o.subject?.reference as string) as string)) t.fail(`${o.id} before the patient's birth`);
  }
  const offsets = new Set(observations.map((o) => (o.effectiveDateTime as string).slice(-6)));
  t.same(offsets, new Set(['+01:00', '+02:00']), 'winter and summer offsets');
  const july = observations.filter((o) => (o.effectiveDateTime as string).slice(5, 7) === '07');
  const january = observations.filter((o) => (o.effectiveDateTime as string).slice(5, 7) === '01');
  t.ok(july.every((o) => o.effectiveDateTime?.endsWith('+02:00')) && january.every((o) => o.effectiveDateTime?.endsWith('+01:00')),
    'July is summer time, January winter time');
});

t.test('names: Norwegian letters and variety', async (t) => {
  const text = patients.flatMap((p) => [p.name?.[0].family, ...(p.name?.[0].given ?? [])]).join(' ').toLowerCase();
  for (const ch of ['æ', 'ø', 'å']) t.ok(text.includes(ch), `names contain ${ch}`);
  t.ok(new Set(patients.map((p) => p.name?.[0].family)).size > 100, 'more than 100 family names among 200 patients');
  const cities = new Set(patients.map((p) => p.address?.[0].city));
  t.ok(cities.has('Tromsø') && cities.size > 15, `${cities.size} postal places`);
  for (const p of patients) {
    const a = p.address?.[0];
    if (!a || !/^\d{4}$/.test(a.postalCode ?? '') || a.country !== 'NO') t.fail(`${p.id} address`);
    if (!/^\+47 [49]\d{7}$/.test(p.telecom?.[0].value ?? '')) t.fail(`${p.id} phone ${p.telecom?.[0].value}`);
  }
});

t.test('queryValues: values exist and the counts are exact', async (t) => {
  const q = queryValues(SMALL);
  const patient = patients.find((p) => p.id === q.patientId);
  t.ok(patient, 'patient exists');
  t.equal(patient?.identifier?.[0].value, q.fnr);
  t.equal(q.identifier, `${FNR_SYSTEM}|${q.fnr}`);
  t.equal(patient?.name?.[0].family, q.family);
  t.equal(patient?.birthDate, q.birthDate);
  t.equal(patient?.generalPractitioner?.[0].reference, `Practitioner/${q.practitionerId}`);
  t.equal(patient?.managingOrganization?.reference, `Organization/${q.organizationId}`);
  t.ok(encounters.some((e) => e.id === q.encounterId && e.subject?.reference === `Patient/${q.patientId}`), 'encounter of that patient');
  t.ok(observations.some((o) => o.id === q.observationId && o.subject?.reference === `Patient/${q.patientId}`), 'observation of that patient');

  const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const nameCount = (prefix: string, norm: (s: string) => string): number => patients.filter((p) =>
    [p.name?.[0].family ?? '', ...(p.name?.[0].given ?? [])].some((n) => norm(n).startsWith(norm(prefix)))).length;
  t.equal(nameCount(q.familyPrefix, (s) => s.toLowerCase()), q.familyPrefixCount, `name=${q.familyPrefix}`);
  t.equal(nameCount(q.familyPrefix, fold), q.familyPrefixCount, 'same count accent-insensitively');
  t.equal(nameCount(q.nonAsciiPrefix, (s) => s.toLowerCase()), q.nonAsciiPrefixCount, `name=${q.nonAsciiPrefix}`);
  t.equal(nameCount(q.nonAsciiPrefix, fold), q.nonAsciiPrefixCount, 'same count accent-insensitively');
  t.ok(q.familyPrefixCount > 0 || q.nonAsciiPrefixCount > 0, 'at least one prefix hits in 200 patients');
  t.equal(observations.filter((o) => o.code.coding?.[0]?.code === q.loincCode).length, q.loincCount, `code=${q.loincCode}`);
  const ge = Date.parse(q.dateRange.ge), lt = Date.parse(q.dateRange.lt);
  t.equal(observations.filter((o) => {
    const at = Date.parse(o.effectiveDateTime as string);
    return at >= ge && at < lt;
  }).length, q.dateRange.count, `date=ge${q.dateRange.ge}&date=lt${q.dateRange.lt}`);
  t.same(queryValues(SMALL), q, 'deterministic');

  // selectivity of the name prefixes: a few hundred per 100,000 patients
  const mid = queryValues({ patients: 20_000, observationsPerPatient: 0, encountersPerPatient: 0 });
  for (const count of [mid.familyPrefixCount, mid.nonAsciiPrefixCount]) {
    t.ok(count > 20_000 * 0.002 && count < 20_000 * 0.008, `${count} of 20,000 (0.2%..0.8%)`);
  }
});
