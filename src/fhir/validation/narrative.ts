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

const TAG = /<([A-Za-z][A-Za-z0-9:-]*)([^>]*)>/g;
const EVENT = /\s(on[a-z]+)\s*=/gi;
/** The entities narrative.html's "non-whitespace content" does not count */
const SPACE_ENTITIES = ['&nbsp;', '&#160;', '&#xa0;'];

/** One pass over the tags (run on every write: the div is often the largest string of a resource) */
function checkDiv(div: string, at: string): Finding[] {
  const out: Finding[] = [];
  let bad: Set<string> | undefined;
  let events: Set<string> | undefined;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(div); m; m = TAG.exec(div)) {
    const colon = m[1].lastIndexOf(':');
    const name = (colon >= 0 ? m[1].slice(colon + 1) : m[1]).toLowerCase();
    if (FORBIDDEN.has(name)) (bad ??= new Set()).add(name);
    const attrs = m[2];
    if (attrs.length > 3 && /\son/i.test(attrs)) for (const a of attrs.matchAll(EVENT)) (events ??= new Set()).add(a[1].toLowerCase());
  }
  if (bad) out.push(invariant('txt-1', `the narrative contains ${[...bad].map((b) => `<${b}>`).join(', ')}, which narrative.html does not allow`, at));
  if (events) out.push(invariant('txt-1', `the narrative has event attributes (${[...events].join(', ')})`, at));
  if (/\s(href|src)\s*=\s*["']\s*javascript:/i.test(div)) out.push(invariant('txt-1', 'the narrative links to javascript:', at));
  if (!hasText(div) && !/<img[\s>]/i.test(div)) out.push(invariant('txt-2', 'the narrative SHALL have some non-whitespace content', at));
  return out;
}

/** Whether the XHTML has a character outside its tags that is not whitespace (nor a no-break space entity) */
function hasText(div: string): boolean {
  for (let i = 0; i < div.length; i++) {
    const c = div.charCodeAt(i);
    if (c === 60 /* < */) {
      const end = div.indexOf('>', i + 1);
      if (end < 0) return true; // an unclosed '<' is text
      i = end;
      continue;
    }
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    if (c === 38 /* & */) {
      const entity = SPACE_ENTITIES.find((e) => div.startsWith(e, i) || div.slice(i, i + e.length).toLowerCase() === e);
      if (entity) {
        i += entity.length - 1;
        continue;
      }
      return true;
    }
    if (c > 127 && /\s/.test(div[i])) continue;
    return true;
  }
  return false;
}
