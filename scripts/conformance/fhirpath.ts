/**
 * `npm run conformance:fhirpath`: the official FHIRPath R4 test suite (937 tests in
 * ../shared/fhir-test-cases/fhirpath-r4/tests-fhir-r4.xml, the HL7 FHIRPath N1 suite for FHIR R4) against the
 * server's engine (src/fhir/fhirpath.ts: fhirpath.js with the R4 model) and, in the same run, against
 * @medplum/core's engine, the other candidate (DESIGN.md §4: "measure and choose").
 *
 * How a test is judged (the rules of the reference runners, e.g. org.hl7.fhir.core's FHIRPathTests):
 *   - the input is the test's `inputfile` (the JSON copy of the same example from fhirpath.js's test data), or
 *     nothing when the test names none;
 *   - `invalid="syntax|semantic|execution|true"`: the engine must raise an error (parse or evaluation);
 *   - otherwise the result must have as many items as there are <output> elements, in the same order (unless
 *     the test says ordered="false"), each of the expected type and value;
 *   - `predicate="true"`: the result is first reduced to a boolean (empty = false, one boolean = itself,
 *     anything else = true);
 *   - `mode="strict"` asks for semantic checking against the model (unknown element names are errors):
 *     neither engine does that, and the tests are counted as they come out.
 * <modeTest> elements (lenient-mode variants) are not part of the 937 and are not run.
 *
 * Output: a table per engine (passed / 937, and per group the failures), and every failing test of the
 * server's engine, with expected and actual values, in conformance-results/fhirpath-failures.md.
 * Flags: --engine=helsebro|medplum (only that one), --quiet (no group table).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { evalFhirPathTyped, toTypedValue, type TypedValue } from '@medplum/core';
import { OUT_DIR, ROOT, sharedDir } from './shared.ts';
import { compileFhirPath, fhirPathTypes, plainValues } from '../../src/fhir/fhirpath.ts';
import { checkFhirPath } from '../../src/fhir/fhirpath-check.ts';

const SUITE = sharedDir('conformance:fhirpath', 'fhir-test-cases', 'fhirpath-r4');

/** type '' = the test gives none (the LowBoundary/HighBoundary groups): the value alone decides */
interface Expected { type: string; value: string }
interface Case {
  group: string;
  name: string;
  input?: string;
  expression: string;
  invalid?: string;
  predicate: boolean;
  ordered: boolean;
  mode?: string;
  /** checkOrderedFunctions="true": order-dependent functions on unordered input are errors */
  checkOrdered: boolean;
  outputs: Expected[];
}
interface Item { type: string; value: string }
type Outcome = { ok: true; items: Item[] } | { ok: false; error: string };

// ---- the suite ----

type XmlNode = Record<string, unknown>;
const arr = (v: unknown): XmlNode[] => (v === undefined ? [] : Array.isArray(v) ? (v as XmlNode[]) : [v as XmlNode]);
const text = (n: XmlNode | undefined): string => String(n?.['#text'] ?? '');

function loadSuite(): Case[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    alwaysCreateTextNode: true,
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
  });
  const doc = parser.parse(readFileSync(join(SUITE, 'tests-fhir-r4.xml'), 'utf8')) as XmlNode;
  const cases: Case[] = [];
  for (const g of arr((doc.tests as XmlNode).group)) {
    for (const t of arr(g.test)) {
      const expr = arr(t.expression)[0];
      cases.push({
        group: String(g['@name']),
        name: String(t['@name'] ?? `${String(g['@name'])}#${cases.length}`),
        input: t['@inputfile'] as string | undefined,
        expression: text(expr).trim(),
        invalid: expr?.['@invalid'] as string | undefined,
        predicate: t['@predicate'] === 'true',
        ordered: t['@ordered'] !== 'false',
        mode: (t['@mode'] ?? expr?.['@mode']) as string | undefined,
        checkOrdered: t['@checkOrderedFunctions'] === 'true',
        outputs: arr(t.output).map((o) => ({ type: o['@type'] === undefined ? '' : String(o['@type']), value: text(o).trim() })),
      });
    }
  }
  return cases;
}

