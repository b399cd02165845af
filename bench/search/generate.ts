/**
 * Synthetic, deterministic FHIR R4 data for the search benches: Organizations and Practitioners of a made-up
 * northern Norwegian health region, then Patients with their Encounters and Observations.
 *
 * Measured in the development container (Node 24.21.0, 2-core AMD EPYC), each resource consumed and
 * counted, nothing kept (`node -e` importing this module, timing `for (const r of generate(scale))`):
 *   default scale, 100,000 Patients + 50,000 Encounters + 300,000 Observations + 486 directory resources
 *   (136 Organizations, 350 Practitioners) = 450,486 resources: 2.3-3.2 s, peak RSS 101-104 MiB (whole
 *   process). Adding JSON.stringify of every resource: 4.4 s, 293 MB of JSON in total.
 *   10x (SCALE_10X, 4,500,486 resources): 22.9 s, peak RSS 228 MiB; with --max-old-space-size=40 it still
 *   completes (28 s, 210 MiB), so memory does not grow with the scale.
 *   queryValues: 1.2 s at the default scale, 10.7 s at 10x.
 *
 * Shape of the output (the order a loader can write in batches; every reference points at a resource that was
 * yielded earlier):
 *   1. Organizations: Helse Nord RHF, four HFs, their hospital sites, district medical centres (DMS),
 *      kommuner and GP offices ("... Legekontor"); parents come before the organizations that are partOf them.
 *   2. Practitioners: hospital and DMS staff, and the fastleger (GPs) of every Legekontor.
 *   3. For each patient: the Patient, then its Encounters, then its Observations.
 * Ids are explicit and stable: org-0007, prac-0042, pat-000123, enc-000123-1, obs-000123-2 (patient numbers
 * start at 1). No resource has meta.
 *
 * Determinism and streaming: every patient draws from its own PRNG stream (mulberry32 seeded by a hash of
 * seed, stream tag and index), so patient i is the same whether generated in sequence or alone, nothing is
 * kept between patients, and queryValues can recompute what it needs without building resources. No
 * Math.random, no Math.log/sin (normal variates are Irwin-Hall sums), so output is identical across runs.
 *
 * Fødselsnummer (synthetic, Test-Norge style, month + 80): DDMMYYIII K1 K2 with the two mod-11 check digits;
 * individual number III in 000-499 for 1900-1999 and 500-999 for 2000-2039; the last digit of III is odd for
 * men and even for women (as in real numbers). Unique by construction, without bookkeeping: with stride
 * M = max(1, ceil(patients / 203)) patient i (0-based) gets slot a = floor(i / M) and residue
 * b = ((i mod M) * P + offset) mod M (P prime > M, so a bijection on residues); its birth day number d (days
 * since 1925-01-01) is drawn from an age distribution and moved to the nearest day with d ≡ b (mod M); the
 * individual number is the a-th valid one for that date and sex. Two patients born the same day share b, hence
 * i mod M, hence differ in a (or in sex, i.e. parity): different numbers. Every (date, sex) has at least 203
 * valid individual numbers (checked by the unit test), and a < ceil(patients / M) <= 203.
 * The shift to the residue class is at most M/2 days (about 8 months at the default scale, 6.7 years at 10x),
 * which only smooths the age distribution.
 *
 * LOINC: glucose and creatinine use the molar codes that go with Norwegian units (15074-8 Glucose
 * [Moles/volume] in Blood, mmol/L; 14682-9 Creatinine [Moles/volume] in Serum or Plasma, umol/L). 2339-0 and
 * 2160-0 are the mass-concentration codes (mg/dL) and would not match those units.
 *
 * Place names and postal codes are real; organization names follow real patterns, and some (several DMS, the
 * Legekontor names) are invented. Practitioner identifiers use a made-up system, not HPR.
 */
import type {
  CodeableConcept, Coding, Encounter, Observation, Organization, Patient, Practitioner, Reference, Resource,
} from '@medplum/fhirtypes';

// ---------------------------------------------------------------------------------------------------------
// Scale

export interface Scale {
  patients: number;
  observationsPerPatient: number;
  encountersPerPatient: number;
}

/** The default search bench: 100,000 Patients, 300,000 Observations, 50,000 Encounters. */
export const DEFAULT_SCALE: Scale = Object.freeze({ patients: 100_000, observationsPerPatient: 3, encountersPerPatient: 0.5 });
/** Ten times the default: 1,000,000 Patients, 3,000,000 Observations, 500,000 Encounters. */
export const SCALE_10X: Scale = Object.freeze({ patients: 1_000_000, observationsPerPatient: 3, encountersPerPatient: 0.5 });
export const PATIENT_COUNT_DEFAULT = DEFAULT_SCALE.patients;
export const PATIENT_COUNT_10X = SCALE_10X.patients;

/** Smallest number of valid individual numbers for any (birth date 1925-2024, sex); the unit test re-derives it. */
export const FNR_SLOTS_PER_DATE = 203;
const BIRTH_DAYS = 36_525; // 1925-01-01 .. 2024-12-31
/** Largest patient count for which every fødselsnummer is unique by construction. */
export const MAX_PATIENTS = BIRTH_DAYS * FNR_SLOTS_PER_DATE;

export const FNR_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.1';
export const PRACTITIONER_ID_SYSTEM = 'http://helsebro.test/practitioner-id';
export const ENCOUNTER_TYPE_SYSTEM = 'http://helsebro.test/encounter-type';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const ORG_TYPE = 'http://terminology.hl7.org/CodeSystem/organization-type';

/** How many of `rate`-per-patient resources patient i gets: telescopes to floor(patients * rate) in total. */
function perPatient(rate: number, i: number): number {
  return Math.floor((i + 1) * rate) - Math.floor(i * rate);
}

export interface Counts {
  Organization: number;
  Practitioner: number;
  Patient: number;
  Encounter: number;
  Observation: number;
  total: number;
}

/** Exactly how many resources of each type generate(scale, seed) yields (independent of the seed). */
export function expectedCounts(scale: Scale): Counts {
  checkScale(scale);
  const dir = directoryShape();
  const c = {
    Organization: dir.organizations,
    Practitioner: dir.practitioners,
    Patient: scale.patients,
    Encounter: Math.floor(scale.patients * scale.encountersPerPatient),
    Observation: Math.floor(scale.patients * scale.observationsPerPatient),
  };
  return { ...c, total: c.Organization + c.Practitioner + c.Patient + c.Encounter + c.Observation };
}

