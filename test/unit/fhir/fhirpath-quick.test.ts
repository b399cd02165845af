/**
 * The invariant fast path (src/fhir/fhirpath-quick.ts) against fhirpath.js (src/fhir/fhirpath.ts), which is the
 * reference here: on hand-picked cases of N1's three-valued logic (http://hl7.org/fhirpath/N1/#boolean-logic),
 * and as a differential over the base check of the R4 examples and validator cases in ../shared: the same
 * issues with the fast path on and off. Needs ../shared for the differential (skipped with the reason otherwise).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { compileFhirPath } from '../../../src/fhir/fhirpath.ts';
import { quickInvariant, quickOptions } from '../../../src/fhir/fhirpath-quick.ts';
import { checkDefinitions } from '../../../src/fhir/validation/structure-definitions.ts';

const SHARED = process.env.HELSEBRO_SHARED ?? fileURLToPath(new URL('../../../../shared/', import.meta.url));

/** fhirpath.js's verdict on an invariant: holds when the result is empty or all true */
function reference(expression: string, value: unknown, model?: string): boolean {
  const out = compileFhirPath(expression, model)(value, { resource: value, rootResource: value });
  return out.length === 0 || out.every((x) => x === true);
}

t.test('the subset agrees with fhirpath.js, and is used where it applies', async (t) => {
  const cases: [expression: string, value: unknown, model: string | undefined, answered: boolean][] = [
    ['dataAbsentReason.empty() or value.empty()', { valueString: 'x' }, 'Observation', true],
    ['dataAbsentReason.empty() or value.empty()', { valueString: 'x', dataAbsentReason: { text: 'n/a' } }, 'Observation', true],
    ['dataAbsentReason.empty() or value.empty()', { dataAbsentReason: { text: 'n/a' } }, 'Observation', true],
    ['value.empty() or system.exists()', { value: '123' }, 'ContactPoint', true],
    ['value.empty() or system.exists()', { value: '123', system: 'phone' }, 'ContactPoint', true],
    ['code.empty() or system.exists()', { value: 1, code: 'mg' }, 'Quantity', true],
    ['extension.exists() != value.exists()', { url: 'u', valueBoolean: true }, 'Extension', false], // != on Booleans: fhirpath.js
    ['name.exists() or telecom.exists() or address.exists() or organization.exists()', { gender: 'male' }, undefined, true],
    ['name.exists() or telecom.exists() or address.exists() or organization.exists()', { name: { family: 'N' } }, undefined, true],
    // short-circuit past what the subset does not evaluate
    ["reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))", { reference: 'Patient/1' }, undefined, true],
    ["reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))", { display: 'x' }, undefined, true],
    ["reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))", { reference: '#c1' }, undefined, false],
    ['start.hasValue().not() or end.hasValue().not() or (start <= end)', { start: '2020' }, 'Period', true],
    ['start.hasValue().not() or end.hasValue().not() or (start <= end)', { start: '2021', end: '2020' }, 'Period', false],
    // implies, xor, and with empty operands
    ['a.exists() implies b.exists()', { a: 1 }, undefined, true],
    ['a.exists() implies b.exists()', { b: 1 }, undefined, true],
    ['a implies b.exists()', {}, undefined, true],
    ['a.exists() xor b.exists()', { a: 1, b: 2 }, undefined, true],
    ['a.exists() and b', { a: 1 }, undefined, true],
    ['a.exists() and b', {}, undefined, true],
    ["status = 'final' or value.exists()", { status: 'final' }, undefined, true],
    ["status != 'final'", { status: 'final' }, undefined, true],
    ["status = 'final'", {}, undefined, true],
    ['a.count() > 1', { a: [1, 2] }, undefined, false],
    ["fullUrl.exists() implies fullUrl.contains('/_history/').not()", { fullUrl: 'http://x/Patient/1/_history/2' }, undefined, true],
    ["fullUrl.exists() implies fullUrl.contains('/_history/').not()", { fullUrl: 'urn:uuid:1' }, undefined, true],
    ["url.endsWith('/x')", { url: 'http://a/x' }, undefined, true],
    ["birthDate = '2020'", { birthDate: '2020' }, undefined, false], // perhaps a date: fhirpath.js
    ['where(x).empty()', {}, undefined, false],
    ['item.where(x = 1).empty()', {}, undefined, true],
    ['(a | b).empty()', {}, undefined, false],
  ];
  for (const [expression, value, model, answered] of cases) {
    const quick = quickInvariant(expression, value);
    t.equal(quick !== undefined, answered, `${expression} on ${JSON.stringify(value)}: answered by the subset`);
    if (quick !== undefined) t.equal(quick, reference(expression, value, model), `${expression} on ${JSON.stringify(value)}`);
  }
});

