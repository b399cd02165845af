// House rule 7: the error catalogue and its README agree in both directions.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { CATALOGUE, type CatalogueEntry } from '../../../src/errors/catalogue.ts';

const readme = readFileSync(new URL('../../../src/errors/README.md', import.meta.url), 'utf8');
const rows = readme.split('\n').filter((l) => /^\| [A-Z0-9_]+ \|/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
const catalogue = CATALOGUE as Record<string, CatalogueEntry>;

t.test('every README row is a catalogue code with the same status, issue type, v2 and AppRec code', async (t) => {
  t.ok(rows.length > 0, 'the README has rows');
  for (const [code, status, issueType, v2, apprec] of rows) {
    const e = catalogue[code];
    t.ok(e, `${code} is in catalogue.ts`);
    if (!e) continue;
    t.same([String(e.status), e.issueType, e.v2, e.apprec ?? '-'], [status, issueType, v2, apprec], code);
  }
});

t.test('every catalogue code is in the README exactly once', async (t) => {
  t.equal(rows.length, Object.keys(catalogue).length, 'same count');
  for (const code of Object.keys(catalogue)) t.equal(rows.filter((r) => r[0] === code).length, 1, code);
});

t.test('statuses are HTTP error statuses (200 only for warning-only codes) and v2 codes come from table 0357', async (t) => {
  const table0357 = new Set(['100', '101', '102', '103', '104', '200', '201', '202', '203', '204', '205', '206', '207']);
  for (const [code, e] of Object.entries(catalogue)) {
    const warningOnly = (e as { warningOnly?: boolean }).warningOnly === true;
    t.ok(warningOnly ? e.status === 200 : e.status >= 400 && e.status <= 599, `${code} status ${e.status}`);
    t.ok(table0357.has(e.v2), `${code} v2 ${e.v2}`);
  }
});

t.test('only FHIR_INTERNAL and unavailability are 5xx: a client mistake is never a 500', async (t) => {
  const fivexx = Object.entries(catalogue).filter(([, e]) => e.status >= 500).map(([c]) => c).sort();
  t.same(fivexx, ['FHIR_INTERNAL', 'FHIR_SERVICE_UNAVAILABLE']);
});
