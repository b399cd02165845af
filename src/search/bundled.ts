/**
 * Search parameters shipped with Helsebro beside R4's: the no-basis ones (profiles/no-basis, with their
 * provenance in SOURCE.md there) and our own (profiles/local, compiled from FSH: Encounter current-location,
 * which the room board Location/$board joins on). They are built in, like R4's: never pending, indexed from
 * the first write; adding or changing one comes with a schema migration that reindexes
 * (src/store/sql/migrations: 003 for no-basis, 007 for current-location).
 * https://hl7.no/fhir (no-basis 2.2), https://hl7.org/fhir/R4/searchparameter.html
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchParamDef } from './registry.ts';

const PROFILES = join(import.meta.dirname, '..', '..', 'profiles');
/** Each package's folder and how its SearchParameter files are named (no-basis: `x.SearchParameter.json`, SUSHI: `SearchParameter-x.json`) */
const PACKAGES: readonly [string, RegExp][] = [['no-basis', /\.SearchParameter\.json$/], ['local', /^SearchParameter-.*\.json$/]];

export function bundledSearchParameters(): SearchParamDef[] {
  return PACKAGES.flatMap(([pkg, name]) => readdirSync(join(PROFILES, pkg)).filter((f) => name.test(f)).sort().map((f) => join(PROFILES, pkg, f)))
    .map((file) => {
      const r = JSON.parse(readFileSync(file, 'utf8')) as SearchParamDef;
      return { url: r.url, code: r.code, type: r.type, expression: r.expression, base: r.base, target: r.target, component: r.component };
    });
}
