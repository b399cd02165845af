/**
 * FHIR XML -> the JSON form of the same resource (https://hl7.org/fhir/R4/xml.html, json.html):
 *   - the root element names the resource type, in the namespace http://hl7.org/fhir;
 *   - a primitive is `<name value="..."/>`; its id attribute and extension children become `_name` in JSON,
 *     and for a repeating primitive `name` and `_name` are arrays of equal length with nulls where one side
 *     has nothing;
 *   - Element.id and Extension.url are attributes; repeating elements become arrays, in document order;
 *   - a contained resource (and Bundle.entry.resource, Parameters.parameter.resource) is wrapped in an element
 *     named by its type;
 *   - Narrative.div is XHTML in its own namespace, kept as the exact text of the document.
 *
 * Parsing is fast-xml-parser (DESIGN.md §4) with entity processing off: a DOCTYPE is refused outright (no
 * DTDs, no external entities: XXE), and the five predefined entities and character references are decoded
 * here, once, so `&amp;#10;` stays the text `&#10;`.
 * Errors are FhirError FHIR_INVALID_XML (400) naming the element.
 *
 * Element order: xml.html requires the order of the definition, and a body out of order is refused. A reader
 * of conformance resources others published (profiles in a package, a test suite's supporting files) can ask
 * for `elementOrder: 'lenient'`: the content is read in document order, as the Java validator's parser does
 * when it loads definitions (it reports order only when validating an instance).
 */
import { XMLParser } from 'fast-xml-parser';
import { FhirError } from '../../errors/fhir-error.ts';
import { BOOLEAN_TYPE, NUMBER_TYPES, childrenKey, choiceName, elementsOf, isPrimitive, isResourceType, type ElementDef } from './model.ts';

export const FHIR_NS = 'http://hl7.org/fhir';
export const XHTML_NS = 'http://www.w3.org/1999/xhtml';

type XmlNode = Record<string, unknown>;
type Json = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  stopNodes: ['*.div'],
  commentPropName: '#comment',
});

const fail = (detail: string, expression?: string): never => {
  throw new FhirError('FHIR_INVALID_XML', { detail, ...(expression ? { expression } : {}) });
};

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The predefined entities and character references, decoded in one pass */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : fail(`bad character reference ${m}`);
    }
    return ENTITIES[e] ?? fail(`unknown entity ${m} (only the five XML entities are allowed)`);
  });
}

const tagOf = (n: XmlNode): string | undefined => Object.keys(n).find((k) => k !== ':@');
const attrsOf = (n: XmlNode): Record<string, string> => (n[':@'] as Record<string, string> | undefined) ?? {};
const localName = (tag: string): string => tag.slice(tag.indexOf(':') + 1);
const elementChildren = (n: XmlNode): XmlNode[] =>
  ((n[tagOf(n)!] as XmlNode[] | undefined) ?? []).filter((c) => {
    const t = tagOf(c);
    if (t === '#comment') return false;
    if (t === '#text') {
      if (String(c['#text']).trim() !== '') fail(`text outside a value attribute: '${String(c['#text']).trim().slice(0, 40)}'`);
      return false;
    }
    return true;
  });

export interface FromXmlOptions {
  /** 'strict' (default): an element out of the definition's order is an error; 'lenient': accepted */
  elementOrder?: 'strict' | 'lenient';
}

/** set for the duration of one (synchronous) parse */
let lenientOrder = false;

/** Parses a FHIR XML document into the JSON object of its resource */
export function fromXml(text: string, opts: FromXmlOptions = {}): Json {
  const outer = lenientOrder;
  lenientOrder = opts.elementOrder === 'lenient';
  try {
    return parseDocument(text);
  } finally {
    lenientOrder = outer;
  }
}

function parseDocument(text: string): Json {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) fail('a DOCTYPE or ENTITY declaration is not allowed in FHIR XML');
  let doc: XmlNode[];
  try {
    doc = parser.parse(text, true) as XmlNode[];
  } catch (e) {
    return fail(`not well-formed XML: ${(e as Error).message.split('\n')[0]}`);
  }
  const roots = doc.filter((n) => {
    const t = tagOf(n);
    return t !== undefined && t !== '#comment' && !(t === '#text' && String(n['#text']).trim() === '');
  });
  if (roots.length !== 1 || tagOf(roots[0])!.startsWith('#')) fail('expected exactly one root element');
  const root = roots[0];
  const ns = attrsOf(root).xmlns;
  if (ns !== FHIR_NS) fail(`the root element is not in the FHIR namespace ${FHIR_NS}${ns ? ` (found ${ns})` : ''}`);
  return resource(root, '');
}

function resource(node: XmlNode, at: string): Json {
  const type = localName(tagOf(node)!);
  if (!isResourceType(type)) fail(`'${type}' is not an R4 resource type`, at || type);
  const out: Json = { resourceType: type };
  fill(out, node, type, at ? `${at}.${type}` : type);
  return out;
}