t.test('a choice found by its name without the type, and primitives with extensions left to fhirpath.js', async (t) => {
  t.equal(quickInvariant('value.exists()', { valueQuantity: { value: 1 } }), true);
  t.equal(quickInvariant('value.exists()', { _valueString: { extension: [] } }), undefined);
  t.equal(quickInvariant('family.exists()', { _family: { extension: [] } }), undefined);
  t.equal(quickInvariant('valueSet.exists()', { valueSet: 'http://x' }), true);
});

t.test('an expression outside the subset, or one that does not parse, is never guessed', async (t) => {
  for (const e of ['%resource.id.exists()', '$this.exists()', "@2020 = birthDate", 'name[0].exists()', 'Patient.name.exists()', 'a +', "'\\u00e5' = x"]) {
    t.equal(quickInvariant(e, { a: 1, name: [{}] }), undefined, e);
  }
  quickOptions.enabled = false;
  t.equal(quickInvariant('a.exists()', { a: 1 }), undefined, 'switched off');
  quickOptions.enabled = true;
});

t.test('the base check gives the same issues with the subset on and off (R4 examples and validator cases)', { skip: existsSync(SHARED) ? false : `no ${SHARED}` }, async (t) => {
  const files: string[] = [];
  for (const dir of ['fhir-test-cases/fhirpath-r4', 'fhir-test-cases/validator', 'fhir-test-cases/bench']) {
    const d = join(SHARED, dir);
    if (existsSync(d)) for (const f of readdirSync(d, { recursive: true }) as string[]) if (f.endsWith('.json') && !f.includes('manifest')) files.push(join(d, f));
  }
  // where fhirpath.js fails on an expression (ras-1 on a decimal: "ctx.getDecimal is not a function") the subset may
  // still answer; those warnings are not compared, only counted
  let engineFailures = 0;
  const judged = (issues: { severity: string; details: { detail?: string } }[]) => JSON.stringify(issues.filter((i) => {
    const failed = i.severity === 'warning' && / the invariant could not be evaluated: /.test(i.details.detail ?? '');
    if (failed) engineFailures++;
    return !failed;
  }));
  let compared = 0;
  let withIssues = 0;
  const differ: string[] = [];
  for (const f of files) {
    let r: unknown;
    try {
      r = JSON.parse(readFileSync(f, 'utf8'));
    } catch {
      continue;
    }
    if (!r || typeof r !== 'object' || typeof (r as { resourceType?: unknown }).resourceType !== 'string') continue;
    const res = r as Record<string, unknown>;
    quickOptions.enabled = false;
    const slow = judged(checkDefinitions(res) as never);
    quickOptions.enabled = true;
    const fast = judged(checkDefinitions(res) as never);
    compared++;
    if (slow !== '[]') withIssues++;
    if (slow !== fast) differ.push(`${f.slice(SHARED.length)}: ${slow} / ${fast}`);
  }
  t.comment(`${compared} resources compared, ${withIssues} with issues, ${engineFailures} invariants fhirpath.js could not evaluate`);
  t.ok(compared > 300, `${compared} resources`);
  t.same(differ, [], 'the same issues');
});
