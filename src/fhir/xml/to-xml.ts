/**
 * The JSON form of a resource -> FHIR XML (https://hl7.org/fhir/R4/xml.html), the inverse of ./from-xml.ts:
 * elements in definition order, primitives as `value` attributes with `_name` id/extensions merged back in,
 * Element.id and Extension.url as attributes, resources wrapped in an element named by their type, and
 * Narrative.div written as the XHTML text it holds.
 *
 * Attribute values escape &, <, > and ", and also tab, line feed and carriage return as character references:
 * an XML parser normalises those to spaces in attributes (XML 1.0 §3.3.3), and markdown and string values
 * would not survive the round trip otherwise.
 * A JSON property the definitions do not know cannot be written: FHIR_INVALID_XML names it (stored resources
 * have passed validation, so this means a bug, not a client error).
 */
import { FhirError } from '../../errors/fhir-error.ts';
import { FHIR_NS } from './from-xml.ts';
import { childrenKey, choiceName, elementsOf, isPrimitive, type ElementDef } from './model.ts';

type Json = Record<string, unknown>;

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };
const attr = (v: unknown): string => String(v).replace(/[&<>"\t\n\r]/g, (c) => ESC[c]);

/** A resource (a parsed JSON object) as an XML document */
export function toXml(resource: Json, opts: { pretty?: boolean } = {}): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeResource(out, resource, true);
  const xml = out.join('');
  return opts.pretty ? indent(xml) : xml;
}

function writeResource(out: string[], r: Json, root: boolean): void {
  const type = r.resourceType;
  if (typeof type !== 'string' || !elementsOf(type)) {
    throw new FhirError('FHIR_INVALID_XML', { detail: `cannot write '${String(type)}' as a resource` });
  }
  out.push(`<${type}${root ? ` xmlns="${FHIR_NS}"` : ""}>`);
  writeChildren(out, r, type, type);
  out.push(`</${type}>`);
}

/** The attributes of an element of `key`, as text to put in its start tag */
function attributes(obj: Json, key: string): string {
  let s = '';
  for (const def of elementsOf(key) ?? []) if (def.attribute && obj[def.name] !== undefined) s += ` ${def.name}="${attr(obj[def.name])}"`;
  return s;
}

function writeChildren(out: string[], obj: Json, key: string, path: string): void {
  const defs = elementsOf(key)!;
  const known = new Set<string>(['resourceType']);
  for (const def of defs) {
    if (def.attribute) {
      known.add(def.name);
      continue;
    }
    for (const [name, type] of namesOf(def)) {
      known.add(name);
      known.add(`_${name}`);
      const value = obj[name];
      const extra = obj[`_${name}`];
      if (value === undefined && extra === undefined) continue;
      const values = def.array ? (Array.isArray(value) ? value : value === undefined ? [] : [value]) : [value];
      const extras = def.array ? (Array.isArray(extra) ? extra : []) : [extra];
      const n = Math.max(values.length, extras.length);
      for (let i = 0; i < n; i++) writeElement(out, name, def, type, values[i], extras[i] as Json | null | undefined, `${path}.${name}`);
    }
  }
  for (const k of Object.keys(obj)) {
    if (!known.has(k)) throw new FhirError('FHIR_INVALID_XML', { detail: `no XML form for the property '${k}'`, expression: `${path}.${k}` });
  }
}

/** [json name, type] pairs an element may appear as */
function namesOf(def: ElementDef): [string, string][] {
  return def.choice ? def.types.map((t) => [choiceName(def.name, t), t]) : [[def.name, def.types[0] ?? 'BackboneElement']];
}

function writeElement(out: string[], name: string, def: ElementDef, type: string, value: unknown, extra: Json | null | undefined, path: string): void {
  if (type === 'xhtml') {
    out.push(String(value));
    return;
  }
  if (isPrimitive(type)) {
    const id = extra?.id !== undefined ? ` id="${attr(extra.id)}"` : '';
    const v = value === undefined || value === null ? '' : ` value="${attr(value)}"`;
    const ext = extra?.extension as Json[] | undefined;
    if (!ext?.length) {
      out.push(`<${name}${id}${v}/>`);
      return;
    }
    out.push(`<${name}${id}${v}>`);
    for (const e of ext) {
      out.push(`<extension${attributes(e, 'Extension')}>`);
      writeChildren(out, e, 'Extension', `${path}.extension`);
      out.push('</extension>');
    }
    out.push(`</${name}>`);
    return;
  }
  if (value === null || typeof value !== 'object') {
    throw new FhirError('FHIR_INVALID_XML', { detail: `expected an object for ${name}`, expression: path });
  }
  if (type === 'Resource') {
    out.push(`<${name}>`);
    writeResource(out, value as Json, false);
    out.push(`</${name}>`);
    return;
  }
  const key = childrenKey(def, type);
  out.push(`<${name}${attributes(value as Json, key)}>`);
  writeChildren(out, value as Json, key, path);
  out.push(`</${name}>`);
}

/** Two-space indentation between tags, leaving the XHTML of a div as it is (_pretty=true) */
function indent(xml: string): string {
  const out: string[] = [];
  let depth = 0;
  let i = 0;
  while (i < xml.length) {
    if (xml.startsWith('<div', i)) {
      const end = closingDiv(xml, i);
      out.push(`${'  '.repeat(depth)}${xml.slice(i, end)}`);
      i = end;
      continue;
    }
    const close = xml.indexOf('>', i) + 1;
    const tag = xml.slice(i, close);
    if (tag.startsWith('</')) depth--;
    out.push(`${'  '.repeat(Math.max(depth, 0))}${tag}`);
    if (!tag.startsWith('</') && !tag.endsWith('/>') && !tag.startsWith('<?')) depth++;
    i = close;
  }
  return out.join('\n');
}

/** The index just past the </div> that closes the div starting at `start` (divs nest inside XHTML) */
function closingDiv(xml: string, start: number): number {
  let depth = 0;
  const re = /<div[\s>/]|<\/div>/g;
  re.lastIndex = start;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[0].startsWith('</')) {
      depth--;
      if (depth === 0) return m.index + 6;
    } else if (!xml.slice(m.index, xml.indexOf('>', m.index) + 1).endsWith('/>')) depth++;
  }
  return xml.length;
}
