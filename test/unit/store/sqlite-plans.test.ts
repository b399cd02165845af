// The SQLite store's hot statements are index lookups, never a scan of a whole table: a read is one
// primary-key lookup, a token search drives from idx_token, instance history from the (type, id, version) key.
// https://sqlite.org/eqp.html
import t from 'tap';
import { parseSearch } from '../../../src/search/parse.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render, type Statement } from '../../../src/store/sql/builder.ts';
import { sqliteDialect } from '../../../src/store/sql/dialect.ts';
import { historyStatements } from '../../../src/store/sql/history.ts';
import { searchStatements } from '../../../src/store/sql/search.ts';
import type { Filter } from '../../../src/search/plan.ts';
import { readCurrent } from '../../../src/store/sql/statements.ts';
import { SqliteConnection } from '../../../src/store/sqlite/connection.ts';
import { SqliteRepository } from '../../../src/store/sqlite/repository.ts';

t.test('read, token search and history use indexes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-plan-'));
  const file = join(dir, 'p.db');
  const repo = await SqliteRepository.open({ file, synchronous: 'NORMAL' });
  await Promise.all(Array.from({ length: 300 }, (_, i) => repo.create({ resourceType: 'Patient', identifier: [{ system: 'urn:s', value: String(i) }] } as never)));
  await repo.close();
  const conn = new SqliteConnection(file, { readonly: true, synchronous: 'OFF' });
  t.teardown(() => {
    conn.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const plan = (s: Statement) => {
    const q = render(s, sqliteDialect);
    return conn.query(`EXPLAIN QUERY PLAN ${q.sql}`, q.values as never).rows.map((r) => String(r.detail)).join(' | ');
  };
  const search = (values: object[]) =>
    searchStatements({ resourceType: 'Patient', filters: [{ kind: 'token', param: 'identifier', values }], sort: [], count: 20, offset: 0, total: true }).page;
  const q = (type: string, query: string) =>
    searchStatements(parseSearch(type, new URLSearchParams(query), { lenient: false, defaultCount: 20, maxCount: 100 }).plan).page;
  const dayLong = new Map([['Observation|date', { multi: false, open: false, span: 86_400_000 }]]);
  const month = searchStatements(parseSearch('Observation', new URLSearchParams('date=ge2020-01&date=lt2020-02'), { lenient: false, defaultCount: 20, maxCount: 100 }).plan, dayLong).page;
  // The planned forms (src/store/sql/search.ts searchStatements), with the probe counts given
  const planned = (type: string, query: string, sizes: (filters: readonly Filter[]) => [Filter, number][]) => {
    const p = parseSearch(type, new URLSearchParams(query), { lenient: false, defaultCount: 20, maxCount: 100 }).plan;
    return searchStatements(p, undefined, new Map(sizes(p.filters)));
  };
  const stream = planned('Observation', 'code=http://loinc.org|718-7', (f) => [[f[0], 1000]]);
  const walk = planned('Patient', '_has:Observation:subject:code=http://loinc.org|718-7', (f) => [[(f[0] as { filter: Filter }).filter, 1000]]);
  const drive = planned('Patient', 'name=hau&_has:Observation:subject:code=http://loinc.org|718-7', (f) => [[f[0], 12], [(f[1] as { filter: Filter }).filter, 1000]]);
  const cases: [string, Statement, RegExp][] = [
    ['read', readCurrent('Patient', 'x'), /SEARCH resource_current USING INDEX sqlite_autoindex_resource_current_1 \(type=\? AND id=\?\)/],
    ['identifier=system|value', search([{ system: 'urn:s', code: '7' }]), /SEARCH t0 USING COVERING INDEX idx_token_code(?!.*TEMP B-TREE)/],
    ['identifier=value', search([{ code: '7' }]), /SEARCH t0 USING COVERING INDEX idx_token_code(?!.*TEMP B-TREE)/],
    ['history-instance', historyStatements({ resourceType: 'Patient', id: 'x' }, { count: 10 }).page, /SEARCH r USING INDEX sqlite_autoindex_resource_1 \(type=\? AND id=\?\)/],
    ['history-type', historyStatements({ resourceType: 'Patient' }, { count: 10 }).page, /SEARCH r USING INDEX resource_type_last_updated/],
    ['history-system', historyStatements({}, { count: 10 }).page, /USING INDEX resource_last_updated/],
    ['name=øde', q('Patient', 'name=%C3%B8de'), /SEARCH t0 USING COVERING INDEX idx_string_folded \(type=\? AND param=\? AND folded>\? AND folded<\?\)/],
    ['family:exact=Ødegård', q('Patient', 'family:exact=%C3%98deg%C3%A5rd'), /SEARCH t0 USING INDEX idx_string_folded \(type=\? AND param=\? AND folded=\?\)/],
    ['code:text=hemo', q('Observation', 'code:text=hemo'), /SEARCH t0 USING COVERING INDEX idx_text_value/],
    ['birthdate=1980', q('Patient', 'birthdate=1980'), /SEARCH t0 USING COVERING INDEX idx_date_range \(type=\? AND param=\? AND low>\? AND low<\?\)|SEARCH t0 USING COVERING INDEX idx_date_range \(type=\? AND param=\? AND low>\?\)/],
    // both conditions in one subquery (one row per resource), the span bound and lt as a range on low
    ['date=ge2020-01&date=lt2020-02', month, /^(?!.*SUBQUERY 2).*LIST SUBQUERY 1 \| SEARCH t0 USING COVERING INDEX idx_date_range \(type=\? AND param=\? AND low>\? AND low<\?\)$/],
    // a large equality filter streams the page and the count from its index in id order: no sort
    ['stream: code=system|code (large)', stream.page, /^SEARCH t9 USING COVERING INDEX idx_token_code \(type=\? AND param=\? AND code=\? AND system=\?\) \| SEARCH c USING INDEX sqlite_autoindex_resource_current_1 \(type=\? AND id=\?\)$/],
    ['stream count', stream.count, /^SEARCH t9 USING COVERING INDEX idx_token_code \(type=\? AND param=\? AND code=\? AND system=\?\)$/],
    // a large _has walks the Patients in id order; the inner code search is a seek per Observation
    ['walk: _has with a large inner search', walk.page, /^SEARCH c USING INDEX sqlite_autoindex_resource_current_1 \(type=\?\) \| CORRELATED SCALAR SUBQUERY \d \| SEARCH r0 USING COVERING INDEX idx_reference_target .* \| SEARCH t1 EXISTS USING COVERING INDEX idx_token_code \(type=\? AND param=\? AND code=\? AND system=\? AND id=\?\)$/],
    // a small filter drives; the large _has is checked on its candidates only
    ['drive: small name, large _has', drive.page, /LIST SUBQUERY 1 \| SEARCH t0 USING COVERING INDEX idx_string_folded .*CORRELATED SCALAR SUBQUERY .*SEARCH t1 EXISTS USING COVERING INDEX idx_token_code \(type=\? AND param=\? AND code=\? AND system=\? AND id=\?\)/],
    ['value-quantity in mg', q('Observation', 'value-quantity=5.4%7Chttp%3A%2F%2Funitsofmeasure.org%7Cmg'), /SEARCH t0 USING COVERING INDEX idx_quantity_canonical \(type=\? AND param=\? AND canonical_code=\? AND canonical_value>\? AND canonical_value<\?\)/],
    ['subject=Patient/p1', q('Observation', 'subject=Patient/p1'), /SEARCH t0 USING COVERING INDEX idx_reference_target \(type=\? AND param=\? AND target_id=\? AND target_type=\?\)/],
    ['url:below', q('ValueSet', 'url:below=http%3A%2F%2Fx%2FValueSet'), /SEARCH t0 USING COVERING INDEX idx_uri_value/],
    ['chain subject:Patient.name', q('Observation', 'subject:Patient.name=kari'), /SEARCH r0 USING COVERING INDEX idx_reference_target.*SEARCH t1 USING COVERING INDEX idx_string_folded/],
    ['_has:Observation:subject:code', q('Patient', '_has:Observation:subject:code=718-7'), /SEARCH t1 USING COVERING INDEX idx_token_code/],
  ];
  for (const [name, stmt, expected] of cases) {
    const p = plan(stmt);
    t.match(p, expected, `${name}: ${p}`);
    t.notMatch(p, /SCAN (resource|resource_current|idx_\w+|c|r|t|t0|t1|r0|c1)( |$)(?!USING)/, `${name} scans no table`);
  }
});

