/**
 * Search parameters shipped with Helsebro beside R4's: the no-basis ones (profiles/no-basis, with their
 * provenance in SOURCE.md there). They are built in, like R4's: never pending, indexed from the first
 * write; adding or changing one comes with a schema migration that reindexes (src/store/sql/migrations).
 * https://hl7.no/fhir (no-basis 2.2), https://hl7.org/fhir/R4/searchparameter.html
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchParamDef } from './registry.ts';

const DIR = join(import.meta.dirname, '..', '..', 'profiles', 'no-basis');

export function bundledSearchParameters(): SearchParamDef[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.SearchParameter.json'))
    .sort()
    .map((f) => {
      const r = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as SearchParamDef;
      return { url: r.url, code: r.code, type: r.type, expression: r.expression, base: r.base, target: r.target, component: r.component };
    });
}
