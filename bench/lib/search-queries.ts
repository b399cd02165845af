/**
 * The search bench's queries, and what each must answer on a given slice of the generated data.
 *
 * Every query names values that exist in bench/search/generate.ts's data. Its expected answer (how many
 * resources match, how many are included) is counted by Tally over exactly the resources a server was
 * seeded with, with plain JavaScript predicates written from the FHIR rules, not from either server's code:
 *   string  https://hl7.org/fhir/R4/search.html#string   starts-with, case- and accent-insensitive (Unicode NFD
 *           with combining marks removed, so å -> a while æ/ø stay letters of their own); `name` looks at
 *           every part of HumanName (the data has family and given only)
 *   token   #token      system|code: a Coding / Identifier with that system and code
 *   date    #date       an instant (second precision) is in [ge, lt) when ge <= t < lt
 *   ref     #reference  Type/id
 *   chain   #chaining   Observation?subject:Patient.name=x: its subject is a Patient matching name=x
 *   _has    #has        Patient?_has:Observation:subject:code=x: some Observation with code x has this subject
 *   include #include    the matched page's subjects, each once
 *
 * Every query asks for _count=20, so a page costs the same on every server and the number measured is the
 * search (index lookups, join, sort of the matches, counting), not the size of the Bundle.
 */
import type { Observation, Patient, Resource } from '@medplum/fhirtypes';
import { FNR_SYSTEM, generate } from '../search/generate.ts';
import type { Scale } from '../search/generate.ts';

export const PAGE = 20;
const LOINC = 'http://loinc.org';
/** Hemoglobin: about 1 Observation in 10 */
const HB = '718-7';
/** HbA1c: about 1 Observation in 26 */
const HBA1C = '59261-8';
const NAME_PREFIX = 'hau';
const FAMILY_PREFIX = 'øde';
/** One month, written as instants with the Norwegian offset so no server has to guess a time zone */
const DATE_GE = '2020-01-01T00:00:00+01:00';
const DATE_LT = '2020-02-01T00:00:00+01:00';
const DATE_GE_MS = Date.parse(DATE_GE);
const DATE_LT_MS = Date.parse(DATE_LT);

/** The one patient the identifier, reference and _include queries name */
export interface Sample {
  /** 0-based position in the stream (patient n = index + 1) */
  index: number;
  patientId: string;
  fnr: string;
}

/**
 * The first patient at or after `target` (0-based) that has an Encounter, as it is at this scale: ids do not
 * depend on the scale, but birth dates and fødselsnumre do (the generator's stride grows with the patient
 * count), so the 10x set needs its own sample. Reads the stream only up to that patient.
 */
export function findSample(scale: Scale, seed: number, target: number): Sample {
  let last: Patient | undefined;
  for (const r of generate(scale, seed)) {
    if (r.resourceType === 'Patient') {
      last = r as Patient;
    } else if (r.resourceType === 'Encounter' && last && patientIndex(last.id!) >= target) {
      const fnr = last.identifier?.find((i) => i.system === FNR_SYSTEM)?.value;
      if (!fnr) throw new Error(`generated ${last.id} has no fødselsnummer`);
      return { index: patientIndex(last.id!), patientId: last.id!, fnr };
    }
  }
  throw new Error(`no patient with an Encounter at or after index ${target} at this scale`);
}

/** pat-000123 -> 122 */
export function patientIndex(id: string): number {
  const n = Number(/^pat-(\d+)$/.exec(id)?.[1]);
  if (!Number.isInteger(n)) throw new Error(`not a generated patient id: ${id}`);
  return n - 1;
}

/** FHIR string matching: case-insensitive, accent-insensitive (NFD, combining marks removed) */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

export interface Expected {
  matches: number;
  included: number;
}

export type QueryKind = 'token' | 'string prefix' | 'date range' | 'reference' | 'chained' | '_has' | '_include';

export interface SearchQuery {
  key: string;
  kind: QueryKind;
  /** what the row says, with the values abbreviated */
  label: string;
  resourceType: string;
  /** [name, value] pairs, unencoded */
  params(sample: Sample): [string, string][];
  expected(t: TallyResult): Expected;
}

/** The request path of a query: every value percent-encoded (| / : + and non-ASCII letters) */
export function queryPath(q: SearchQuery, sample: Sample, extra: [string, string][] = []): string {
  const parts = [...q.params(sample), ...extra].map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return `/fhir/${q.resourceType}?${parts.join('&')}`;
}