function checkScale(scale: Scale): void {
  const { patients, observationsPerPatient: o, encountersPerPatient: e } = scale;
  if (!Number.isInteger(patients) || patients < 0 || patients > MAX_PATIENTS) {
    throw new RangeError(`patients must be an integer in 0..${MAX_PATIENTS}, got ${patients}`);
  }
  for (const [name, v] of [['observationsPerPatient', o], ['encountersPerPatient', e]] as const) {
    if (!Number.isFinite(v) || v < 0 || v > 1000) throw new RangeError(`${name} must be in 0..1000, got ${v}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// PRNG: mulberry32, seeded per stream by a murmur3 finalizer over (seed, tag, i, j)

type Rng = () => number;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function streamSeed(seed: number, tag: number, i: number, j: number): number {
  let h = fmix((seed | 0) ^ 0x9e3779b9);
  h = fmix(h ^ Math.imul(tag, 0x27d4eb2f));
  h = fmix(h ^ (i >>> 0));
  h = fmix(h ^ Math.imul(j + 1, 0x165667b1));
  return h;
}

function mulberry32(a: number): Rng {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TAG_DIRECTORY = 1;
const TAG_PATIENT = 2;
const TAG_ENCOUNTER = 3;
const TAG_OBS_CODE = 4;
const TAG_OBS = 5;
const TAG_OFFSET = 6;
const TAG_OBS_VALUE = 7;

const rngFor = (seed: number, tag: number, i: number, j = 0): Rng => mulberry32(streamSeed(seed, tag, i, j));
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, list: readonly T[]): T => list[int(rng, list.length)];
const between = (rng: Rng, lo: number, hi: number): number => lo + rng() * (hi - lo);
/** Standard normal approximated by an Irwin-Hall sum of 6 uniforms (exact IEEE arithmetic, so deterministic). */
function normal(rng: Rng, mean: number, sd: number): number {
  const s = rng() + rng() + rng() + rng() + rng() + rng();
  return mean + ((s - 3) / 0.7071067811865476) * sd;
}
function weighted(rng: Rng, cumulative: readonly number[]): number {
  const x = rng() * cumulative[cumulative.length - 1];
  let k = 0;
  while (cumulative[k] <= x) k++;
  return k;
}
function cumulate(weights: readonly number[]): number[] {
  let s = 0;
  return weights.map((w) => (s += w));
}
const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
const round = (v: number, decimals: number): number => Number(v.toFixed(decimals));
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

// ---------------------------------------------------------------------------------------------------------
// Fødselsnummer

const W_IND_1 = new Int32Array(1000); // 4·I1 + 5·I2 + 2·I3
const W_IND_2 = new Int32Array(1000); // 5·I1 + 4·I2 + 3·I3
for (let n = 0; n < 1000; n++) {
  const i1 = Math.floor(n / 100), i2 = Math.floor(n / 10) % 10, i3 = n % 10;
  W_IND_1[n] = 4 * i1 + 5 * i2 + 2 * i3;
  W_IND_2[n] = 5 * i1 + 4 * i2 + 3 * i3;
}

/** K1*10+K2 for the date part sums and individual number, or -1 when a check digit would be 10. */
function checkDigits(dateSum1: number, dateSum2: number, individual: number): number {
  let k1 = 11 - ((dateSum1 + W_IND_1[individual]) % 11);
  if (k1 === 11) k1 = 0;
  if (k1 === 10) return -1;
  let k2 = 11 - ((dateSum2 + W_IND_2[individual] + 2 * k1) % 11);
  if (k2 === 11) k2 = 0;
  if (k2 === 10) return -1;
  return k1 * 10 + k2;
}

/** Weighted sums of the six date digits (DDMMYY as written, i.e. month already + 80). */
function dateSums(ddmmyy: string): [number, number] {
  const d = Array.from(ddmmyy, Number);
  return [
    3 * d[0] + 7 * d[1] + 6 * d[2] + 1 * d[3] + 8 * d[4] + 9 * d[5],
    5 * d[0] + 4 * d[1] + 3 * d[2] + 2 * d[3] + 7 * d[4] + 6 * d[5],
  ];
}

/**
 * The index-th (0-based) valid synthetic fødselsnummer for birthDate (YYYY-MM-DD, 1900-2039): month + 80,
 * individual number 000-499 (1900s) or 500-999 (2000-2039) counted upwards, skipping those whose check digits
 * would be 10. With `gender`, only individual numbers of the right parity count (odd: male, even: female).
 */
export function syntheticFnr(birthDate: string, index: number, gender?: 'male' | 'female'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const year = m ? Number(m[1]) : NaN;
  if (!m || year < 1900 || year > 2039 || !isCalendarDate(birthDate)) {
    throw new RangeError(`birthDate must be a calendar date in 1900-2039, got ${birthDate}`);
  }
  const ddmmyy = `${m[3]}${Number(m[2]) + 80}${m[1].slice(2)}`;
  const [s1, s2] = dateSums(ddmmyy);
  const base = year < 2000 ? 0 : 500;
  const step = gender ? 2 : 1;
  let seen = 0;
  for (let ind = base + (gender === 'male' ? 1 : 0); ind < base + 500; ind += step) {
    const k = checkDigits(s1, s2, ind);
    if (k < 0) continue;
    if (seen++ === index) return `${ddmmyy}${pad(ind, 3)}${pad(k, 2)}`;
  }
  throw new RangeError(`no valid individual number #${index} for ${birthDate}${gender ? ` (${gender})` : ''}`);
}

/** True when fnr is 11 digits and both mod-11 check digits are right (no date or century check). */
export function fnrChecksOk(fnr: string): boolean {
  if (!/^\d{11}$/.test(fnr)) return false;
  const [s1, s2] = dateSums(fnr.slice(0, 6));
  const k = checkDigits(s1, s2, Number(fnr.slice(6, 9)));
  return k >= 0 && k === Number(fnr.slice(9, 11));
}

/**
 * Birth date (YYYY-MM-DD) a fødselsnummer encodes, by the official century rule (000-499: 1900-1999;
 * 500-749 with YY >= 54: 1854-1899; 500-999 with YY <= 39: 2000-2039; 900-999 with YY >= 40: 1940-1999).
 * Accepts plain, D-numbers (day + 40), and synthetic months + 40 or + 80. Undefined when not a valid date.
 */
export function fnrBirthDate(fnr: string): string | undefined {
  if (!/^\d{11}$/.test(fnr)) return undefined;
  let day = Number(fnr.slice(0, 2));
  let month = Number(fnr.slice(2, 4));
  const yy = Number(fnr.slice(4, 6));
  const ind = Number(fnr.slice(6, 9));
  if (day > 40) day -= 40;
  if (month > 80) month -= 80;
  else if (month > 40) month -= 40;
  let century: number | undefined;
  if (ind <= 499) century = 1900;
  else if (ind <= 749 && yy >= 54) century = 1800;
  else if (yy <= 39) century = 2000;
  else if (ind >= 900) century = 1900;
  if (century === undefined) return undefined;
  const date = `${century + yy}-${pad(month, 2)}-${pad(day, 2)}`;
  return isCalendarDate(date) ? date : undefined;
}

/** YYYY-MM-DD that names a real day of the Gregorian calendar. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

// ---------------------------------------------------------------------------------------------------------
// Time: instants are UTC milliseconds; written with the Norwegian offset (+01:00, +02:00 in summer time)

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const EPOCH_1925 = Date.UTC(1925, 0, 1);
const T_START = Date.UTC(2014, 11, 31, 23); // 2015-01-01T00:00:00+01:00
const T_END = Date.UTC(2026, 9, 31, 23); // 2026-11-01T00:00:00+01:00 (exclusive)

const dstCache = new Map<number, [number, number]>();
/** EU summer time: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC. */
function dstWindow(year: number): [number, number] {
  let w = dstCache.get(year);
  if (!w) {
    const lastSunday = (month: number): number => {
      const last = new Date(Date.UTC(year, month + 1, 0));
      return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
    };
    w = [lastSunday(2), lastSunday(9)];
    dstCache.set(year, w);
  }
  return w;
}
function offsetHours(ms: number): 1 | 2 {
  const [from, to] = dstWindow(new Date(ms).getUTCFullYear());
  return ms >= from && ms < to ? 2 : 1;
}
/** FHIR dateTime with seconds and the Norwegian offset in force at that instant. */
function dateTime(ms: number): string {
  const off = offsetHours(ms);
  return `${new Date(ms + off * HOUR).toISOString().slice(0, 19)}+0${off}:00`;
}
/** A uniform instant in [lo, hi), moved to a local time of day in [fromMin, toMin) of the same day when that stays in range. */
function localTimeIn(rng: Rng, lo: number, hi: number, fromMin: number, toMin: number): number {
  const u = Math.floor(between(rng, lo, hi) / 1000) * 1000;
  const localMidnight = Math.floor((u + offsetHours(u) * HOUR) / DAY) * DAY;
  const local = localMidnight + Math.floor(between(rng, fromMin * 60, toMin * 60)) * 1000;
  let t = local - HOUR;
  if (offsetHours(t) === 2) t = local - 2 * HOUR;
  return t >= lo && t < hi ? t : u;
}
const dayToDate = (d: number): string => new Date(EPOCH_1925 + d * DAY).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------------------
// Names and places

const GIVEN_FEMALE = [
  'Kari', 'Åse', 'Sølvi', 'Mari', 'Ingrid', 'Anne', 'Solveig', 'Ragnhild', 'Bjørg', 'Gro', 'Marit', 'Sigrid',
  'Astrid', 'Liv', 'Turid', 'Kristin', 'Hege', 'Tone', 'Nora', 'Emma', 'Ingeborg', 'Tuva', 'Maja', 'Sofie',
  'Åshild', 'Signe', 'Ellen', 'Hilde', 'Randi', 'Berit', 'Synnøve', 'Grete', 'Torild', 'Målfrid', 'Guri',
  'Ragna', 'Siri', 'Ida', 'Thea', 'Hanne', 'Linn', 'Vilde', 'Frøydis', 'Dagny', 'Jorunn', 'Eldbjørg',
  'Gunnhild', 'Ærle', 'Åsne', 'Kjersti', 'Marte', 'Silje', 'Ane', 'Elin', 'Inger', 'Wenche', 'Bodil', 'Tove',
  'Sissel', 'Unni', 'Oda', 'Hedda', 'Frida', 'Selma', 'Ylva', 'Live', 'Mathilde', 'Karoline', 'Benedicte',
  'Mette', 'Trine', 'Lise', 'Nina', 'Camilla', 'Kaja', 'Ragnfrid', 'Brynhild', 'Gudrun', 'Aud', 'Else',
  'Kirsten', 'Lene', 'Vigdis', 'Oddny', 'Lillian', 'Jenny', 'Malin', 'Sunniva', 'Birgitte', 'Eli',
] as const;
const GIVEN_MALE = [
  'Ola', 'Bjørn', 'Ærlend', 'Håkon', 'Øystein', 'Kåre', 'Per', 'Jon', 'Nils', 'Lars', 'Knut', 'Arne', 'Svein',
  'Odd', 'Tor', 'Terje', 'Geir', 'Rune', 'Trond', 'Stig', 'Even', 'Sindre', 'Magnus', 'Jakob', 'Emil',
  'Sverre', 'Halvard', 'Jørgen', 'Søren', 'Ståle', 'Pål', 'Tormod', 'Ivar', 'Eirik', 'Anders', 'Henrik',
  'Johannes', 'Mathias', 'Oskar', 'Aksel', 'Ådne', 'Åsmund', 'Øyvind', 'Ørjan', 'Gaute', 'Steinar', 'Leif',
  'Kjell', 'Olav', 'Gunnar', 'Harald', 'Einar', 'Torbjørn', 'Vidar', 'Roar', 'Frode', 'Morten', 'Espen',
  'Kristoffer', 'Sigurd', 'Filip', 'Tobias', 'Elias', 'Isak', 'Ludvig', 'Vetle', 'Brage', 'Torstein',
  'Audun', 'Bård', 'Dag', 'Egil', 'Finn', 'Gisle', 'Helge', 'Ingvar', 'Jostein', 'Kolbjørn', 'Lasse',
  'Mikkel', 'Njål', 'Oddvar', 'Petter', 'Ragnar', 'Sølve', 'Torleif', 'Ulf', 'Vegard', 'Yngve', 'Åge',
] as const;
/**
 * 236 family names, drawn uniformly: one name is about 0.42% of patients (~420 of 100,000). No other family
 * and no given name starts like Haugen ("hau") or Ødegård ("øde"); common 3-letter prefixes cover at most 3 names.
 */
const FAMILY = (
  'Nordmann Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen Pettersen ' +
  'Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen Halvorsen Henriksen Lund Sørensen ' +
  'Moen Gundersen Iversen Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen ' +
  'Lie Amundsen Rasmussen Lunde Solheim Berge Nygård Bakke Fredriksen Holm Lien Christophersen Andresen Nielsen ' +
  'Knudsen Evensen Sæther Aas Myhre Thomassen Sivertsen Simonsen Danielsen Sandvik Rønning Arnesen Antonsen ' +
  'Næss Vik Ødegård Bråten Løvås Åsheim Ærø Kvalsund Tveit Ellingsen Edvardsen Birkeland Isaksen Bjørnstad ' +
  'Myklebust Mikkelsen Brekke Østby Fjeld Hovland Torgersen Våge Grønlund Nordby Stene Tangen Skogen Engen ' +
  'Kvam Langeland Helland Vold Fossum Kleppe Rød Ruud Hovde Dale Hoel Hætta Eira Sara Gaup Somby Buljo Turi ' +
  'Utsi Balto Labba Niemi Fagerli Storvik Steinvik Sandnes Jakobsen Kvalvik Ulriksen Ytterstad Ørnes Ølstad ' +
  'Øien Åsli Åkre Åmodt Ådland Ærvik Skjæveland Bøe Røste Sørli Nøkleby Hølleland Grøtting Strøm Sjøberg ' +
  'Bjørkli Mørk Høyer Løken Tønnessen Kårstad Ås Ravndal Wik Wold Ulvang Vestby Yttervik Zahl Tollefsen Teigen ' +
  'Tjelle Rognan Reitan Rustad Nesse Nordli Nymo Olaussen Opsahl Paulsrud Pleym Quist Gabrielsen Gjerde Grande ' +
  'Graff Eliassen Einarsen Engebretsen Fuglseth Furu Figenschou Dybvik Dreyer Caspersen Carlsen Ingebrigtsen ' +
  'Innvær Jenssen Joakimsen Killi Kjeldsberg Kollstrøm Lauritzen Leinan Lyngmo Marthinsen Meyer Mortensen ' +
  'Myrvang Nicolaisen Oddvik Ottesen Pallesen Raanes Riise Ringstad Sagen Samuelsen Seljeseth Skog Slettli ' +
  'Sollid Stabell Steffensen Søreng Thorsen Tobiassen Torvik Trondsen Ulstad Urdal Valen Vangen Varsi Vollstad ' +
  'Wilhelmsen Wahl Ystad Åbakken Ørstad Sæbø Bårdsen Kåsen Fjærli Hæreid Mæland Sveen Tofte'
).split(' ');

const STREETS = [
  'Storgata', 'Kirkegata', 'Skolegata', 'Strandvegen', 'Fjellvegen', 'Havnegata', 'Sjøgata', 'Elvegata',
  'Bjørkeveien', 'Nordlysvegen', 'Åsvegen', 'Grønnegata', 'Løkkeveien', 'Solvangvegen', 'Parkveien', 'Myrvegen',
  'Furuvegen', 'Granvegen', 'Kvernhusvegen', 'Skogvegen', 'Bakkevegen', 'Sandvegen', 'Fiskergata',
  'Prestegårdsvegen', 'Brattlia', 'Rypevegen', 'Reinvegen', 'Måkevegen', 'Ørnevegen', 'Lyngvegen',
  'Fjæreveien', 'Bryggevegen', 'Sætervegen', 'Kaigata', 'Tindvegen', 'Blåbærvegen', 'Multevegen', 'Stølsvegen',
] as const;

interface Place { postalCode: string; city: string }
/** Landline area prefix by health trust: Troms 77, Finnmark 78, Nordland 75. */
const areaCode = (hf: string): string => (hf === 'fin' ? '78' : hf === 'unn' ? '77' : '75');
interface KommuneDef { name: string; pop: number; site: string; dms?: string; places: Place[]; phone: string }

/** name; population (thousands, rounded); local hospital site; DMS or -; postal places "code city, ...". */
const KOMMUNER: KommuneDef[] = [
  'Tromsø;78;unn-tromso;-;9008 Tromsø,9009 Tromsø,9010 Tromsø,9011 Tromsø,9012 Tromsø,9013 Tromsø,9014 Tromsø,9015 Tromsø,9016 Tromsø,9019 Tromsø,9020 Tromsdalen,9024 Tomasjord,9100 Kvaløysletta',
  'Bodø;53;nlsh-bodo;-;8006 Bodø,8008 Bodø,8010 Bodø,8012 Bodø,8013 Bodø',
  'Rana;26;hsyk-rana;-;8613 Mo i Rana,8616 Mo i Rana,8622 Mo i Rana',
  'Harstad;25;unn-harstad;-;9405 Harstad,9406 Harstad,9407 Harstad,9408 Harstad,9409 Harstad',
  'Narvik;22;unn-narvik;dms-ofoten;8514 Narvik,8516 Narvik,8517 Narvik,8520 Ankenesstrand',
  'Alta;21;fin-hammerfest;dms-alta;9510 Alta,9511 Alta,9514 Alta,9515 Alta',
  'Senja;15;unn-tromso;dms-midttroms;9300 Finnsnes,9303 Silsand',
  'Vefsn;13;hsyk-mosjoen;-;8656 Mosjøen,8657 Mosjøen',
  'Hammerfest;11;fin-hammerfest;-;9600 Hammerfest,9610 Rypefjord',
  'Vestvågøy;11;nlsh-lofoten;-;8370 Leknes,8340 Stamsund,8360 Bøstad,8373 Ballstad',
  'Sortland;10;nlsh-vesteralen;dms-vesteralen;8400 Sortland',
  'Sør-Varanger;10;fin-kirkenes;-;9900 Kirkenes,9910 Bjørnevatn',
  'Vågan;10;nlsh-lofoten;-;8300 Svolvær,8310 Kabelvåg,8312 Henningsvær',
  'Fauske;10;nlsh-bodo;dms-salten;8200 Fauske',
  'Hadsel;8;nlsh-vesteralen;-;8450 Stokmarknes,8445 Melbu',
  'Brønnøy;8;hsyk-sandnessjoen;dms-sorhelgeland;8900 Brønnøysund',
  'Alstahaug;7;hsyk-sandnessjoen;-;8800 Sandnessjøen',
  'Målselv;7;unn-tromso;dms-midttroms;9325 Bardufoss,9321 Moen',
  'Balsfjord;6;unn-tromso;-;9050 Storsteinnes,9040 Nordkjosbotn',
  'Vadsø;6;fin-kirkenes;dms-ostfinnmark;9800 Vadsø,9810 Vestre Jakobselv',
  'Nordreisa;5;unn-tromso;dms-nordtroms;9151 Storslett,9152 Sørkjosen',
  'Andøy;5;nlsh-vesteralen;dms-vesteralen;8480 Andenes',
  'Saltdal;5;nlsh-bodo;dms-salten;8250 Rognan',
  'Øksnes;4;nlsh-vesteralen;dms-vesteralen;8430 Myre',
  'Bardu;4;unn-tromso;dms-midttroms;9360 Bardu',
  'Porsanger;4;fin-hammerfest;-;9700 Lakselv',
  'Nordkapp;3;fin-hammerfest;-;9750 Honningsvåg',
  'Kautokeino;3;fin-hammerfest;dms-alta;9520 Kautokeino',
  'Skjervøy;3;unn-tromso;dms-nordtroms;9180 Skjervøy',
  'Tana;3;fin-kirkenes;dms-ostfinnmark;9845 Tana',
  'Kvæfjord;3;unn-harstad;-;9475 Borkenes',
  'Lyngen;3;unn-tromso;dms-nordtroms;9060 Lyngseidet,9062 Furuflaten',
  'Karasjok;3;fin-hammerfest;dms-indrefinnmark;9730 Karasjok',
  'Båtsfjord;2;fin-kirkenes;dms-ostfinnmark;9990 Båtsfjord',
  'Karlsøy;2;unn-tromso;-;9130 Hansnes',
  'Vardø;2;fin-kirkenes;dms-ostfinnmark;9950 Vardø',
  'Kåfjord;2;unn-tromso;dms-nordtroms;9146 Olderdalen',
  'Storfjord;2;unn-tromso;dms-nordtroms;9046 Oteren,9143 Skibotn',
  'Kvænangen;1;unn-tromso;dms-nordtroms;9161 Burfjord',
  'Moskenes;1;nlsh-lofoten;-;8390 Reine',
].map((line) => {
  const [name, pop, site, dms, places] = line.split(';');
  return {
    name, pop: Number(pop), site, ...(dms === '-' ? {} : { dms }),
    places: places.split(',').map((p) => ({ postalCode: p.slice(0, 4), city: p.slice(5) })),
    phone: areaCode(site.split('-')[0]),
  };
});
const KOMMUNE_CUMULATIVE = cumulate(KOMMUNER.map((k) => k.pop));

interface UnitDef { key: string; name: string; parent: string; postalCode: string; city: string; staff: number }
const HFS: UnitDef[] = [
  { key: 'unn', name: 'Universitetssykehuset Nord-Norge HF', parent: 'rhf', postalCode: '9019', city: 'Tromsø', staff: 0 },
  { key: 'nlsh', name: 'Nordlandssykehuset HF', parent: 'rhf', postalCode: '8006', city: 'Bodø', staff: 0 },
  { key: 'hsyk', name: 'Helgelandssykehuset HF', parent: 'rhf', postalCode: '8800', city: 'Sandnessjøen', staff: 0 },
  { key: 'fin', name: 'Finnmarkssykehuset HF', parent: 'rhf', postalCode: '9600', city: 'Hammerfest', staff: 0 },
];
const SITES: UnitDef[] = [
  { key: 'unn-tromso', name: 'UNN Tromsø', parent: 'unn', postalCode: '9019', city: 'Tromsø', staff: 12 },
  { key: 'unn-harstad', name: 'UNN Harstad', parent: 'unn', postalCode: '9406', city: 'Harstad', staff: 6 },
  { key: 'unn-narvik', name: 'UNN Narvik', parent: 'unn', postalCode: '8516', city: 'Narvik', staff: 6 },
  { key: 'nlsh-bodo', name: 'Nordlandssykehuset Bodø', parent: 'nlsh', postalCode: '8006', city: 'Bodø', staff: 10 },
  { key: 'nlsh-lofoten', name: 'Nordlandssykehuset Lofoten', parent: 'nlsh', postalCode: '8372', city: 'Gravdal', staff: 5 },
  { key: 'nlsh-vesteralen', name: 'Nordlandssykehuset Vesterålen', parent: 'nlsh', postalCode: '8450', city: 'Stokmarknes', staff: 5 },
  { key: 'hsyk-rana', name: 'Helgelandssykehuset Mo i Rana', parent: 'hsyk', postalCode: '8622', city: 'Mo i Rana', staff: 6 },
  { key: 'hsyk-mosjoen', name: 'Helgelandssykehuset Mosjøen', parent: 'hsyk', postalCode: '8656', city: 'Mosjøen', staff: 5 },
  { key: 'hsyk-sandnessjoen', name: 'Helgelandssykehuset Sandnessjøen', parent: 'hsyk', postalCode: '8800', city: 'Sandnessjøen', staff: 5 },
  { key: 'fin-hammerfest', name: 'Finnmarkssykehuset Hammerfest', parent: 'fin', postalCode: '9600', city: 'Hammerfest', staff: 7 },
  { key: 'fin-kirkenes', name: 'Finnmarkssykehuset Kirkenes', parent: 'fin', postalCode: '9900', city: 'Kirkenes', staff: 5 },
];
const DMSS: UnitDef[] = [
  { key: 'dms-nordtroms', name: 'Nord-Troms DMS', parent: 'unn', postalCode: '9151', city: 'Storslett', staff: 3 },
  { key: 'dms-midttroms', name: 'Midt-Troms DMS', parent: 'unn', postalCode: '9300', city: 'Finnsnes', staff: 3 },
  { key: 'dms-ofoten', name: 'Ofoten DMS', parent: 'unn', postalCode: '8514', city: 'Narvik', staff: 3 },
  { key: 'dms-salten', name: 'Salten DMS', parent: 'nlsh', postalCode: '8200', city: 'Fauske', staff: 3 },
  { key: 'dms-vesteralen', name: 'Vesterålen DMS', parent: 'nlsh', postalCode: '8400', city: 'Sortland', staff: 3 },
  { key: 'dms-sorhelgeland', name: 'Sør-Helgeland DMS', parent: 'hsyk', postalCode: '8900', city: 'Brønnøysund', staff: 3 },
  { key: 'dms-alta', name: 'Alta DMS', parent: 'fin', postalCode: '9510', city: 'Alta', staff: 3 },
  { key: 'dms-indrefinnmark', name: 'Indre Finnmark DMS', parent: 'fin', postalCode: '9730', city: 'Karasjok', staff: 3 },
  { key: 'dms-ostfinnmark', name: 'Øst-Finnmark DMS', parent: 'fin', postalCode: '9800', city: 'Vadsø', staff: 3 },
];
const OFFICE_PREFIXES = [
  'Sentrum', 'Storgata', 'Havna', 'Nordlys', 'Fjellheim', 'Elvebakken', 'Sjøgata', 'Breivika', 'Kvaløya', 'Solsida',
  'Bakkeby', 'Strandkanten',
] as const;

const officeCount = (k: KommuneDef): number => Math.max(1, Math.round(k.pop / 7));
const gpCount = (kommune: number, office: number): number => 2 + ((kommune * 7 + office * 3) % 4);

// ---------------------------------------------------------------------------------------------------------
// Directory: Organizations and Practitioners (structure fixed; practitioner names depend on the seed)

interface Office { id: string; gps: string[] }
interface Unit { id: string; staff: string[] }
interface KommuneInfo { def: KommuneDef; offices: Office[]; site: Unit; dms?: Unit }
interface Directory { organizations: Organization[]; practitioners: Practitioner[]; kommuner: KommuneInfo[] }

function directoryShape(): { organizations: number; practitioners: number } {
  let organizations = 1 + HFS.length + SITES.length + DMSS.length + KOMMUNER.length;
  let practitioners = [...SITES, ...DMSS].reduce((s, u) => s + u.staff, 0);
  KOMMUNER.forEach((k, ki) => {
    const n = officeCount(k);
    organizations += n;
    for (let o = 0; o < n; o++) practitioners += gpCount(ki, o);
  });
  return { organizations, practitioners };
}

const ref = <T extends Resource>(type: T['resourceType'], id: string): Reference<T> => ({ reference: `${type}/${id}` });
const orgType = (code: 'prov' | 'govt' | 'dept', display: string): CodeableConcept[] =>
  [{ coding: [{ system: ORG_TYPE, code, display }] }];

function buildDirectory(seed: number): Directory {
  const organizations: Organization[] = [];
  const practitioners: Practitioner[] = [];
  const rng = rngFor(seed, TAG_DIRECTORY, 0);
  const orgIds = new Map<string, string>();
  const phone = (area: string): string => `+47 ${area}${pad(int(rng, 1_000_000), 6)}`;

  const addOrg = (key: string, o: Omit<Organization, 'resourceType' | 'id'>): string => {
    const id = `org-${pad(organizations.length + 1, 4)}`;
    organizations.push({ resourceType: 'Organization', id, active: true, ...o });
    orgIds.set(key, id);
    return id;
  };
  const address = (line: string, postalCode: string, city: string) =>
    [{ use: 'work' as const, type: 'both' as const, line: [line], postalCode, city, country: 'NO' }];
  const addPractitioner = (qualification: string, area: string): string => {
    const id = `prac-${pad(practitioners.length + 1, 4)}`;
    const female = rng() < 0.5;
    practitioners.push({
      resourceType: 'Practitioner',
      id,
      identifier: [{ system: PRACTITIONER_ID_SYSTEM, value: String(9_000_000 + practitioners.length + 1) }],
      active: true,
      name: [{ use: 'official', family: pick(rng, FAMILY), given: [pick(rng, female ? GIVEN_FEMALE : GIVEN_MALE)] }],
      telecom: [{ system: 'phone', value: phone(area), use: 'work' }],
      gender: female ? 'female' : 'male',
      qualification: [{ code: { text: qualification } }],
    });
    return id;
  };

  addOrg('rhf', {
    name: 'Helse Nord RHF', alias: ['Helse Nord'], type: orgType('prov', 'Healthcare Provider'),
    telecom: [{ system: 'phone', value: phone('75') }], address: address('Sjøgata 10', '8006', 'Bodø'),
  });
  for (const u of [...HFS, ...SITES, ...DMSS]) {
    const area = areaCode(u.parent === 'rhf' ? u.key : u.parent);
    addOrg(u.key, {
      name: u.name,
      type: u.staff === 0 ? orgType('prov', 'Healthcare Provider') : orgType('dept', 'Hospital Department'),
      telecom: [{ system: 'phone', value: phone(area) }],
      address: address(u.key.startsWith('dms') ? 'Helsesenteret' : 'Sykehusvegen 1', u.postalCode, u.city),
      partOf: ref<Organization>('Organization', orgIds.get(u.parent) as string),
    });
  }
  const units = new Map<string, Unit>();
  for (const u of [...SITES, ...DMSS]) {
    const area = areaCode(u.parent);
    const staff: string[] = [];
    for (let s = 0; s < u.staff; s++) staff.push(addPractitioner(u.key.startsWith('dms') && s === u.staff - 1 ? 'Sykepleier' : 'Lege', area));
    units.set(u.key, { id: orgIds.get(u.key) as string, staff });
  }
  const kommuneOrg = KOMMUNER.map((k) =>
    addOrg(`kommune-${k.name}`, {
      name: `${k.name} kommune`, type: orgType('govt', 'Government'),
      telecom: [{ system: 'phone', value: phone(k.phone) }],
      address: address('Rådhuset', k.places[0].postalCode, k.places[0].city),
    }));
  const kommuner: KommuneInfo[] = KOMMUNER.map((k, ki) => {
    const n = officeCount(k);
    const offices: Office[] = [];
    for (let o = 0; o < n; o++) {
      const place = k.places[o % k.places.length];
      const name = o === 0 ? `${place.city} Legekontor` : `${OFFICE_PREFIXES[(o - 1) % OFFICE_PREFIXES.length]} Legekontor ${place.city}`;
      const id = addOrg(`office-${ki}-${o}`, {
        name, type: orgType('prov', 'Healthcare Provider'),
        telecom: [{ system: 'phone', value: phone(k.phone) }],
        address: address(`${pick(rng, STREETS)} ${1 + int(rng, 60)}`, place.postalCode, place.city),
        // a kommune's only GP office is taken to be municipal (kommunalt legekontor)
        ...(n === 1 ? { partOf: ref<Organization>('Organization', kommuneOrg[ki]) } : {}),
      });
      offices.push({ id, gps: [] });
    }
    const site = units.get(k.site) as Unit;
    return { def: k, offices, site, ...(k.dms ? { dms: units.get(k.dms) as Unit } : {}) };
  });
  kommuner.forEach((k, ki) => k.offices.forEach((office, o) => {
    for (let g = 0; g < gpCount(ki, o); g++) office.gps.push(addPractitioner('Lege, spesialist i allmennmedisin', k.def.phone));
  }));
  return { organizations, practitioners, kommuner };
}

// ---------------------------------------------------------------------------------------------------------
// Patients

interface Ctx { seed: number; scale: Scale; stride: number; offset: number; dir: Directory }

function context(scale: Scale, seed: number): Ctx {
  checkScale(scale);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const stride = Math.max(1, Math.ceil(scale.patients / FNR_SLOTS_PER_DATE));
  return { seed, scale, stride, offset: streamSeed(seed, TAG_OFFSET, 0, 0) % stride, dir: buildDirectory(seed) };
}

/** Birth cohorts 1925-1929 .. 2020-2024: rough shares of people alive in Norway today. */
const COHORT_CUMULATIVE = cumulate([0.3, 1.2, 2.5, 4, 5.5, 6, 6.5, 6.8, 7, 6.8, 6.5, 6.7, 6.9, 7, 6.8, 6.5, 6.5, 6.6, 6.2, 5.5]);
const COHORT_START = Array.from({ length: 21 }, (_, k) => (Date.UTC(1925 + 5 * k, 0, 1) - EPOCH_1925) / DAY);
const RESIDUE_PRIME = 1_000_003;

interface PatientCore {
  n: number;
  id: string;
  gender: 'male' | 'female';
  birthDay: number;
  birthDate: string;
  /** First instant clinical data can have: 2015-01-01 or the day after birth. */
  lo: number;
  fnr: string;
  given: string[];
  family: string;
  kommune: KommuneInfo;
  place: Place;
  line: string;
  phone: string;
  email?: string;
  office: Office;
  gp: string;
}

function patientCore(ctx: Ctx, i: number): PatientCore {
  const rng = rngFor(ctx.seed, TAG_PATIENT, i);
  const gender = rng() < 0.5 ? 'female' : 'male';
  // birth day: sample a cohort and a day, then move to the nearest day of this patient's residue class
  const M = ctx.stride;
  const slot = Math.floor(i / M);
  const residue = ((i % M) * RESIDUE_PRIME + ctx.offset) % M;
  const cohort = weighted(rng, COHORT_CUMULATIVE);
  const t = COHORT_START[cohort] + int(rng, COHORT_START[cohort + 1] - COHORT_START[cohort]);
  const r = (((t - residue) % M) + M) % M;
  let birthDay = r <= M / 2 ? t - r : t - r + M;
  if (birthDay < 0) birthDay += M;
  if (birthDay >= BIRTH_DAYS) birthDay -= M;
  const birthDate = dayToDate(birthDay);
  const givenList = gender === 'female' ? GIVEN_FEMALE : GIVEN_MALE;
  const given = [pick(rng, givenList)];
  if (rng() < 0.3) {
    const second = pick(rng, givenList);
    if (second !== given[0]) given.push(second);
  }
  const family = pick(rng, FAMILY);
  const kommune = ctx.dir.kommuner[weighted(rng, KOMMUNE_CUMULATIVE)];
  const place = pick(rng, kommune.def.places);
  const line = `${pick(rng, STREETS)} ${1 + int(rng, 120)}${rng() < 0.1 ? 'B' : ''}`;
  const phone = `+47 ${rng() < 0.6 ? '9' : '4'}${pad(int(rng, 10_000_000), 7)}`;
  const email = rng() < 0.35 ? `${ascii(given[0])}.${ascii(family)}@example.org` : undefined;
  const office = pick(rng, kommune.offices);
  const gp = pick(rng, office.gps);
  const n = i + 1;
  return {
    n, id: `pat-${pad(n, 6)}`, gender, birthDay, birthDate,
    lo: Math.max(T_START, EPOCH_1925 + (birthDay + 1) * DAY),
    fnr: syntheticFnr(birthDate, slot, gender),
    given, family, kommune, place, line, phone, ...(email ? { email } : {}), office, gp,
  };
}

function ascii(s: string): string {
  return s.toLowerCase().replace(/æ/g, 'ae').replace(/ø/g, 'o').replace(/å/g, 'aa');
}

function toPatient(p: PatientCore): Patient {
  return {
    resourceType: 'Patient',
    id: p.id,
    identifier: [{ use: 'official', system: FNR_SYSTEM, value: p.fnr }],
    active: true,
    name: [{ use: 'official', family: p.family, given: p.given }],
    telecom: [
      { system: 'phone', value: p.phone, use: 'mobile' },
      ...(p.email ? [{ system: 'email' as const, value: p.email, use: 'home' as const }] : []),
    ],
    gender: p.gender,
    birthDate: p.birthDate,
    address: [{
      use: 'home', type: 'physical', line: [p.line], city: p.place.city, district: p.kommune.def.name,
      postalCode: p.place.postalCode, country: 'NO',
    }],
    generalPractitioner: [ref<Practitioner>('Practitioner', p.gp)],
    managingOrganization: ref<Organization>('Organization', p.office.id),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Encounters

interface ClassDef { coding: Coding; weight: number; types: { code: string; display: string }[]; minMin: number; maxMin: number }
const CLASSES: ClassDef[] = [
  {
    coding: { system: ACT_CODE, code: 'AMB', display: 'ambulatory' }, weight: 60, minMin: 15, maxMin: 120,
    types: [
      { code: 'poliklinisk', display: 'Poliklinisk konsultasjon' }, { code: 'kontroll', display: 'Kontroll' },
      { code: 'dagbehandling', display: 'Dagbehandling' },
    ],
  },
  {
    coding: { system: ACT_CODE, code: 'IMP', display: 'inpatient encounter' }, weight: 15, minMin: 1 * 24 * 60, maxMin: 14 * 24 * 60,
    types: [
      { code: 'innleggelse', display: 'Planlagt innleggelse' }, { code: 'ohjelp-innleggelse', display: 'Øyeblikkelig hjelp-innleggelse' },
    ],
  },
  {
    coding: { system: ACT_CODE, code: 'EMER', display: 'emergency' }, weight: 15, minMin: 60, maxMin: 600,
    types: [{ code: 'akuttmottak', display: 'Akuttmottak' }],
  },
  {
    coding: { system: ACT_CODE, code: 'HH', display: 'home health' }, weight: 10, minMin: 30, maxMin: 150,
    types: [{ code: 'hjemmebesok', display: 'Hjemmebesøk' }, { code: 'ambulant-team', display: 'Ambulant team' }],
  },
];
const CLASS_CUMULATIVE = cumulate(CLASSES.map((c) => c.weight));

interface EncounterCore {
  id: string;
  cls: ClassDef;
  type: { code: string; display: string };
  start: number;
  end?: number;
  provider: string;
  practitioner: string;
}

function encounterCore(ctx: Ctx, p: PatientCore, i: number, j: number): EncounterCore {
  const rng = rngFor(ctx.seed, TAG_ENCOUNTER, i, j);
  const cls = CLASSES[weighted(rng, CLASS_CUMULATIVE)];
  const type = pick(rng, cls.types);
  const { site, dms } = p.kommune;
  const dmsShare = cls.coding.code === 'HH' ? 1 : cls.coding.code === 'AMB' ? 0.35 : cls.coding.code === 'IMP' ? 0.15 : 0;
  const unit = dms && rng() < dmsShare ? dms : site;
  const inProgress = rng() < 0.04;
  // IMP runs skewed towards short stays; the others uniform within their range
  const u = rng();
  const minutes = Math.round(cls.minMin + (cls.coding.code === 'IMP' ? u * u : u) * (cls.maxMin - cls.minMin));
  const daytime = cls.coding.code === 'AMB' || cls.coding.code === 'HH';
  let start: number;
  let end: number | undefined;
  if (inProgress) {
    const window = cls.coding.code === 'IMP' ? 10 * DAY : 8 * HOUR;
    start = Math.floor(between(rng, Math.max(p.lo, T_END - window), T_END - 15 * MINUTE) / 1000) * 1000;
  } else {
    start = localTimeIn(rng, p.lo, T_END - minutes * MINUTE, daytime ? 8 * 60 : 0, daytime ? 15 * 60 + 30 : 24 * 60);
    end = start + minutes * MINUTE;
  }
  return {
    id: `enc-${pad(p.n, 6)}-${j}`, cls, type, start, ...(end === undefined ? {} : { end }),
    provider: unit.id, practitioner: pick(rng, unit.staff),
  };
}

function toEncounter(p: PatientCore, e: EncounterCore): Encounter {
  return {
    resourceType: 'Encounter',
    id: e.id,
    status: e.end === undefined ? 'in-progress' : 'finished',
    class: e.cls.coding,
    type: [{ coding: [{ system: ENCOUNTER_TYPE_SYSTEM, code: e.type.code, display: e.type.display }], text: e.type.display }],
    subject: ref<Patient>('Patient', p.id),
    participant: [{ individual: ref<Practitioner>('Practitioner', e.practitioner) }],
    period: e.end === undefined ? { start: dateTime(e.start) } : { start: dateTime(e.start), end: dateTime(e.end) },
    serviceProvider: ref<Organization>('Organization', e.provider),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Observations

type Category = 'vital-signs' | 'laboratory';
interface ObsDef {
  code: string;
  display: string;
  category: Category;
  weight: number;
  unit: string;
  ucum: string;
  mean: number;
  sd: number;
  min: number;
  max: number;
  decimals: number;
  meanMale?: number;
}
const BP_PANEL = '85354-9';
const BODY_WEIGHT = '29463-7';
const BODY_HEIGHT = '8302-2';
const HEART_RATE = '8867-4';
const OBS_DEFS: ObsDef[] = [
  { code: BP_PANEL, display: 'Blood pressure panel with all children optional', category: 'vital-signs', weight: 14, unit: 'mmHg', ucum: 'mm[Hg]', mean: 0, sd: 0, min: 0, max: 0, decimals: 0 },
  { code: HEART_RATE, display: 'Heart rate', category: 'vital-signs', weight: 12, unit: 'beats/minute', ucum: '/min', mean: 74, sd: 12, min: 38, max: 170, decimals: 0 },
  { code: '8310-5', display: 'Body temperature', category: 'vital-signs', weight: 8, unit: '°C', ucum: 'Cel', mean: 36.9, sd: 0.5, min: 35, max: 40.5, decimals: 1 },
  { code: BODY_WEIGHT, display: 'Body weight', category: 'vital-signs', weight: 8, unit: 'kg', ucum: 'kg', mean: 0, sd: 0, min: 1.5, max: 190, decimals: 1 },
  { code: BODY_HEIGHT, display: 'Body height', category: 'vital-signs', weight: 5, unit: 'cm', ucum: 'cm', mean: 0, sd: 0, min: 40, max: 210, decimals: 0 },
  { code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry', category: 'vital-signs', weight: 6, unit: '%', ucum: '%', mean: 97, sd: 1.8, min: 82, max: 100, decimals: 0 },
  { code: '9279-1', display: 'Respiratory rate', category: 'vital-signs', weight: 4, unit: 'breaths/minute', ucum: '/min', mean: 16, sd: 3, min: 8, max: 40, decimals: 0 },
  { code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', category: 'laboratory', weight: 10, unit: 'g/dL', ucum: 'g/dL', mean: 13.5, meanMale: 14.8, sd: 1.3, min: 7, max: 19.5, decimals: 1 },
  { code: '15074-8', display: 'Glucose [Moles/volume] in Blood', category: 'laboratory', weight: 8, unit: 'mmol/L', ucum: 'mmol/L', mean: 5.8, sd: 1.4, min: 2.5, max: 25, decimals: 1 },
  { code: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma', category: 'laboratory', weight: 7, unit: 'µmol/L', ucum: 'umol/L', mean: 72, meanMale: 88, sd: 18, min: 30, max: 450, decimals: 0 },
  { code: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma', category: 'laboratory', weight: 7, unit: 'mg/L', ucum: 'mg/L', mean: 0, sd: 25, min: 1, max: 300, decimals: 0 },
  { code: '2951-2', display: 'Sodium [Moles/volume] in Serum or Plasma', category: 'laboratory', weight: 5, unit: 'mmol/L', ucum: 'mmol/L', mean: 140, sd: 3, min: 120, max: 160, decimals: 0 },
  { code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma', category: 'laboratory', weight: 5, unit: 'mmol/L', ucum: 'mmol/L', mean: 4.2, sd: 0.4, min: 2.5, max: 6.5, decimals: 1 },
  { code: '59261-8', display: 'Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol', category: 'laboratory', weight: 4, unit: 'mmol/mol', ucum: 'mmol/mol', mean: 40, sd: 9, min: 25, max: 120, decimals: 0 },
];
const OBS_CUMULATIVE = cumulate(OBS_DEFS.map((d) => d.weight));
const CATEGORY: Record<Category, CodeableConcept[]> = {
  'vital-signs': [{ coding: [{ system: OBS_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }] }],
  laboratory: [{ coding: [{ system: OBS_CATEGORY, code: 'laboratory', display: 'Laboratory' }] }],
};

/** LOINC codes the generator uses, with display and category. */
export const OBSERVATION_CODES: readonly { code: string; display: string; category: Category }[] =
  OBS_DEFS.map(({ code, display, category }) => ({ code, display, category }));

/** The observation's code is the only draw of its own stream, so code counts need nothing else. */
const obsDef = (ctx: Ctx, i: number, j: number): ObsDef => OBS_DEFS[weighted(rngFor(ctx.seed, TAG_OBS_CODE, i, j), OBS_CUMULATIVE)];

interface ObservationCore { id: string; def: ObsDef; effective: number; encounter?: EncounterCore; performer: string }

function observationCore(ctx: Ctx, p: PatientCore, encounters: EncounterCore[], i: number, j: number): ObservationCore {
  const def = obsDef(ctx, i, j);
  const rng = rngFor(ctx.seed, TAG_OBS, i, j);
  const id = `obs-${pad(p.n, 6)}-${j}`;
  if (encounters.length > 0) {
    const encounter = pick(rng, encounters);
    const limit = (encounter.end ?? T_END) - encounter.start;
    const after = between(rng, Math.min(5 * MINUTE, limit / 2), Math.min(limit, 4 * HOUR));
    const effective = encounter.start + Math.floor(after / 1000) * 1000;
    return { id, def, effective, encounter, performer: encounter.practitioner };
  }
  return { id, def, effective: localTimeIn(rng, p.lo, T_END, 8 * 60, 15 * 60 + 30), performer: p.gp };
}

function quantity(def: ObsDef, value: number): Observation['valueQuantity'] {
  return { value: round(clamp(value, def.min, def.max), def.decimals), unit: def.unit, system: UCUM, code: def.ucum };
}
const mmHg = (value: number): Observation['valueQuantity'] => ({ value: Math.round(value), unit: 'mmHg', system: UCUM, code: 'mm[Hg]' });

/** Expected adult-like value from age for height (cm) and weight (kg). */
function growth(kind: 'height' | 'weight', age: number, male: boolean): number {
  if (kind === 'height') {
    const adult = male ? 180 : 167;
    if (age < 1) return 50 + 25 * age;
    if (age < 2) return 75 + 12 * (age - 1);
    if (age < 12) return 87 + 6.3 * (age - 2);
    if (age < 17) return 150 + ((adult - 150) * (age - 12)) / 5;
    return age > 70 ? adult - 0.15 * (age - 70) : adult;
  }
  const adult = male ? 86 : 71;
  if (age < 1) return 3.5 + 6.5 * age;
  if (age < 2) return 10 + 2.5 * (age - 1);
  if (age < 12) return 12.5 + 2.9 * (age - 2);
  if (age < 17) return 41.5 + ((adult - 41.5) * (age - 12)) / 5;
  return adult;
}

function toObservation(p: PatientCore, o: ObservationCore, rng: Rng): Observation {
  const { def } = o;
  const male = p.gender === 'male';
  const age = (o.effective - (EPOCH_1925 + p.birthDay * DAY)) / (365.25 * DAY);
  const obs: Observation = {
    resourceType: 'Observation',
    id: o.id,
    status: 'final',
    category: CATEGORY[def.category],
    code: { coding: [{ system: LOINC, code: def.code, display: def.display }], text: def.display },
    subject: ref<Patient>('Patient', p.id),
    ...(o.encounter ? { encounter: ref<Encounter>('Encounter', o.encounter.id) } : {}),
    effectiveDateTime: dateTime(o.effective),
    performer: [ref<Practitioner>('Practitioner', o.performer)],
  };
  if (def.code === BP_PANEL) {
    const systolic = clamp(normal(rng, age < 12 ? 102 : 112 + 0.45 * Math.min(age, 85), age < 12 ? 8 : 15), 75, 220);
    const diastolic = clamp(normal(rng, age < 12 ? 62 : 76, 9), 40, systolic - 20);
    obs.component = [
      { code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] }, valueQuantity: mmHg(systolic) },
      { code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] }, valueQuantity: mmHg(diastolic) },
    ];
  } else if (def.code === BODY_WEIGHT || def.code === BODY_HEIGHT) {
    const kind = def.code === BODY_WEIGHT ? 'weight' : 'height';
    const expected = growth(kind, age, male);
    obs.valueQuantity = quantity(def, normal(rng, expected, expected * (kind === 'weight' ? 0.14 : 0.04)));
  } else if (def.code === '1988-5') {
    obs.valueQuantity = quantity(def, 1 + Math.abs(normal(rng, 0, def.sd)) * (rng() < 0.8 ? 0.2 : 1));
  } else if (def.code === HEART_RATE && age < 2) {
    obs.valueQuantity = quantity(def, normal(rng, 125, 15));
  } else {
    obs.valueQuantity = quantity(def, normal(rng, male && def.meanMale !== undefined ? def.meanMale : def.mean, def.sd));
  }
  return obs;
}

// ---------------------------------------------------------------------------------------------------------
// The generator

interface PatientBlock { core: PatientCore; encounters: EncounterCore[]; observations: ObservationCore[] }

function patientBlock(ctx: Ctx, i: number): PatientBlock {
  const core = patientCore(ctx, i);
  const encounters: EncounterCore[] = [];
  const nEnc = perPatient(ctx.scale.encountersPerPatient, i);
  for (let j = 1; j <= nEnc; j++) encounters.push(encounterCore(ctx, core, i, j));
  const observations: ObservationCore[] = [];
  const nObs = perPatient(ctx.scale.observationsPerPatient, i);
  for (let j = 1; j <= nObs; j++) observations.push(observationCore(ctx, core, encounters, i, j));
  return { core, encounters, observations };
}

/**
 * Streams the data set: Organizations, Practitioners, then per patient the Patient, its Encounters and its
 * Observations. Deterministic in (scale, seed); holds one patient's resources at a time. Counts: expectedCounts.
 */
export function* generate(scale: Scale, seed = 1): Generator<Resource> {
  const ctx = context(scale, seed);
  yield* ctx.dir.organizations;
  yield* ctx.dir.practitioners;
  for (let i = 0; i < scale.patients; i++) {
    const { core, encounters, observations } = patientBlock(ctx, i);
    yield toPatient(core);
    for (const e of encounters) yield toEncounter(core, e);
    for (let k = 0; k < observations.length; k++) {
      yield toObservation(core, observations[k], rngFor(ctx.seed, TAG_OBS_VALUE, i, k + 1));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Search values that exist in the data

export interface QueryValues {
  /** A patient in the middle of the set that has at least one Encounter (when the scale has Encounters). */
  patientId: string;
  family: string;
  given: string;
  birthDate: string;
  gender: 'male' | 'female';
  /** Its fødselsnummer, and the token `system|value` for identifier searches. */
  fnr: string;
  identifier: string;
  /** Its GP (Patient.generalPractitioner) and GP office (Patient.managingOrganization). */
  practitionerId: string;
  organizationId: string;
  /** One of its Encounters and Observations (undefined when the scale gives it none). */
  encounterId: string | undefined;
  observationId: string | undefined;
  /** Lower-case name prefixes: Patients whose family or any given name starts with them (case-insensitive). */
  familyPrefix: string;
  familyPrefixCount: number;
  nonAsciiPrefix: string;
  nonAsciiPrefixCount: number;
  /** A LOINC code and how many Observations have it. */
  loincCode: string;
  loincCount: number;
  /** An effectiveDateTime interval [ge, lt) (full instants with offset) and how many Observations fall in it. */
  dateRange: { ge: string; lt: string; count: number };
}

const startsWithPrefix = (p: PatientCore, prefix: string): boolean =>
  p.family.toLowerCase().startsWith(prefix) || p.given.some((g) => g.toLowerCase().startsWith(prefix));

/**
 * Representative search values of generate(scale, seed), with exact expected counts. Recomputes only what the
 * counts need (names, codes, effective instants), never builds resources: about a second at the default scale.
 */
export function queryValues(scale: Scale, seed = 1): QueryValues {
  const ctx = context(scale, seed);
  if (scale.patients < 1) throw new RangeError('queryValues needs at least one patient');
  const familyPrefix = 'hau';
  const nonAsciiPrefix = 'øde';
  const loincCode = '718-7';
  const geMs = Date.UTC(2019, 11, 31, 23); // 2020-01-01T00:00:00+01:00
  const ltMs = Date.UTC(2020, 0, 31, 23); // 2020-02-01T00:00:00+01:00
  let familyPrefixCount = 0, nonAsciiPrefixCount = 0, loincCount = 0, dateCount = 0;
  let sample = -1;
  const middle = Math.floor(scale.patients / 2);
  for (let i = 0; i < scale.patients; i++) {
    const { core, encounters, observations } = patientBlock(ctx, i);
    if (startsWithPrefix(core, familyPrefix)) familyPrefixCount++;
    if (startsWithPrefix(core, nonAsciiPrefix)) nonAsciiPrefixCount++;
    for (const o of observations) {
      if (o.def.code === loincCode) loincCount++;
      if (o.effective >= geMs && o.effective < ltMs) dateCount++;
    }
    if (sample < 0 && i >= middle && (encounters.length > 0 || scale.encountersPerPatient === 0)) sample = i;
  }
  if (sample < 0) sample = middle;
  const { core, encounters, observations } = patientBlock(ctx, sample);
  return {
    patientId: core.id,
    family: core.family,
    given: core.given[0],
    birthDate: core.birthDate,
    gender: core.gender,
    fnr: core.fnr,
    identifier: `${FNR_SYSTEM}|${core.fnr}`,
    practitionerId: core.gp,
    organizationId: core.office.id,
    encounterId: encounters[0]?.id,
    observationId: observations[0]?.id,
    familyPrefix,
    familyPrefixCount,
    nonAsciiPrefix,
    nonAsciiPrefixCount,
    loincCode,
    loincCount,
    dateRange: { ge: dateTime(geMs), lt: dateTime(ltMs), count: dateCount },
  };
}
