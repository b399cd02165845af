/**
 * The DMS room board, Location/$board (src/fhir/operations/board.ts; our OperationDefinition
 * profiles/local/OperationDefinition-Location-board.json), on the memory store and on SQLite.
 * Expected values follow R4: a place is a Location reachable through Location.partOf
 * (https://hl7.org/fhir/R4/location-definitions.html#Location.partOf); an Encounter is at a place when its
 * Encounter.location entry for it is active ("the patient is currently at this location, or was between
 * the period specified": encounter-location-status) with a period covering now, and Encounter.status says the
 * patient is there (arrived, triaged, in-progress, onleave; not planned, finished: valueset-encounter-status).
 * Bed status codes are v2 table 0116 (O occupied, U unoccupied, K contaminated). Synthetic data only.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { call, errorCode, makeApp } from './helpers.ts';

const V2_0116 = 'http://terminology.hl7.org/CodeSystem/v2-0116';
const PHYS = 'http://terminology.hl7.org/CodeSystem/location-physical-type';

const location = (id: string, type: string, partOf?: string, bedStatus?: string) => ({
  resourceType: 'Location', id, status: 'active', name: `Sted ${id}`,
  physicalType: { coding: [{ system: PHYS, code: type }] },
  ...(bedStatus ? { operationalStatus: { system: V2_0116, code: bedStatus } } : {}),
  ...(partOf ? { partOf: { reference: `Location/${partOf}` } } : {}),
});
const patient = (id: string, family: string) => ({ resourceType: 'Patient', id, name: [{ family, given: ['Test'] }] });
const at = (place: string, status: string, period?: { start?: string; end?: string }) => ({ location: { reference: `Location/${place}` }, status, ...(period ? { period } : {}) });
const encounter = (id: string, status: string, subject: string, location: unknown[]) => ({
  resourceType: 'Encounter', id, status, class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
  subject: { reference: `Patient/${subject}` }, location,
});

const PAST = '2020-01-01T08:00:00+01:00';
const PAST_END = '2020-01-02T08:00:00+01:00';
const FUTURE = '2999-01-01T08:00:00+01:00';

async function put(app: FastifyInstance, r: { resourceType: string; id: string }) {
  const res = await call(app, { method: 'PUT', url: `/fhir/${r.resourceType}/${r.id}`, body: r });
  if (res.statusCode >= 300) throw new Error(`${r.resourceType}/${r.id}: ${res.statusCode} ${res.body}`);
}

/** site s (si) > ward w (wa) > rooms r1, r2 (ro) > beds b1, b2 (under r1), b3 (under r2); dialysis
 * station d1 directly under the site; a second site s2 with bed x1 */
async function seed(app: FastifyInstance) {
  for (const l of [
    location('s', 'si'), location('w', 'wa', 's'), location('r1', 'ro', 'w'), location('r2', 'ro', 'w'),
    location('b1', 'bd', 'r1', 'O'), location('b2', 'bd', 'r1', 'U'), location('b3', 'bd', 'r2', 'K'), location('d1', 'area', 's', 'O'),
    location('s2', 'si'), location('x1', 'bd', 's2', 'O'),
  ]) await put(app, l);
  for (const p of [patient('p1', 'Nordmann'), patient('p2', 'Fjell'), patient('p3', 'Strand'), patient('p4', 'Havbakken')]) await put(app, p);
  for (const e of [
    encounter('e1', 'in-progress', 'p1', [at('b1', 'active', { start: PAST })]),
    encounter('e2', 'finished', 'p2', [at('b2', 'completed', { start: PAST, end: PAST_END })]),
    encounter('e3', 'planned', 'p3', [at('b3', 'planned')]),
    // moved from b3 to the dialysis station
    encounter('e4', 'in-progress', 'p2', [at('b3', 'completed', { start: PAST, end: PAST_END }), at('d1', 'active', { start: PAST_END })]),
    // active entry whose period has ended, and one that has not begun
    encounter('e5', 'in-progress', 'p3', [at('b2', 'active', { start: PAST, end: PAST_END })]),
    encounter('e6', 'in-progress', 'p4', [at('b2', 'active', { start: FUTURE })]),
    // another site's bed
    encounter('e7', 'arrived', 'p4', [at('x1', 'active')]),
    // on leave, bed kept: p1 is on the board twice, returned once
    encounter('e8', 'onleave', 'p1', [at('r2', 'active')]),
  ]) await put(app, e);
}

interface Place { location: any; status?: any; encounters: string[]; patients: string[] }

/** The answer as plain data: site id, places by id, and the encounter and patient resources' ids */
function board(res: { json: () => any }) {
  const params: any[] = res.json().parameter;
  const places = new Map<string, Place>();
  for (const p of params.filter((x) => x.name === 'place')) {
    const part = (n: string) => p.part.filter((x: any) => x.name === n);
    const loc = part('location')[0].resource;
    places.set(loc.id, {
      location: loc,
      status: part('operationalStatus')[0]?.valueCoding,
      encounters: part('encounter').map((x: any) => x.valueReference.reference),
      patients: part('patient').map((x: any) => x.valueReference.reference),
    });
  }
  return {
    site: params.filter((x) => x.name === 'site').map((x) => x.resource.id),
    places,
    encounters: params.filter((x) => x.name === 'encounter').map((x) => x.resource.id),
    patients: params.filter((x) => x.name === 'patient').map((x) => x.resource.id),
    names: params.map((x) => x.name),
  };
}