/** The query string as a person would write it (decoded), for the report */
export function queryText(q: SearchQuery, sample: Sample): string {
  return `${q.resourceType}?${q.params(sample).map(([k, v]) => `${k}=${v}`).join('&')}`;
}

const page: [string, string] = ['_count', String(PAGE)];

export const QUERIES: SearchQuery[] = [
  {
    key: 'identifier',
    kind: 'token',
    label: 'Patient?identifier=<fnr system>|<fnr>',
    resourceType: 'Patient',
    params: (s) => [['identifier', `${FNR_SYSTEM}|${s.fnr}`], page],
    expected: (t) => ({ matches: t.identifier, included: 0 }),
  },
  {
    key: 'code',
    kind: 'token',
    label: `Observation?code=loinc|${HB}`,
    resourceType: 'Observation',
    params: () => [['code', `${LOINC}|${HB}`], page],
    expected: (t) => ({ matches: t.codeHb, included: 0 }),
  },
  {
    key: 'name',
    kind: 'string prefix',
    label: `Patient?name=${NAME_PREFIX}`,
    resourceType: 'Patient',
    params: () => [['name', NAME_PREFIX], page],
    expected: (t) => ({ matches: t.namePrefix, included: 0 }),
  },
  {
    key: 'family',
    kind: 'string prefix',
    label: `Patient?family=${FAMILY_PREFIX}`,
    resourceType: 'Patient',
    params: () => [['family', FAMILY_PREFIX], page],
    expected: (t) => ({ matches: t.familyPrefix, included: 0 }),
  },
  {
    key: 'date',
    kind: 'date range',
    label: 'Observation?date=ge2020-01..&date=lt2020-02..',
    resourceType: 'Observation',
    params: () => [['date', `ge${DATE_GE}`], ['date', `lt${DATE_LT}`], page],
    expected: (t) => ({ matches: t.dateRange, included: 0 }),
  },
  {
    key: 'reference',
    kind: 'reference',
    label: 'Observation?subject=Patient/<id>',
    resourceType: 'Observation',
    params: (s) => [['subject', `Patient/${s.patientId}`], page],
    expected: (t) => ({ matches: t.sampleObservations, included: 0 }),
  },
  {
    key: 'chain',
    kind: 'chained',
    label: `Observation?subject:Patient.name=${NAME_PREFIX}`,
    resourceType: 'Observation',
    params: () => [['subject:Patient.name', NAME_PREFIX], page],
    expected: (t) => ({ matches: t.chainName, included: 0 }),
  },
  {
    key: 'has',
    kind: '_has',
    label: `Patient?_has:Observation:subject:code=loinc|${HB}`,
    resourceType: 'Patient',
    params: () => [['_has:Observation:subject:code', `${LOINC}|${HB}`], page],
    expected: (t) => ({ matches: t.hasHb, included: 0 }),
  },
  {
    key: 'has-name',
    kind: '_has',
    label: `Patient?name=${NAME_PREFIX}&_has:Observation:subject:code=loinc|${HBA1C}`,
    resourceType: 'Patient',
    params: () => [['name', NAME_PREFIX], ['_has:Observation:subject:code', `${LOINC}|${HBA1C}`], page],
    expected: (t) => ({ matches: t.hasHba1cAndName, included: 0 }),
  },
  {
    key: 'include',
    kind: '_include',
    label: 'Observation?subject=Patient/<id>&_include=Observation:subject',
    resourceType: 'Observation',
    params: (s) => [['subject', `Patient/${s.patientId}`], ['_include', 'Observation:subject'], page],
    expected: (t) => ({ matches: t.sampleObservations, included: t.sampleObservations > 0 ? 1 : 0 }),
  },
];

export interface TallyResult {
  counts: Record<'Organization' | 'Practitioner' | 'Patient' | 'Encounter' | 'Observation', number>;
  total: number;
  identifier: number;
  codeHb: number;
  namePrefix: number;
  familyPrefix: number;
  dateRange: number;
  sampleObservations: number;
  chainName: number;
  hasHb: number;
  hasHba1cAndName: number;
}

const codings = (o: Observation): { system?: string; code?: string }[] => o.code?.coding ?? [];
const hasCode = (o: Observation, code: string): boolean => codings(o).some((c) => c.system === LOINC && c.code === code);