/** Copies the attributes and child elements of `node` (an element of the type or backbone `key`) into `out` */
function fill(out: Json, node: XmlNode, key: string, path: string): void {
  const defs = elementsOf(key);
  if (!defs) return fail(`no definition for ${key}`, path);
  for (const [name, raw] of Object.entries(attrsOf(node))) {
    if (name === 'xmlns' || name.includes(':')) continue; // namespace declarations, xsi:schemaLocation
    const def = defs.find((d) => d.attribute && d.name === name);
    if (!def) fail(`unknown attribute '${name}'`, path);
    out[name] = decodeEntities(raw);
  }
  const seen = new Set<string>();
  let lastIndex = -1;
  for (const child of elementChildren(node)) {
    const tag = localName(tagOf(child)!);
    const found = match(defs, tag);
    if (!found) return fail(`unknown element '${tag}'`, `${path}.${tag}`);
    const { def, type } = found;
    const index = defs.indexOf(def);
    if (index < lastIndex && !lenientOrder) fail(`element '${tag}' is out of order (xml.html: elements appear in the order of the definition)`, `${path}.${tag}`);
    lastIndex = index;
    if (!def.array && seen.has(tag)) fail(`element '${tag}' repeats but is not a list`, `${path}.${tag}`);
    seen.add(tag);
    const at = `${path}.${tag}`;
    if (type === 'xhtml') put(out, tag, def, xhtml(child, at));
    else if (isPrimitive(type)) primitive(out, tag, def, type, child, at);
    else if (type === 'Resource') {
      const inner = elementChildren(child);
      if (inner.length !== 1) fail('expected one resource inside', at);
      put(out, tag, def, resource(inner[0], at));
    } else {
      const obj: Json = {};
      fill(obj, child, childrenKey(def, type), at);
      put(out, tag, def, obj);
    }
  }
  // a repeating primitive's value and extension arrays must line up: pad the shorter one with nulls
  for (const def of defs) {
    if (!def.array) continue;
    for (const name of def.choice ? def.types.map((t) => choiceName(def.name, t)) : [def.name]) {
      const v = out[name] as unknown[] | undefined;
      const x = out[`_${name}`] as unknown[] | undefined;
      if (!x) continue;
      if (v && v.every((e) => e === null)) delete out[name];
      if (x.every((e) => e === null)) delete out[`_${name}`];
    }
  }
}

function match(defs: ElementDef[], tag: string): { def: ElementDef; type: string } | undefined {
  for (const def of defs) {
    if (def.attribute) continue;
    // an element defined by contentReference (Questionnaire.item.item) has no type of its own
    if (!def.choice && def.name === tag) return { def, type: def.types[0] ?? 'BackboneElement' };
    if (def.choice && tag.startsWith(def.name)) {
      const type = def.types.find((t) => choiceName(def.name, t) === tag);
      if (type) return { def, type };
    }
  }
  return undefined;
}

function put(out: Json, name: string, def: ElementDef, value: unknown): void {
  if (!def.array) {
    out[name] = value;
    return;
  }
  const list = (out[name] as unknown[] | undefined) ?? (out[name] = []);
  (list as unknown[]).push(value);
}

function primitive(out: Json, name: string, def: ElementDef, type: string, node: XmlNode, at: string): void {
  const attrs = attrsOf(node);
  const extras: Json = {};
  for (const [a, raw] of Object.entries(attrs)) {
    if (a === 'value') continue;
    if (a === 'id') extras.id = decodeEntities(raw);
    else if (!a.startsWith('xmlns')) fail(`unknown attribute '${a}'`, at);
  }
  const extension: Json[] = [];
  for (const c of elementChildren(node)) {
    const tag = localName(tagOf(c)!);
    if (tag !== 'extension') fail(`a primitive has only extensions inside, found '${tag}'`, at);
    const e: Json = {};
    fill(e, c, 'Extension', `${at}.extension`);
    extension.push(e);
  }
  if (extension.length) extras.extension = extension;
  const raw = attrs.value;
  if (raw === undefined && !extras.id && !extension.length) fail('a primitive element needs a value or an extension', at);
  const value = raw === undefined ? null : typed(decodeEntities(raw), type, at);
  const hasExtras = Object.keys(extras).length > 0;
  if (!def.array) {
    if (value !== null) out[name] = value;
    if (hasExtras) out[`_${name}`] = extras;
    return;
  }
  const values = (out[name] as unknown[] | undefined) ?? [];
  const meta = (out[`_${name}`] as unknown[] | undefined) ?? values.map(() => null);
  values.push(value);
  meta.push(hasExtras ? extras : null);
  out[name] = values;
  if (hasExtras || out[`_${name}`]) out[`_${name}`] = meta;
}

function typed(value: string, type: string, at: string): string | number | boolean {
  if (type === BOOLEAN_TYPE) {
    if (value !== 'true' && value !== 'false') fail(`'${value}' is not a boolean`, at);
    return value === 'true';
  }
  if (NUMBER_TYPES.has(type)) {
    if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(value)) fail(`'${value}' is not a number`, at);
    return Number(value);
  }
  return value;
}

/** Narrative.div: the element as written, in the XHTML namespace */
function xhtml(node: XmlNode, at: string): string {
  const attrs = attrsOf(node);
  if (attrs.xmlns !== XHTML_NS) fail(`the div is not in the XHTML namespace ${XHTML_NS}`, at);
  const inner = ((node[tagOf(node)!] as XmlNode[] | undefined) ?? []).map((c) => String(c['#text'] ?? '')).join('');
  const attrText = Object.entries(attrs).map(([k, v]) => ` ${k}="${v}"`).join('');
  return `<div${attrText}>${inner}</div>`;
}
