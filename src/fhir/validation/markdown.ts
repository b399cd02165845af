/**
 * HTML in markdown (https://hl7.org/fhir/R4/datatypes.html#markdown: "GitHub Flavored Markdown"; FHIR-38714):
 * markdown is rendered by the reader's presentation layer, which escapes (or SHOULD escape) embedded HTML, so
 * `<resource type>` written in a markdown element is either lost or shown as text the author did not mean.
 * The Java validator reports such content as a warning, or as an error when it runs with its
 * "no HTML in markdown" option; here `mode` chooses (default warning).
 *
 * What counts as an embedded tag: `<` followed by a letter (an opening tag), `/` and a letter (a closing tag) or
 * `!` (a comment or declaration), outside code spans (`` `<b>` ``) and fenced code blocks, where markdown shows
 * the text as it is.
 */
import type { Definitions, ProfileIssue } from './profile.ts';
import { walkRules, type TypedRule } from './typed-walk.ts';

type Json = Record<string, unknown>;

export interface MarkdownOptions {
  /** how embedded HTML is reported: 'error' (the Java validator's noHtmlInMarkdown), 'warning' (default), 'ignore' */
  html?: 'error' | 'warning' | 'ignore';
}

const MARKDOWN = new Set(['markdown']);
const TAG = /<[A-Za-z/!]/;

/** The text with code spans and fenced code blocks blanked out (their content is shown literally) */
function outsideCode(s: string): string {
  return s
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (m) => ' '.repeat(m.length))
    .replace(/(`+)[^`][\s\S]*?\1/g, (m) => ' '.repeat(m.length));
}

/** Where the first embedded HTML tag starts, or -1 */
export function embeddedHtmlAt(markdown: string): number {
  if (!markdown.includes('<')) return -1;
  const m = TAG.exec(outsideCode(markdown));
  return m ? m.index : -1;
}

/** The rule for one walk with others (./typed-walk.ts walkRules); undefined when HTML is ignored */
export function markdownRule(issues: ProfileIssue[], opts: MarkdownOptions = {}): TypedRule | undefined {
  const mode = opts.html ?? 'warning';
  if (mode === 'ignore') return undefined;
  return {
    types: MARKDOWN,
    visit: (value, _type, at) => {
      if (typeof value !== 'string') return;
      const i = embeddedHtmlAt(value);
      if (i < 0) return;
      issues.push({
        severity: mode,
        expression: at,
        rule: 'markdown',
        message: `The markdown contains content that appears to be an embedded HTML tag starting at '${value.slice(i, i + 2)}'. This will (or SHOULD) be escaped by the presentation layer. The content should be checked to confirm that this is the desired behaviour`,
      });
    },
  };
}

export function checkMarkdown(resource: Json, defs: Definitions, opts: MarkdownOptions = {}): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  walkRules(resource, defs, [markdownRule(issues, opts)]);
  return issues;
}