const inputs = new Map<string, unknown>();
function inputOf(file: string | undefined): unknown {
  if (file === undefined) return undefined;
  const json = file.replace(/\.xml$/, '.json');
  if (!inputs.has(json)) {
    const dir = file.endsWith('.xml') ? join(SUITE, 'fhirpath.js-json') : SUITE;
    inputs.set(json, JSON.parse(readFileSync(join(dir, json), 'utf8')));
  }
  return structuredClone(inputs.get(json));
}

// ---- engines: each returns the result items as (type, canonical text) ----

/** FHIRPath/FHIR type names to the names the suite's <output type> uses */
function typeName(t: string): string {
  const bare = t.replace(/^(System|FHIR)\./, '');
  if (t.startsWith('System.')) return bare === 'Quantity' ? 'Quantity' : bare.charAt(0).toLowerCase() + bare.slice(1);
  return bare;
}

function canonical(type: string, value: unknown): string {
  if (value !== null && typeof value === 'object' && 'value' in (value as object) && 'unit' in (value as object)) {
    const q = value as { value: unknown; unit?: string; code?: string };
    return `${String(q.value)} '${q.code ?? q.unit}'`;
  }
  const s = String(value);
  if (type === 'date' || type === 'dateTime') return `@${s}`;
  if (type === 'time') return `@T${s.replace(/^T/, '')}`;
  return s;
}

type Engine = (c: Case) => Outcome;