/**
 * Counts, resource by resource in stream order, what every query must answer on exactly the resources fed
 * to it. Relies on the generator's order (a Patient before its Encounters and Observations) for the chain.
 */
export class Tally {
  readonly #sample: Sample;
  readonly #r: TallyResult = {
    counts: { Organization: 0, Practitioner: 0, Patient: 0, Encounter: 0, Observation: 0 },
    total: 0,
    identifier: 0,
    codeHb: 0,
    namePrefix: 0,
    familyPrefix: 0,
    dateRange: 0,
    sampleObservations: 0,
    chainName: 0,
    hasHb: 0,
    hasHba1cAndName: 0,
  };
  /** Patients matching name=hau (a few thousand at 10x) */
  readonly #named = new Set<string>();
  readonly #withHb = new Set<string>();
  readonly #namedWithHba1c = new Set<string>();

  constructor(sample: Sample) {
    this.#sample = sample;
  }

  add(r: Resource): void {
    const t = this.#r;
    t.total++;
    if (r.resourceType in t.counts) t.counts[r.resourceType as keyof TallyResult['counts']]++;
    if (r.resourceType === 'Patient') {
      const p = r as Patient;
      if (p.identifier?.some((i) => i.system === FNR_SYSTEM && i.value === this.#sample.fnr)) t.identifier++;
      const family = (p.name ?? []).flatMap((n) => (n.family ? [foldText(n.family)] : []));
      const parts = [...family, ...(p.name ?? []).flatMap((n) => [...(n.given ?? []), ...(n.prefix ?? []), ...(n.suffix ?? []),
        ...(n.text ? [n.text] : [])].map(foldText))];
      if (parts.some((s) => s.startsWith(NAME_PREFIX))) {
        t.namePrefix++;
        this.#named.add(p.id!);
      }
      if (family.some((s) => s.startsWith(foldText(FAMILY_PREFIX)))) t.familyPrefix++;
    } else if (r.resourceType === 'Observation') {
      const o = r as Observation;
      const subject = /^Patient\/(.+)$/.exec(o.subject?.reference ?? '')?.[1];
      if (hasCode(o, HB)) {
        t.codeHb++;
        if (subject) this.#withHb.add(subject);
      }
      if (hasCode(o, HBA1C) && subject && this.#named.has(subject)) this.#namedWithHba1c.add(subject);
      const at = o.effectiveDateTime ? Date.parse(o.effectiveDateTime) : NaN;
      if (at >= DATE_GE_MS && at < DATE_LT_MS) t.dateRange++;
      if (subject === this.#sample.patientId) t.sampleObservations++;
      if (subject && this.#named.has(subject)) t.chainName++;
    }
  }

  result(): TallyResult {
    return { ...this.#r, counts: { ...this.#r.counts }, hasHb: this.#withHb.size, hasHba1cAndName: this.#namedWithHba1c.size };
  }
}

/** Streams generate(scale, seed) without storing it, for the expected answers on a file seeded earlier */
export function tallyOf(scale: Scale, seed: number, sample: Sample): TallyResult {
  const t = new Tally(sample);
  for (const r of generate(scale, seed)) t.add(r);
  return t.result();
}

type Json = any;

/**
 * What is wrong with a searchset answer, or undefined. `needTotal` is set when the Bundle carries no total,
 * so the caller can ask again with _summary=count.
 */
export function checkSearchset(status: number, body: Json, e: Expected): { problem?: string; needTotal?: boolean } {
  if (status !== 200) return { problem: `status ${status}` };
  if (body?.resourceType !== 'Bundle' || body.type !== 'searchset') {
    return { problem: `body is ${body?.resourceType ?? 'not JSON'}/${body?.type}, expected Bundle/searchset` };
  }
  const entries: Json[] = body.entry ?? [];
  const mode = (x: Json): string => x.search?.mode ?? 'match';
  const matches = entries.filter((x) => mode(x) === 'match').length;
  const included = entries.filter((x) => mode(x) === 'include').length;
  const wantPage = Math.min(e.matches, PAGE);
  if (typeof body.total === 'number' && body.total !== e.matches) {
    return { problem: `total ${body.total}, expected ${e.matches}` };
  }
  if (matches !== wantPage) return { problem: `${matches} match entries on the first page, expected ${wantPage}` };
  if (included !== e.included) return { problem: `${included} included entries, expected ${e.included}` };
  return typeof body.total === 'number' ? {} : { needTotal: true };
}
