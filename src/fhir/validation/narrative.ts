/**
 * The narrative rules the R4 invariants txt-1 and txt-2 state (https://hl7.org/fhir/R4/narrative.html#rules),
 * checked here because the deeper validator skips them: the XHTML SHALL NOT contain a head, a body, scripts,
 * forms, frames, iframes, objects, external stylesheets, base or link elements, or event attributes
 * (onClick...), and SHALL have some non-whitespace content (text, or an image).
 * The check reads the div as text (it is stored as written, src/fhir/xml): element and attribute names only.
 */
import type { Finding } from './structure.ts';
import { forEachObject, type ObjectVisitor } from './object-walk.ts';

const FORBIDDEN = new Set(['script', 'object', 'applet', 'embed', 'iframe', 'frame', 'frameset', 'form', 'input', 'button', 'select', 'textarea',
  'head', 'body', 'html', 'meta', 'link', 'base', 'style']);

const invariant = (key: string, detail: string, expression: string): Finding =>
  ({ code: 'FHIR_INVARIANT', severity: 'error', details: { detail: `${key}: ${detail}`, expression } });

/** The rule as a visitor of ./object-walk.ts: every resource's text.div */
export function narrativeVisitor(out: Finding[]): ObjectVisitor {
  return (o, path) => {
    if (typeof o.resourceType !== 'string') return;
    const div = (o.text as { div?: unknown } | undefined)?.div;
    if (typeof div === 'string') out.push(...checkDiv(div, `${path}.text.div`));
  };
}

export function checkNarratives(resource: unknown, at: string): Finding[] {
  const out: Finding[] = [];
  forEachObject(resource, at, [narrativeVisitor(out)]);
  return out;
}

function checkDiv(div: string, at: string): Finding[] {
  const out: Finding[] = [];
  const tags = [...div.matchAll(/<([A-Za-z][A-Za-z0-9:-]*)([^>]*)>/g)];
  const bad = [...new Set(tags.map((m) => m[1].toLowerCase().replace(/^.*:/, '')).filter((n) => FORBIDDEN.has(n)))];
  if (bad.length) out.push(invariant('txt-1', `the narrative contains ${bad.map((b) => `<${b}>`).join(', ')}, which narrative.html does not allow`, at));
  const events = [...new Set(tags.flatMap((m) => [...m[2].matchAll(/\s(on[a-z]+)\s*=/gi)].map((a) => a[1].toLowerCase())))];
  if (events.length) out.push(invariant('txt-1', `the narrative has event attributes (${events.join(', ')})`, at));
  if (/\s(href|src)\s*=\s*["']\s*javascript:/i.test(div)) out.push(invariant('txt-1', 'the narrative links to javascript:', at));
  const text = div.replace(/<[^>]*>/g, '').replace(/&nbsp;|&#160;|&#xa0;/gi, ' ');
  if (!/\S/.test(text) && !/<img[\s>]/i.test(div)) out.push(invariant('txt-2', 'the narrative SHALL have some non-whitespace content', at));
  return out;
}
