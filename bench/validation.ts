/**
 * `node bench/validation.ts`: what the write-path structure check costs (src/fhir/validation), per layer.
 *
 * Layers: "ajv" = the compiled R4 JSON schema function alone (no nested dispatch, no reference or calendar
 * checks; for a Bundle each entry's resource is run through its own type's function); "schema" = the
 * ResourceValidator at level 'schema' (ajv + calendar + Resource.id + references, nested resources
 * dispatched); "full" = level 'full' (adds the base check against the R4 StructureDefinitions: cardinality,
 * choices, invariants; src/fhir/validation/structure-definitions.ts).
 * Inputs are synthetic (no patient data): a typical Norwegian Patient, an Observation with four references,
 * and a 10-entry transaction Bundle (Patient, Encounter, 8 Observations linked by urn:uuid).
 *
 * One-off costs come first and are only true in a fresh process: schema load + patch, first compile per type,
 * loading the R4 StructureDefinitions, the first base check of a type (its element tree). Steady state: warm-up, then the median of 5 rounds of ~0.4 s each.
 * Last, the validation issue's measure: the R4 example Patient against the no-basis Patient profile, ours beside
 * @medplum/core's validateResource with the same profile: the profile rules alone, with the structure layers,
 * the conformance checks alone, and $validate's whole check (validateResource, what profile enforcement and
 * `helsebro validate` run too). This VM's speed moves up to 2x between runs; the peer row, run in the same
 * process, is the yardstick to read the others by.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataType, validateResource as medplumValidate } from '@medplum/core';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { ResourceValidator } from '../src/fhir/validation/index.ts';
import { definitionsWith } from '../src/fhir/validation/definitions.ts';
import { validateProfile } from '../src/fhir/validation/profile.ts';
import { conformanceChecks, validateResource } from '../src/fhir/validation/conformance-checks.ts';
import { coreDefinitions, definitionStats, ensureDefinitionsIndexed } from '../src/fhir/validation/structure-definitions.ts';
import { structureStats, structureValidator } from '../src/fhir/validation/structure.ts';

const patient = {
  resourceType: 'Patient', id: 'pas-1', meta: { profile: ['http://hl7.no/fhir/StructureDefinition/no-basis-Patient'] },
  identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '13031353453' }],
  active: true,
  name: [{ use: 'official', family: 'Nordmann', given: ['Kari', 'Eva'] }],
  telecom: [{ system: 'phone', value: '+4799999999', use: 'mobile' }, { system: 'email', value: 'kari@example.no' }],
  gender: 'female', birthDate: '2013-03-13', _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '2013-03-13T08:15:00+01:00' }] },
  address: [{ use: 'home', line: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO', period: { start: '2013-03-13' } }],
  maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'U' }] },
  generalPractitioner: [{ reference: 'Practitioner/fastlege-7', display: 'Dr. Lege' }],
  managingOrganization: { reference: 'Organization/dms-3' },
};

const observation = (subject: string, encounter: string) => ({
  resourceType: 'Observation', status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: subject }, encounter: { reference: encounter },
  effectiveDateTime: '2024-05-02T10:15:00+02:00', issued: '2024-05-02T10:16:03.120+02:00',
  performer: [{ reference: 'Practitioner/fastlege-7' }, { reference: 'Organization/dms-3' }],
  valueQuantity: { value: 72, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
});

const uuid = (n: number) => `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const bundle = {
  resourceType: 'Bundle', type: 'transaction',
  entry: [
    { fullUrl: uuid(1), resource: { ...patient, id: undefined }, request: { method: 'POST', url: 'Patient' } },
    { fullUrl: uuid(2), resource: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: uuid(1) }, period: { start: '2024-05-02T10:00:00+02:00', end: '2024-05-02T11:00:00+02:00' } }, request: { method: 'POST', url: 'Encounter' } },
    ...Array.from({ length: 8 }, (_, i) => ({ fullUrl: uuid(3 + i), resource: observation(uuid(1), uuid(2)), request: { method: 'POST', url: 'Observation' } })),
  ],
};
delete (bundle.entry[0].resource as { id?: string }).id;

const schema = new ResourceValidator({ level: 'schema' });
const full = new ResourceValidator({ level: 'full' });

function ajvOnly(resource: any): void {
  const ok: boolean = structureValidator(resource.resourceType)(resource);
  if (!ok) throw new Error('ajv rejected the bench input');
  if (resource.resourceType === 'Bundle') for (const e of resource.entry) ajvOnly(e.resource);
}
const layer = (v: ResourceValidator) => (resource: unknown): void => {
  const issues = v.validate(resource).issues.filter((i) => i.severity === 'error');
  if (issues.length) throw new Error(`bench input rejected: ${JSON.stringify(issues)}`);
};

function timeOnce(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function steady(fn: () => void): number {
  for (let i = 0; i < 500; i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < 400) { for (let i = 0; i < 50; i++) fn(); n += 50; t = performance.now(); }
    rounds.push(((t - t0) * 1000) / n);
  }
  return rounds.sort((a, b) => a - b)[2];
}

// one-off costs, in the order a server meets them
const oneOff: [string, number][] = [];
oneOff.push(['first Patient check (schema load + compile + check)', timeOnce(() => layer(schema)(patient))]);
oneOff.push(['  of which schema load + patch', structureStats.schemaLoadMs]);
oneOff.push(['  of which compile Patient', structureStats.compileMs.get('Patient') ?? NaN]);
oneOff.push(['first Observation check (compile + check)', timeOnce(() => layer(schema)(observation('Patient/1', 'Encounter/2')))]);
oneOff.push(['  of which compile Observation', structureStats.compileMs.get('Observation') ?? NaN]);
oneOff.push(['first Bundle check (compile Bundle, Encounter + check)', timeOnce(() => layer(schema)(bundle))]);
oneOff.push(['R4 StructureDefinitions loaded (first full check)', timeOnce(() => coreDefinitions())]);
oneOff.push(['  as measured inside', definitionStats.loadMs]);
oneOff.push(['first full Patient check after loading (element trees built)', timeOnce(() => layer(full)(patient))]);

const inputs: [string, unknown, number][] = [
  ['Patient', patient, 1],
  ['Observation (4 refs)', observation('Patient/1', 'Encounter/2'), 1],
  ['transaction Bundle, 10 entries', bundle, 10],
];
const layers: [string, (r: unknown) => void][] = [['ajv', ajvOnly], ['schema', layer(schema)], ['full', layer(full)]];

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }).padStart(12);
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
console.log('one-off costs');
for (const [name, ms] of oneOff) console.log(`  ${pad(name, 58)}${num(ms)} ms`);
console.log('\nsteady state (median of 5 rounds)');
console.log(`  ${pad('input', 34)}${pad('layer', 8)}${'µs/validation'.padStart(14)}${'validations/s'.padStart(14)}${'µs/resource'.padStart(13)}`);
for (const [name, input, resources] of inputs) {
  for (const [lname, fn] of layers) {
    const us = steady(() => fn(input));
    console.log(`  ${pad(name, 34)}${pad(lname, 8)}${num(us).padStart(14)}${num(1e6 / us, 0).padStart(14)}${num(us / resources).padStart(13)}`);
  }
}

// ---- against a profile: the R4 example Patient and the no-basis Patient profile (slicing on identifier and
// extension, bindings), the issue's measure; beside it @medplum/core's validateResource with the same profile
// (given the IG Publisher's snapshot, which it needs), in the same process.
const SHARED = join(import.meta.dirname, '..', '..', 'shared');
const NO_BASIS = join(SHARED, 'no-basis', 'package-2.2.0-snapshots');
const EXAMPLE = join(SHARED, 'fhir-test-cases', 'bench', 'patient-example.json');
if (existsSync(NO_BASIS) && existsSync(EXAMPLE)) {
  const published = readdirSync(NO_BASIS).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(NO_BASIS, f), 'utf8')) as StructureDefinition).filter((r) => r.resourceType === 'StructureDefinition');
  const url = 'http://hl7.no/fhir/StructureDefinition/no-basis-Patient';
  // ours generates its snapshots from the differentials (the published ones are removed)
  const defs = definitionsWith(published.map((sd) => ({ ...sd, snapshot: undefined })));
  const sd = defs.structureDefinition(url)!;
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
  const profileOnly = () => {
    const errors = validateProfile(example, sd, defs).filter((i) => i.severity === 'error');
    if (errors.length) throw new Error(`bench input rejected by the profile: ${JSON.stringify(errors)}`);
  };
  const first = timeOnce(profileOnly);
  const withStructure = (v: ResourceValidator) => () => {
    layer(v)(example);
    profileOnly();
  };
  // what $validate, profile enforcement and `helsebro validate` run (src/fhir/validation/conformance-checks.ts)
  const conformanceOnly = () => {
    const errors = conformanceChecks(example, defs, { profiles: [url] }).filter((i) => i.severity === 'error');
    if (errors.length) throw new Error(`bench input rejected by the conformance checks: ${JSON.stringify(errors)}`);
  };
  const validateOnce = () => {
    const errors = validateResource(full, example, defs, { profiles: [url] }).issues.filter((i) => i.severity === 'error');
    if (errors.length) throw new Error(`bench input rejected by $validate's check: ${JSON.stringify(errors)}`);
  };
  // the peer's own set-up: @medplum/core's index of the R4 definitions (our validator no longer needs it)
  ensureDefinitionsIndexed();
  const medplumSd = published.find((p) => p.url === url)!;
  for (const p of published) if (p.snapshot) loadDataType(p);
  const medplum = () => void medplumValidate(example as never, { profile: medplumSd });
  console.log(`\nagainst a profile: ${EXAMPLE.slice(SHARED.length + 1)} (R4 example Patient) and ${url}`);
  console.log(`  first check (snapshot generated from the differential + element tree built) ${num(first)} ms`);
  console.log(`  ${pad('validator', 72)}${'µs/validation'.padStart(14)}${'validations/s'.padStart(14)}`);
  for (const [name, fn] of [
    ['Helsebro: profile rules only (src/fhir/validation/profile.ts)', profileOnly],
    ['Helsebro: schema layer + profile', withStructure(schema)],
    ['Helsebro: full layer + profile rules', withStructure(full)],
    ['Helsebro: conformanceChecks (profile, extensions, markdown, displays)', conformanceOnly],
    ["Helsebro: $validate's check (validateResource: full layer + conformanceChecks)", validateOnce],
    ['peer: @medplum/core validateResource(profile, published snapshot)', medplum],
  ] as [string, () => void][]) {
    const us = steady(fn);
    console.log(`  ${pad(name, 72)}${num(us).padStart(14)}${num(1e6 / us, 0).padStart(14)}`);
  }
  console.log('  target (validation issue): >= 5,000 validations/s of an R4 example Patient against a profile with slicing and bindings');
} else {
  console.log(`\nagainst a profile: skipped (no ${NO_BASIS} or ${EXAMPLE})`);
}
