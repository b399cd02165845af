/**
 * Example URLs in content that is not an example: the domains RFC 2606 §3 reserves for documentation
 * (example.com, example.net, example.org, and their subdomains) and acme.com, which the FHIR specification
 * uses in its own examples, name nothing real. In a uri, url or canonical
 * (https://hl7.org/fhir/R4/datatypes.html#uri) of production data they are a mistake; the Java validator
 * reports them when run with examples disallowed ("Example URLs are not allowed in this context"). Off unless
 * asked for: examples and tests are full of them.
 */
import type { Definitions, ProfileIssue } from './profile.ts';
import { walkRules, type TypedRule } from './typed-walk.ts';

type Json = Record<string, unknown>;

const URI_TYPES = new Set(['uri', 'url', 'canonical']);
const EXAMPLE_HOST = /^(?:[^.]+\.)*(?:example\.(?:com|net|org)|acme\.com)$/i;

/** Whether `url` is an absolute URL on an example domain */
export function isExampleUrl(url: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:@]+@)?([^/?#:]+)/i.exec(url);
  return m !== null && EXAMPLE_HOST.test(m[2]);
}

/** The rule for one walk with others (./typed-walk.ts walkRules) */
export function exampleUrlRule(issues: ProfileIssue[]): TypedRule {
  return {
    types: URI_TYPES,
    visit: (value, _type, at) => {
      if (typeof value === 'string' && isExampleUrl(value)) {
        issues.push({ severity: 'error', expression: at, rule: 'example-url', message: `Example URLs are not allowed in this context (${value})` });
      }
    },
  };
}

export function checkExampleUrls(resource: Json, defs: Definitions): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  walkRules(resource, defs, [exampleUrlRule(issues)]);
  return issues;
}
