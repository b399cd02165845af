/**
 * Location/$board, the DMS room board (issue 6, item 5): GET or POST [base]/Location/$board?site=Location/[id].
 * Our OperationDefinition: https://helsebro.no/fhir/OperationDefinition/Location-board
 * (profiles/local/OperationDefinition-Location-board.json, from profiles/local/fsh/input/fsh/operations/board.fsh).
 * Spec: https://hl7.org/fhir/R4/operations.html (GET for an operation with affectsState false, primitive
 * in-parameters in the URL; the answer a Parameters resource), https://hl7.org/fhir/R4/parameters.html ,
 * https://hl7.org/fhir/R4/location.html (partOf, operationalStatus: the bed status of v2 table 0116),
 * https://hl7.org/fhir/R4/encounter-definitions.html#Encounter.location (status active: "the patient is
 * currently at this location, or was between the period specified", valueset-encounter-location-status).
 *
 * In: site (string with searchType reference: `Location/[id]`, `[id]`, or this server's absolute URL of
 * it; on POST also a valueReference). Out, a Parameters resource:
 *   site            the site's Location
 *   place (0..*)    one per Location under the site (partOf at any depth), by id; parts: location (the
 *                   Location), operationalStatus (valueCoding, when it has one), encounter and patient
 *                   (valueReference, 0..* each) for the Encounters now at it
 *   encounter, patient (0..*)   each such resource once, by id
 * An Encounter is "now at" a place when Encounter.status is arrived, triaged, in-progress or onleave
 * (https://hl7.org/fhir/R4/valueset-encounter-status.html: the patient is there; onleave keeps the bed;
 * planned has not come, finished and cancelled have left) and it has an Encounter.location entry for the
 * place with status active whose period, when given, covers the moment of the request (start <= now < end,
 * each at its precision). The first two are the expression of our search parameter Encounter
 * current-location, which the store's query joins on; the period is checked here.
 *
 * Why Parameters and not a Bundle: the board is a structure (which Encounter is at which bed), and a
 * collection Bundle would leave every client to rebuild it from references; Parameters keeps it, its parts
 * are named by the OperationDefinition, and each Encounter and Patient still appears once as a resource.
 *
 * Fast enough to poll: the store reads everything in one statement (src/store/sql/board.ts, through the
 * search parameter Encounter current-location); the answer is written as text around the stored JSON
 * (like search Bundles, ./../bundle/json.ts), so Locations, Encounters and Patients are never parsed or
 * re-serialised; the Encounters are parsed for their location periods and the Locations for their
 * operationalStatus, each version once (parsedOnce keeps what was read by the stored text). The SQLite store keeps a site's rows until the next
 * COMMIT, and the text written for them is reused until then or until a period starts or ends, so screens
 * polling an unchanged board cost a lookup each. Measured: bench/board.ts.
 */
import type { Encounter, Location } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import { parseDateRange } from '../../search/date.ts';
import type { BoardRows } from '../../store/repository.ts';
import { ID_PATTERN } from '../../store/serialise.ts';
import type { Handler } from '../context.ts';
import { OperationInput } from './params.ts';

/** The site's id from `Location/[id]`, `[id]`, or `[base]/Location/[id]` on this server */
export function siteIdOf(value: unknown, baseUrl: string): string {
  let ref = value;
  if (ref !== null && typeof ref === 'object' && typeof (ref as { reference?: unknown }).reference === 'string') ref = (ref as { reference: string }).reference;
  if (typeof ref !== 'string') throw new FhirError('FHIR_BOARD_SITE_NOT_LOCATION', { detail: 'a value that is neither a string nor a Reference with reference', expression: 'site' });
  const local = ref.startsWith(`${baseUrl}/`) ? ref.slice(baseUrl.length + 1) : ref;
  const parts = local.split('/');
  const id = parts.length === 2 && parts[0] === 'Location' ? parts[1] : parts.length === 1 ? parts[0] : undefined;
  if (id === undefined || !ID_PATTERN.test(id)) throw new FhirError('FHIR_BOARD_SITE_NOT_LOCATION', { detail: `'${ref}'`, expression: 'site' });
  return id;
}

export const board: Handler = async (env, req, p) => {
  // type level only (OperationDefinition.instance false): the site is a parameter, not the URL's instance
  if (p.id !== undefined) throw new FhirError('FHIR_OPERATION_UNKNOWN', { detail: '$board on an instance: use Location/$board?site=Location/[id]' });
  const input = new OperationInput(req);
  const value = input.value('site');
  if (value === undefined || value === '') throw new FhirError('FHIR_BOARD_SITE_REQUIRED', { expression: 'site' });
  const siteId = siteIdOf(value, req.context.baseUrl);
  const rows = await env.repo.board(siteId);
  if (!rows.site) throw new FhirError('FHIR_BOARD_SITE_UNKNOWN', { id: siteId, expression: 'site' });
  return { status: 200, raw: answerOf(rows, Date.now()), headers: { 'cache-control': 'no-store' } };
};

/** The answer last written for a rows object. A store that keeps its board rows until the next COMMIT
 * (the SQLite store) hands out the same object until then, so the same object means the same committed
 * data; the text is reused until the first period boundary after the moment it was written. */
const answers = new WeakMap<BoardRows, { text: string; until: number }>();

