/**
 * What a profile can require of a narrative beyond txt-1/txt-2, through two extensions on the element
 * definition of a Narrative (the FHIR extensions pack, "Rules about Narrative":
 * https://hl7.org/fhir/extensions/StructureDefinition-narrative-language-control.html and
 * https://hl7.org/fhir/extensions/StructureDefinition-narrative-source-control.html):
 *   - narrative-language-control (repeats): the language sections of the div, i.e. its child elements that are
 *     divs with a language attribute. `_no`: none may be there; `_yes`: there must be some; `_resource`: one
 *     for the resource's own language; any other value is a language that must have a section.
 *   - narrative-source-control: every piece of text is labelled with its source by a class on it or an
 *     element around it (boilerplate, generated, extension(s), additional; `original` too, which the HL7
 *     validator accepts); the extension's value is the severity of an unlabelled piece (error, warning,
 *     information or hint).
 * The div is stored as written (src/fhir/xml keeps the XHTML as text), so it is read here by a small tag
 * scanner: element names, the class and language attributes, and text.
 */
import type { ElementDefinition } from '@medplum/fhirtypes';
import type { ProfileIssue } from './profile.ts';

export const LANGUAGE_CONTROL = 'http://hl7.org/fhir/StructureDefinition/narrative-language-control';
export const SOURCE_CONTROL = 'http://hl7.org/fhir/StructureDefinition/narrative-source-control';

const SOURCES = new Set(['boilerplate', 'generated', 'extension', 'extensions', 'additional', 'original']);

interface XNode { name: string; lang?: string; sourced: boolean; children: (XNode | string)[] }

/** Whether a profile's element carries either control (cheap: asked for every element validated) */
export function hasNarrativeControl(def: ElementDefinition): boolean {
  return def.extension?.some((e) => e.url === LANGUAGE_CONTROL || e.url === SOURCE_CONTROL) ?? false;
}

/** The issues for narrative `v` (a Narrative value, at `at`) against the controls `def` carries */
export function narrativeControlIssues(v: unknown, def: ElementDefinition, resourceLanguage: unknown, profile: string, at: string): ProfileIssue[] {
  const div = (v as { div?: unknown } | null)?.div;
  if (typeof div !== 'string') return [];
  const root = parse(div);
  if (!root) return [];
  const issues: ProfileIssue[] = [];
  const langs = def.extension?.filter((e) => e.url === LANGUAGE_CONTROL).map((e) => e.valueCode ?? e.valueString).filter((x): x is string => !!x) ?? [];
  if (langs.length > 0) {
    const sections = root.children.filter((c): c is XNode => typeof c !== 'string' && c.name === 'div' && c.lang !== undefined).map((c) => c.lang!);
    const found = [...new Set(sections)].sort().join(', ');
    const error = (message: string) => issues.push({ severity: 'error', expression: at, rule: 'narrative-language-control', message });
    for (const want of langs) {
      if (want === '_no' && sections.length > 0) error(`The xhtml has some language sections (${found}), but language sections are prohibited in this context by the profile ${profile}`);
      else if (want === '_yes' && sections.length === 0) error(`The xhtml has no language sections, but language sections are required in this context by the profile ${profile}`);
      else if (want !== '_no' && want !== '_yes') {
        const lang = want === '_resource' ? (typeof resourceLanguage === 'string' ? resourceLanguage : undefined) : want;
        if (lang !== undefined && !sections.includes(lang)) {
          error(`The profile ${profile} requires a section in the narrative for the ${want === '_resource' ? 'resource ' : ''}language (${lang}), but it was not found (found ${found || 'none'})`);
        }
      }
    }
  }
  const level = def.extension?.find((e) => e.url === SOURCE_CONTROL)?.valueCode;
  if (level !== undefined) {
    // a hint (or information) is below what a profile issue carries: not reported
    const severity: ProfileIssue['severity'] | undefined = level === 'error' ? 'error' : level === 'warning' ? 'warning' : undefined;
    const walk = (n: XNode, sourced: boolean): void => {
      const here = sourced || n.sourced;
      for (const c of n.children) {
        if (typeof c !== 'string') walk(c, here);
        else if (!here && severity && /\S/.test(c)) {
          issues.push({ severity, expression: at, rule: 'narrative-source-control',
            message: `The xhtml node at '${c.trim().replace(/\s+/g, ' ')}' does not have a class attribute to indicate its source (boilerplate, generated, extension or additional) and this is required by the profile ${profile}` });
        }
      }
    };
    walk(root, false);
  }
  return issues;
}

const attr = (attrs: string, name: string): string | undefined =>
  new RegExp(`(?:^|\\s)${name.replace(':', '\\:')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs)?.slice(1).find((x) => x !== undefined);

/** The element tree of an XHTML fragment (tags, comments skipped, text kept), or undefined when not well formed */
function parse(xhtml: string): XNode | undefined {
  const top: XNode = { name: '#document', sourced: false, children: [] };
  const stack = [top];
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  for (const m of xhtml.matchAll(re)) {
    const cur = stack[stack.length - 1];
    if (m[6] !== undefined || m[1] !== undefined) {
      cur.children.push(m[6] ?? m[1]);
    } else if (m[3] !== undefined) {
      const name = m[3].replace(/^.*:/, '').toLowerCase();
      if (m[2] === '/') {
        if (cur.name !== name || stack.length === 1) return undefined;
        stack.pop();
        continue;
      }
      const attrs = m[4] ?? '';
      const classes = (attr(attrs, 'class') ?? '').split(/\s+/);
      const node: XNode = { name, lang: attr(attrs, 'xml:lang') ?? attr(attrs, 'lang'), sourced: classes.some((c) => SOURCES.has(c)), children: [] };
      cur.children.push(node);
      if (m[5] !== '/') stack.push(node);
    }
  }
  const root = top.children.find((c): c is XNode => typeof c !== 'string');
  return stack.length === 1 ? root : undefined;
}