/** Engines throw Errors, strings and other values alike */
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** The server's engine: the semantic check against the R4 model first (src/fhir/fhirpath-check.ts), then evaluation */
const helsebro: Engine = (c) => {
  try {
    const input = inputOf(c.input);
    const type = (input as { resourceType?: string } | undefined)?.resourceType;
    const problems = type === undefined ? [] : checkFhirPath(c.expression, type, { orderedFunctions: c.checkOrdered });
    if (problems.length > 0) return { ok: false, error: `semantic: ${problems[0]}` };
    const results = compileFhirPath(c.expression)(input);
    const types = fhirPathTypes(results).map(typeName);
    const plain = plainValues(results);
    return { ok: true, items: plain.map((v, i) => ({ type: types[i] ?? typeof v, value: canonical(types[i] ?? '', v) })) };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
};

const MEDPLUM_VARS = (input: TypedValue | undefined): Record<string, TypedValue> => ({
  '%ucum': { type: 'uri', value: 'http://unitsofmeasure.org' },
  '%sct': { type: 'uri', value: 'http://snomed.info/sct' },
  '%loinc': { type: 'uri', value: 'http://loinc.org' },
  '%`vs-administrative-gender`': { type: 'uri', value: 'http://hl7.org/fhir/ValueSet/administrative-gender' },
  '%`ext-patient-birthTime`': { type: 'uri', value: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime' },
  ...(input ? { '%resource': input, '%context': input, '%rootResource': input } : {}),
});

const medplum: Engine = (c) => {
  try {
    const data = inputOf(c.input);
    const tv = data === undefined ? undefined : toTypedValue(data);
    const out = evalFhirPathTyped(c.expression, tv ? [tv] : [], MEDPLUM_VARS(tv));
    return { ok: true, items: out.map((v) => ({ type: v.type, value: canonical(v.type, v.value) })) };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
};

// ---- judging ----

/** The suite's types against what an engine reports: FHIR primitive subtypes count as their base */
const SAME_TYPE: Record<string, string[]> = {
  string: ['string', 'markdown', 'uri', 'url', 'canonical', 'oid', 'uuid', 'base64Binary', 'xhtml'],
  integer: ['integer', 'positiveInt', 'unsignedInt'],
  dateTime: ['dateTime', 'instant'],
  code: ['code'],
  id: ['id'],
};

function sameValue(type: string, expected: string, actual: string): boolean {
  const numeric = type === 'decimal' || type === 'integer' || (type === '' && /^[+-]?\d+(\.\d+)?$/.test(expected));
  if (numeric) return Number(expected) === Number(actual);
  if (type === 'Quantity') {
    const [ev, eu] = expected.split(' ');
    const [av, au] = actual.split(' ');
    return Number(ev) === Number(av) && eu === au;
  }
  return expected === actual;
}

function judge(c: Case, out: Outcome): string | undefined {
  if (c.invalid !== undefined) return out.ok ? `expected an error (${c.invalid}), got ${show(out.items)}` : undefined;
  if (!out.ok) return `error: ${out.error}`;
  let items = out.items;
  if (c.predicate) {
    const b = items.length === 0 ? false : items.length === 1 && items[0].type === 'boolean' ? items[0].value === 'true' : true;
    items = [{ type: 'boolean', value: String(b) }];
  }
  if (items.length !== c.outputs.length) return `expected ${c.outputs.length} item(s) ${showExpected(c.outputs)}, got ${show(items)}`;
  const rest = [...items];
  for (let i = 0; i < c.outputs.length; i++) {
    const want = c.outputs[i];
    const okType = (it: Item) => want.type === '' || it.type === want.type || (SAME_TYPE[want.type] ?? []).includes(it.type);
    const match = (it: Item) => okType(it) && sameValue(want.type, want.value, it.value);
    if (c.ordered) {
      if (!match(items[i])) return `item ${i}: expected ${want.type} ${want.value}, got ${items[i].type} ${items[i].value}`;
    } else {
      const k = rest.findIndex(match);
      if (k < 0) return `expected ${want.type} ${want.value} among ${show(items)}`;
      rest.splice(k, 1);
    }
  }
  return undefined;
}

const show = (items: Item[]): string => `[${items.map((i) => `${i.type} ${i.value}`).join(', ')}]`;
const showExpected = (o: Expected[]): string => `[${o.map((i) => `${i.type} ${i.value}`).join(', ')}]`;

// ---- run ----

const only = process.argv.find((a) => a.startsWith('--engine='))?.slice('--engine='.length);
const cases = loadSuite();
const engines: [string, Engine][] = ([['helsebro (fhirpath.js)', helsebro], ['medplum', medplum]] as [string, Engine][])
  .filter(([n]) => only === undefined || n.startsWith(only));
const failures = new Map<string, { c: Case; why: string }[]>();
for (const [name, engine] of engines) {
  const failed: { c: Case; why: string }[] = [];
  for (const c of cases) {
    const why = judge(c, engine(c));
    if (why !== undefined) failed.push({ c, why });
  }
  failures.set(name, failed);
}

if (!process.argv.includes('--quiet')) {
  const groups = [...new Set(cases.map((c) => c.group))];
  const bad = groups.filter((g) => engines.some(([n]) => failures.get(n)!.some((f) => f.c.group === g)));
  console.log(`| group | tests | ${engines.map(([n]) => `failed: ${n}`).join(' | ')} |`);
  console.log(`|---|---|${engines.map(() => '---').join('|')}|`);
  for (const g of bad) {
    const n = cases.filter((c) => c.group === g).length;
    console.log(`| ${g} | ${n} | ${engines.map(([e]) => failures.get(e)!.filter((f) => f.c.group === g).length).join(' | ')} |`);
  }
  console.log(`(groups where every engine passes every test are left out: ${groups.length - bad.length} of ${groups.length})`);
}
for (const [name] of engines) {
  const failed = failures.get(name)!.length;
  const passed = cases.length - failed;
  console.log(`conformance:fhirpath: ${name}: ${passed}/${cases.length} passed (${((100 * passed) / cases.length).toFixed(1)}%)`);
}

const [mainName] = engines[0];
mkdirSync(OUT_DIR, { recursive: true });
const file = join(OUT_DIR, 'fhirpath-failures.md');
const lines = [`# FHIRPath R4 tests failed by ${mainName} (npm run conformance:fhirpath)`, ''];
for (const { c, why } of failures.get(mainName)!) {
  lines.push(`- **${c.name}** (${c.group}${c.input ? `, ${c.input}` : ''}${c.mode ? `, mode=${c.mode}` : ''}): \`${c.expression.replace(/\s+/g, ' ')}\``, `  ${why}`);
}
writeFileSync(file, `${lines.join('\n')}\n`);
console.log(`conformance:fhirpath: failing tests of ${mainName} listed in ${file.slice(ROOT.length + 1)}`);