export function answerOf(rows: BoardRows, now: number): string {
  const hit = answers.get(rows);
  if (hit && now < hit.until) return hit.text;
  const answer = boardAnswer(rows, now);
  answers.set(rows, answer);
  return answer.text;
}

/** The active Encounter.location entries of an Encounter version: place id -> [low, high) in epoch ms
 * (low: the start at its precision, or -Infinity; high: the end of the end's precision, or +Infinity) */
type ActivePeriods = Map<string, [number, number][]>;

/** What the board reads from a stored resource, kept by `Type/id` with the text it came from. A board polled
 * every few seconds sees the same versions again and again; a changed text (a new version) is parsed
 * again. Bounded; cleared when full. */
const parsedCache = new Map<string, { raw: string; value: unknown }>();
const PARSED_CACHE_MAX = 50_000;

function parsedOnce<T>(key: string, raw: string, read: (resource: never) => T): T {
  const hit = parsedCache.get(key);
  if (hit && hit.raw === raw) return hit.value as T;
  const value = read(JSON.parse(raw) as never);
  if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.clear();
  parsedCache.set(key, { raw, value });
  return value;
}

/** Location.operationalStatus (the bed status, v2 table 0116) as JSON text, as stored */
const operationalStatus = (id: string, raw: string): string | undefined =>
  parsedOnce(`Location/${id}`, raw, (l: Location) => (l.operationalStatus ? JSON.stringify(l.operationalStatus) : undefined));

const activePeriods = (id: string, raw: string): ActivePeriods => parsedOnce(`Encounter/${id}`, raw, periodsOf);

function periodsOf(e: Encounter): ActivePeriods {
  const periods: ActivePeriods = new Map();
  for (const l of e.location ?? []) {
    const place = l.status === 'active' ? locationId(l.location?.reference) : undefined;
    if (place === undefined) continue;
    const start = l.period?.start === undefined ? undefined : parseDateRange(l.period.start);
    const end = l.period?.end === undefined ? undefined : parseDateRange(l.period.end);
    const list = periods.get(place) ?? [];
    list.push([start ? Date.parse(start.low) : -Infinity, end ? Date.parse(end.high) : Infinity]);
    periods.set(place, list);
  }
  return periods;
}

/** The Location id of a relative reference as the index reads it (Location/[id], optionally versioned) */
function locationId(ref: string | undefined): string | undefined {
  const m = ref === undefined ? null : /^Location\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
  return m ? m[1] : undefined;
}

/** The Parameters text: stored JSON texts spliced in as they are */
export function boardJson(rows: BoardRows, now: number): string {
  return boardAnswer(rows, now).text;
}

/** The text, and until when it holds: the first start or end of an active period after `now` */
function boardAnswer(rows: BoardRows, now: number): { text: string; until: number } {
  let until = Infinity;
  const placeIds = new Set(rows.places.map((p) => p.id));
  const encountersAt = new Map<string, string[]>();
  const kept = new Map<string, string>();
  for (const e of rows.encounters) {
    if (!placeIds.has(e.place)) continue; // at the site itself, not at one of its places
    // an active entry for this place whose period covers now (start <= now < end, each at its precision)
    const periods = activePeriods(e.id, e.raw).get(e.place) ?? [];
    for (const [low, high] of periods) until = Math.min(until, low > now ? low : Infinity, high > now ? high : Infinity);
    if (!periods.some(([low, high]) => low <= now && now < high)) continue;
    kept.set(e.id, e.raw);
    let at = encountersAt.get(e.place);
    if (!at) encountersAt.set(e.place, (at = []));
    if (!at.includes(e.id)) at.push(e.id);
  }
  const patientsOf = new Map<string, string[]>();
  const patients = new Map<string, string>();
  for (const p of rows.patients) {
    if (!kept.has(p.encounter)) continue;
    patients.set(p.id, p.raw);
    let list = patientsOf.get(p.encounter);
    if (!list) patientsOf.set(p.encounter, (list = []));
    if (!list.includes(p.id)) list.push(p.id);
  }
  const out: string[] = [`{"name":"site","resource":${rows.site!.raw}}`];
  for (const place of rows.places) {
    const parts = [`{"name":"location","resource":${place.raw}}`];
    const status = operationalStatus(place.id, place.raw);
    if (status) parts.push(`{"name":"operationalStatus","valueCoding":${status}}`);
    const encounters = encountersAt.get(place.id) ?? [];
    for (const id of encounters) parts.push(reference('encounter', `Encounter/${id}`));
    const seen = new Set<string>();
    for (const id of encounters.flatMap((e) => patientsOf.get(e) ?? [])) {
      if (!seen.has(id)) parts.push(reference('patient', `Patient/${id}`));
      seen.add(id);
    }
    out.push(`{"name":"place","part":[${parts.join(',')}]}`);
  }
  for (const raw of kept.values()) out.push(`{"name":"encounter","resource":${raw}}`);
  for (const raw of patients.values()) out.push(`{"name":"patient","resource":${raw}}`);
  return { text: `{"resourceType":"Parameters","parameter":[${out.join(',')}]}`, until };
}

/** ids are [A-Za-z0-9-.], so a reference needs no escaping */
const reference = (name: string, ref: string): string => `{"name":"${name}","valueReference":{"reference":"${ref}"}}`;