const STORES = [{ name: 'memory', opts: {} }, { name: 'sqlite', opts: { store: { kind: 'sqlite' as const, file: ':memory:' } } }];

for (const { name, opts } of STORES) {
  t.test(`${name}: every place under the site with its status, current Encounters and patients`, async (t) => {
    const app = await makeApp(t, opts);
    await seed(app);
    const res = await call(app, { url: '/fhir/Location/$board?site=Location/s' });
    t.equal(res.statusCode, 200, res.body);
    const b = board(res);
    t.same(b.site, ['s'], 'the site, once');
    t.same([...b.places.keys()], ['b1', 'b2', 'b3', 'd1', 'r1', 'r2', 'w'], 'ward, rooms, beds (partOf two levels down) and the station, by id; not the other site');
    t.same(b.places.get('b1')!.status, { system: V2_0116, code: 'O' }, 'operationalStatus of b1');
    t.same(b.places.get('b3')!.status, { system: V2_0116, code: 'K' });
    t.equal(b.places.get('w')!.status, undefined, 'a ward without operationalStatus has none');
    t.equal(b.places.get('b1')!.location.partOf.reference, 'Location/r1', 'the stored Location as it is');
    t.same([b.places.get('b1')!.encounters, b.places.get('b1')!.patients], [['Encounter/e1'], ['Patient/p1']], 'in-progress, active since the past');
    t.same(b.places.get('b2')!.encounters, [], 'finished (e2), active period ended (e5) and not begun (e6): nobody');
    t.same(b.places.get('b3')!.encounters, [], 'planned (e3) and moved away (e4 completed here)');
    t.same([b.places.get('d1')!.encounters, b.places.get('d1')!.patients], [['Encounter/e4'], ['Patient/p2']], 'e4 moved to the station');
    t.same([b.places.get('r2')!.encounters, b.places.get('r2')!.patients], [['Encounter/e8'], ['Patient/p1']], 'onleave keeps the place');
    t.same(b.encounters, ['e1', 'e4', 'e8'], 'each current Encounter once');
    t.same(b.patients, ['p1', 'p2'], 'p1 is at two places and returned once');
    t.same(b.names.slice(0, 1), ['site'], 'site first');
    t.same(b.names.slice(-5), ['encounter', 'encounter', 'encounter', 'patient', 'patient'], 'then places, encounters, patients');

    const same = await call(app, { url: '/fhir/Location/$board?site=s' });
    t.same(board(same).encounters, b.encounters, 'a bare id names the same site');
    const absolute = await call(app, { url: '/fhir/Location/$board?site=http://test/fhir/Location/s' });
    t.equal(absolute.statusCode, 200, 'this server\'s absolute URL of the site');
    const post = await call(app, { method: 'POST', url: '/fhir/Location/$board', body: { resourceType: 'Parameters', parameter: [{ name: 'site', valueReference: { reference: 'Location/s' } }] } });
    t.same(board(post).encounters, b.encounters, 'POST with a valueReference');
    const other = board(await call(app, { url: '/fhir/Location/$board?site=Location/s2' }));
    t.same([[...other.places.keys()], other.encounters, other.patients], [['x1'], ['e7'], ['p4']], 'the other site: arrived counts');
  });

  t.test(`${name}: a move, a discharge and deletes show on the next board`, async (t) => {
    const app = await makeApp(t, opts);
    await seed(app);
    // e4 leaves the station for bed b2
    await put(app, encounter('e4', 'in-progress', 'p2', [at('d1', 'completed', { start: PAST, end: PAST_END }), at('b2', 'active', { start: PAST_END })]));
    // e1 is discharged
    await put(app, encounter('e1', 'finished', 'p1', [at('b1', 'completed', { start: PAST, end: PAST_END })]));
    let b = board(await call(app, { url: '/fhir/Location/$board?site=Location/s' }));
    t.same(b.places.get('d1')!.encounters, [], 'the station is empty');
    t.same(b.places.get('b2')!.encounters, ['Encounter/e4'], 'e4 is in b2');
    t.same(b.places.get('b1')!.encounters, [], 'b1 after discharge');
    t.same([b.encounters, b.patients], [['e4', 'e8'], ['p1', 'p2']]);

    t.equal((await call(app, { method: 'DELETE', url: '/fhir/Encounter/e8' })).statusCode, 204);
    t.equal((await call(app, { method: 'DELETE', url: '/fhir/Location/b3' })).statusCode, 204);
    t.equal((await call(app, { method: 'DELETE', url: '/fhir/Location/r1' })).statusCode, 204);
    b = board(await call(app, { url: '/fhir/Location/$board?site=Location/s' }));
    t.same([...b.places.keys()], ['d1', 'r2', 'w'], 'a deleted Location is gone, and the beds that hung only under the deleted room r1');
    t.same([b.encounters, b.patients], [[], []], 'e4 hangs under the deleted room, e8 is deleted');
  });

  t.test(`${name}: a partOf cycle through the site ends`, async (t) => {
    const app = await makeApp(t, opts);
    await seed(app);
    await put(app, location('s2', 'si', 'x1'));
    const b = board(await call(app, { url: '/fhir/Location/$board?site=Location/s2' }));
    t.same([b.site, [...b.places.keys()]], [['s2'], ['x1']], 'the site is not its own place');
  });

  t.test(`${name}: coded errors`, async (t) => {
    const app = await makeApp(t, opts);
    await seed(app);
    const cases: [string, number, string][] = [
      ['/fhir/Location/$board', 400, 'FHIR_BOARD_SITE_REQUIRED'],
      ['/fhir/Location/$board?site=', 400, 'FHIR_BOARD_SITE_REQUIRED'],
      ['/fhir/Location/$board?site=Patient/p1', 400, 'FHIR_BOARD_SITE_NOT_LOCATION'],
      ['/fhir/Location/$board?site=http://elsewhere/fhir/Location/s', 400, 'FHIR_BOARD_SITE_NOT_LOCATION'],
      ['/fhir/Location/$board?site=Location/a%20b', 400, 'FHIR_BOARD_SITE_NOT_LOCATION'],
      ['/fhir/Location/$board?site=Location/nowhere', 404, 'FHIR_BOARD_SITE_UNKNOWN'],
      ['/fhir/Location/$board?site=Location/b1', 200, ''],
      ['/fhir/Location/s/$board?site=Location/s', 404, 'FHIR_OPERATION_UNKNOWN'],
      ['/fhir/Patient/$board?site=Location/s', 404, 'FHIR_OPERATION_UNKNOWN'],
    ];
    for (const [url, status, code] of cases) {
      const res = await call(app, { url });
      t.equal(res.statusCode, status, url);
      if (code) t.equal(errorCode(res), code, url);
    }
    const both = await call(app, { method: 'POST', url: '/fhir/Location/$board?site=s', body: { resourceType: 'Parameters', parameter: [{ name: 'site', valueString: 's' }] } });
    t.equal(errorCode(both), 'FHIR_PARAM_INVALID', 'site in the URL and the body');
    t.equal((await call(app, { method: 'DELETE', url: '/fhir/Location/s' })).statusCode, 204);
    t.equal(errorCode(await call(app, { url: '/fhir/Location/$board?site=Location/s' })), 'FHIR_BOARD_SITE_UNKNOWN', 'a deleted site');
  });
}

