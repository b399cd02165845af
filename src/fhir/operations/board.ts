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
 * An Encounter is "now at" a place when Encounter.status is one of BOARD_ENCOUNTER_STATUSES (arrived,
 * triaged, in-progress, onleave) and it has an Encounter.location entry for the place with status active
 * whose period, when given, covers the moment of the request (start <= now < end, each at its precision).
 *
 * Why Parameters and not a Bundle: the board is a structure (which Encounter is at which bed), and a
 * collection Bundle would leave every client to rebuild it from references; Parameters keeps it, its parts
 * are named by the OperationDefinition, and each Encounter and Patient still appears once as a resource.
 *
 * Fast enough to poll: the store reads everything in one statement (src/store/sql/board.ts, through the
 * search parameter Encounter current-location); the answer is written as text around the stored JSON
 * (like search Bundles, ./../bundle/json.ts), so Locations, Encounters and Patients are never parsed or
 * re-serialised; only the Encounters are parsed, to check their location periods. Measured: bench/board.ts.
 */
import type { Encounter } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import { parseDateRange } from '../../search/date.ts';
import type { BoardRows } from '../../store/repository.ts';
import type { Handler } from '../context.ts';
import { OperationInput } from './params.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** The site's id from `Location/[id]`, `[id]`, or `[base]/Location/[id]` on this server */
export function siteIdOf(value: unknown, baseUrl: string): string {
  let ref = value;
  if (ref !== null && typeof ref === 'object' && typeof (ref as { reference?: unknown }).reference === 'string') ref = (ref as { reference: string }).reference;
  if (typeof ref !== 'string') throw new FhirError('FHIR_BOARD_SITE_NOT_LOCATION', { detail: 'a value that is neither a string nor a Reference with reference', expression: 'site' });
  const local = ref.startsWith(`${baseUrl}/`) ? ref.slice(baseUrl.length + 1) : ref;
  const parts = local.split('/');
  const id = parts.length === 2 && parts[0] === 'Location' ? parts[1] : parts.length === 1 ? parts[0] : undefined;
  if (id === undefined || !ID.test(id)) throw new FhirError('FHIR_BOARD_SITE_NOT_LOCATION', { detail: `'${ref}'`, expression: 'site' });
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
  return { status: 200, raw: boardJson(rows, new Date().toISOString()), headers: { 'cache-control': 'no-store' } };
};

/** Whether the Encounter has an active location entry for Location/`place` whose period covers `now` */
function isAt(e: Encounter, place: string, now: string): boolean {
  return (e.location ?? []).some((l) => {
    if (l.status !== 'active' || !sameLocation(l.location?.reference, place)) return false;
    const start = l.period?.start === undefined ? undefined : parseDateRange(l.period.start);
    const end = l.period?.end === undefined ? undefined : parseDateRange(l.period.end);
    return (start === undefined || start.low <= now) && (end === undefined || end.high > now);
  });
}

/** A relative reference as the index reads it: Location/[id], optionally with a version */
const sameLocation = (ref: string | undefined, id: string): boolean =>
  ref === `Location/${id}` || (ref !== undefined && ref.startsWith(`Location/${id}/_history/`));

/** The Parameters text: stored JSON texts spliced in as they are */
export function boardJson(rows: BoardRows, now: string): string {
  const placeIds = new Set(rows.places.map((p) => p.id));
  const parsed = new Map<string, Encounter>();
  const encountersAt = new Map<string, string[]>();
  const kept = new Map<string, string>();
  for (const e of rows.encounters) {
    if (!placeIds.has(e.place)) continue; // at the site itself, not at one of its places
    let enc = parsed.get(e.id);
    if (!enc) parsed.set(e.id, (enc = JSON.parse(e.raw) as Encounter));
    if (!isAt(enc, e.place, now)) continue;
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
  const status = new Map(rows.statuses.map((s) => [s.place, s]));
  const out: string[] = [`{"name":"site","resource":${rows.site!.raw}}`];
  for (const place of rows.places) {
    const parts = [`{"name":"location","resource":${place.raw}}`];
    const s = status.get(place.id);
    if (s) parts.push(`{"name":"operationalStatus","valueCoding":${JSON.stringify(s.system === null ? { code: s.code } : { system: s.system, code: s.code })}}`);
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
  return `{"resourceType":"Parameters","parameter":[${out.join(',')}]}`;
}

/** ids are [A-Za-z0-9-.], so a reference needs no escaping */
const reference = (name: string, ref: string): string => `{"name":"${name}","valueReference":{"reference":"${ref}"}}`;