t.test('the room board query (src/store/sql/board.ts) seeks from the site outwards: no table scan, no automatic index', async (t) => {
  const { boardStatement } = await import('../../../src/store/sql/board.ts');
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-plan-'));
  const file = join(dir, 'b.db');
  const repo = await SqliteRepository.open({ file, synchronous: 'NORMAL' });
  // enough rows that a scan would be a real choice, and statistics at close (PRAGMA optimize)
  await repo.withTransaction(async (tx) => {
    await tx.update({ resourceType: 'Location', id: 's', name: 's' } as never);
    for (let i = 0; i < 200; i++) await tx.update({ resourceType: 'Location', id: `b${i}`, name: 'b', partOf: { reference: 'Location/s' } } as never);
    for (let i = 0; i < 400; i++) {
      await tx.update({ resourceType: 'Patient', id: `p${i}` } as never);
      await tx.update({ resourceType: 'Encounter', id: `e${i}`, status: i % 2 ? 'finished' : 'in-progress', class: { code: 'IMP' }, subject: { reference: `Patient/p${i}` },
        location: [{ location: { reference: `Location/b${i % 200}` }, status: i % 2 ? 'completed' : 'active' }] } as never);
    }
  });
  await repo.close();
  const conn = new SqliteConnection(file, { readonly: true, synchronous: 'OFF' });
  t.teardown(() => {
    conn.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const q = render(boardStatement(), sqliteDialect);
  const values = q.values.map((v) => (v !== null && typeof v === 'object' ? 's' : v));
  const detail = conn.query(`EXPLAIN QUERY PLAN ${q.sql}`, values as never).rows.map((r) => String(r.detail));
  t.notOk(detail.some((d) => /^SCAN (c|r|t|s)\b/.test(d)), `no scan of a stored table: ${detail.join(' | ')}`);
  t.notOk(detail.some((d) => /AUTOMATIC/.test(d)), 'no automatic index on a CTE');
  t.ok(detail.some((d) => /SEARCH r USING COVERING INDEX idx_reference_target \(type=\? AND param=\? AND target_id=\?/.test(d)), 'partOf and current-location by their target');
  t.ok(detail.some((d) => /SEARCH r USING INDEX idx_reference_resource \(type=\? AND id=\?\)/.test(d)), 'the subject of each Encounter by its id');
});