t.test('sqlite: a kept board is never staler than the last COMMIT, nor than the clock (a period ending while nobody writes)', async (t) => {
  const app = await makeApp(t, { store: { kind: 'sqlite', file: ':memory:' } });
  await seed(app);
  const url = '/fhir/Location/$board?site=Location/s';
  const first = await call(app, { url });
  t.equal((await call(app, { url })).body, first.body, 'unchanged data: the same answer');
  await put(app, encounter('e9', 'in-progress', 'p3', [at('b2', 'active', { start: PAST, end: new Date(Date.now() + 1500).toISOString() })]));
  t.same(board(await call(app, { url })).places.get('b2')!.encounters, ['Encounter/e9'], 'the write shows at once');
  await new Promise((r) => setTimeout(r, 1600));
  t.same(board(await call(app, { url })).places.get('b2')!.encounters, [], 'its period ended without a write: gone');
});

t.test('XML: the same Parameters, written from the JSON', async (t) => {
  const app = await makeApp(t);
  await seed(app);
  const res = await call(app, { url: '/fhir/Location/$board?site=Location/s', headers: { accept: 'application/fhir+xml' } });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /application\/fhir\+xml/);
  t.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?><Parameters xmlns="http:\/\/hl7.org\/fhir">/);
  t.equal(res.body.match(/<name value="place"\/>/g)?.length, 7, 'seven places');
  t.match(res.body, /<resource><Encounter><id value="e1"\/>/);
});

t.test('the CapabilityStatement lists $board on Location with our OperationDefinition', async (t) => {
  const app = await makeApp(t);
  const cs = (await call(app, { url: '/fhir/metadata' })).json();
  const ops = cs.rest[0].resource.find((r: any) => r.type === 'Location').operation;
  t.same(ops.find((o: any) => o.name === 'board'), { name: 'board', definition: 'https://helsebro.no/fhir/OperationDefinition/Location-board' });
  const enc = cs.rest[0].resource.find((r: any) => r.type === 'Encounter').searchParam.find((p: any) => p.name === 'current-location');
  t.ok(enc, 'Encounter current-location is a search parameter');
});

t.test('Encounter?current-location searches the same rows', async (t) => {
  const app = await makeApp(t);
  await seed(app);
  const ids = (await call(app, { url: '/fhir/Encounter?current-location=Location/b2' })).json().entry?.map((e: any) => e.resource.id) ?? [];
  t.same(ids.sort(), ['e5', 'e6'], 'active entries of in-progress Encounters, whatever their period (the board checks that); e2 finished, its entry completed');
});
