// Contract: board(siteId), the rows of the room board Location/$board (src/store/repository.ts BoardRows;
// SQL: src/store/sql/board.ts, memory: src/store/memory/board.ts). Location.partOf at any depth
// (https://hl7.org/fhir/R4/location-definitions.html#Location.partOf); an Encounter is a candidate for a
// place when it has an active Encounter.location entry there and Encounter.status arrived, triaged, in-progress
// or onleave (https://hl7.org/fhir/R4/valueset-encounter-status.html): the search parameter current-location.
// Periods are the operation's to check, so an active entry with any period is a row here. Synthetic data.
import type { Test } from 'tap';
import type { Resource } from '@medplum/fhirtypes';
import { open, type Factory } from './contract-helpers.ts';

const V2_0116 = 'http://terminology.hl7.org/CodeSystem/v2-0116';
const loc = (id: string, partOf?: string, status?: string) => ({
  resourceType: 'Location', id, name: id, ...(status ? { operationalStatus: { system: V2_0116, code: status } } : {}),
  ...(partOf ? { partOf: { reference: `Location/${partOf}` } } : {}),
}) as Resource;
const enc = (id: string, status: string, subject: string, ...at: [string, string][]) => ({
  resourceType: 'Encounter', id, status, class: { code: 'IMP' }, subject: { reference: `Patient/${subject}` },
  location: at.map(([l, s]) => ({ location: { reference: `Location/${l}` }, status: s, period: { start: '2020-01-01', end: '2020-01-02' } })),
}) as Resource;
const pat = (id: string) => ({ resourceType: 'Patient', id, name: [{ family: id }] }) as Resource;

export function boardContract(t: Test, name: string, factory: Factory): void {
  t.test(`${name}: board rows: the partOf tree under a site, its current Encounters and their Patients`, async (t) => {
    const repo = await open(t, factory);
    for (const r of [loc('site'), loc('ward', 'site'), loc('room', 'ward'), loc('bed1', 'room', 'O'), loc('bed2', 'room', 'U'), loc('other'), loc('bedx', 'other', 'O')]) await repo.update(r);
    for (const r of [pat('pa'), pat('pb'), pat('pc')]) await repo.update(r);
    for (const r of [
      enc('e1', 'in-progress', 'pa', ['bed1', 'active']),
      enc('e2', 'planned', 'pb', ['bed2', 'active']),
      enc('e3', 'finished', 'pb', ['bed2', 'completed']),
      enc('e4', 'arrived', 'pb', ['bed1', 'completed'], ['bed2', 'active'], ['room', 'active']),
      enc('e5', 'in-progress', 'pc', ['bedx', 'active']),
    ]) await repo.update(r);
    const b = await repo.board('site');
    t.equal(b.site?.id, 'site');
    t.equal(b.site?.raw, (await repo.read('Location', 'site')).raw, 'the stored JSON');
    t.same(b.places.map((p) => p.id), ['bed1', 'bed2', 'room', 'ward'], 'by id, the site itself and the other site left out');
    t.equal(b.places[0].raw, (await repo.read('Location', 'bed1')).raw);
    t.same(b.encounters.map((e) => [e.id, e.place]), [['e1', 'bed1'], ['e4', 'bed2'], ['e4', 'room']], 'one row per Encounter and active place; planned and finished are not there');
    t.same(b.patients.map((p) => [p.id, p.encounter]), [['pa', 'e1'], ['pb', 'e4'], ['pb', 'e4']], 'one row per Patient and Encounter row');
    t.equal(b.patients[0].raw, (await repo.read('Patient', 'pa')).raw);

    await repo.delete('Location', 'room');
    await repo.delete('Patient', 'pa');
    const after = await repo.board('site');
    t.same(after.places.map((p) => p.id), ['ward'], 'the beds hang under a deleted room');
    t.same([after.encounters, after.patients], [[], []]);
    const none = await repo.board('nowhere');
    t.same(none, { places: [], encounters: [], patients: [] }, 'an unknown site: no site and no rows');
    await repo.delete('Location', 'site');
    t.equal((await repo.board('site')).site, undefined, 'a deleted site');
  });

  t.test(`${name}: board inside a transaction sees its own writes (http.html#transaction)`, async (t) => {
    const repo = await open(t, factory);
    await repo.update(loc('site'));
    const inside = await repo.withTransaction(async (tx) => {
      await tx.update(loc('bed', 'site', 'O'));
      await tx.update(pat('pa'));
      await tx.update(enc('e1', 'in-progress', 'pa', ['bed', 'active']));
      return tx.board('site');
    });
    t.same([inside.places.map((p) => p.id), inside.encounters.map((e) => e.id), inside.patients.map((p) => p.id)], [['bed'], ['e1'], ['pa']]);
  });
}
