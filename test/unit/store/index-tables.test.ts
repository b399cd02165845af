// Index tables speak one protocol (DESIGN.md house rule 5): rows from a resource, statements that rewrite
// them, WHERE for a filter, ORDER BY for a sort. https://hl7.org/fhir/R4/search.html#token , #prefix
import t from 'tap';
import { render } from '../../../src/store/sql/builder.ts';
import { sqliteDialect } from '../../../src/store/sql/dialect.ts';
import { HeadColumns } from '../../../src/store/sql/indexes/head-columns.ts';
import { TokenIndex } from '../../../src/store/sql/indexes/token.ts';
import type { Filter } from '../../../src/search/plan.ts';
import { extractRows } from '../../../src/search/extract.ts';
import { emptyRows } from '../../../src/search/rows.ts';

const ctx = { head: 'c', resourceType: 'Patient', depth: 0 };
const whereOf = (ix: { where: (f: Filter, c: typeof ctx) => unknown }, f: Filter) =>
  render({ kind: 'select', from: 'resource_current', as: 'c', columns: [], where: ix.where(f, ctx) as never }, sqliteDialect);

t.test('idx_token: rows are the identifier system|value pairs of the resource', async (t) => {
  const ix = new TokenIndex();
  const rows = extractRows({ resourceType: 'Patient', identifier: [{ system: 'urn:a', value: '1' }, { value: '2' }, { system: 'urn:b' }] } as never);
  t.same(rows.token.filter((r) => r.param === 'identifier'), [{ param: 'identifier', system: 'urn:a', code: '1' }, { param: 'identifier', system: null, code: '2' }], 'an identifier without a value gives no row');
  const [del, ins] = ix.write('Patient', 'p1', rows, false).map((s) => render(s, sqliteDialect));
  t.equal(del.sql, 'DELETE FROM idx_token WHERE (type = ? AND id = ?)');
  t.same(del.values, ['Patient', 'p1']);
  t.equal(ins.sql, 'INSERT INTO idx_token (type, id, param, system, code, grp) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)', 'the identifiers and the deceased token (Patient-deceased is false when absent)');
  t.equal(ix.write('Patient', 'p1', emptyRows(), false).length, 1, 'a tombstone only deletes');
  t.equal(ix.write('Patient', 'p1', rows, true).length, 1, 'a first version only inserts');
});

t.test('idx_token: each token form becomes its condition, values OR-ed, in an uncorrelated IN subquery', async (t) => {
  const ix = new TokenIndex();
  const f: Filter = { kind: 'token', param: 'identifier', values: [{ code: 'c1' }, { system: 's', code: 'c2' }, { system: '', code: 'c3' }, { system: 's' }] };
  t.ok(ix.serves(f));
  t.notOk(ix.serves({ kind: 'string', param: 'name', mode: 'prefix', values: [] }), 'only token filters');
  t.ok(ix.serves({ kind: 'missing', param: 'code', table: 'token', missing: true }), 'and :missing on token parameters');
  const q = whereOf(ix, f);
  t.match(q.sql, 'c.id IN (SELECT t0.id FROM idx_token t0 WHERE (t0.type = ? AND t0.param = ? AND (t0.code = ? OR (t0.system = ? AND t0.code = ?) OR (t0.system IS NULL AND t0.code = ?) OR t0.system = ?)))');
  t.same(q.values, ['Patient', 'identifier', 'c1', 's', 'c2', 'c3', 's']);
  const any = whereOf(ix, { kind: 'token', param: 'identifier', values: [{}] });
  t.match(any.sql, 'WHERE c.id IN (SELECT t0.id FROM idx_token t0 WHERE (t0.type = ? AND t0.param = ?))', 'a value with neither part matches any row of the param');
  const not = whereOf(ix, { kind: 'token', param: 'gender', values: [{ code: 'male' }], negate: true });
  t.match(not.sql, 'WHERE NOT (c.id IN (SELECT t0.id FROM idx_token t0', ':not matches resources without a matching row');
});

t.test('idx_token: a sort by a token orders by its smallest code (largest when descending), missing last', async (t) => {
  const ix = new TokenIndex();
  t.ok(ix.sorts({ param: 'identifier', descending: false, table: 'token' }));
  const o = ix.orderBy({ param: 'identifier', descending: true, table: 'token' }, ctx);
  t.equal(o.descending, true);
  t.equal(o.nullsLast, true);
  t.match(render({ kind: 'select', from: 'resource_current', as: 'c', columns: [o.expr] }, sqliteDialect).sql, 'SELECT MAX(s0.code) FROM idx_token s0');
  const asc = ix.orderBy({ param: 'identifier', descending: false, table: 'token' }, ctx);
  t.match(render({ kind: 'select', from: 'resource_current', as: 'c', columns: [asc.expr] }, sqliteDialect).sql, 'SELECT MIN(s0.code) FROM idx_token s0');
});

t.test('head columns: _id is an IN list; _lastUpdated prefixes follow the [low, high) table of search.html#prefix', async (t) => {
  const ix = new HeadColumns();
  t.match(whereOf(ix, { kind: 'id', values: ['a', 'b'] }).sql, 'WHERE c.id IN (?, ?)');
  const cases: [string, string][] = [
    ['eq', '(c.last_updated >= ? AND c.last_updated < ?)'],
    ['ap', '(c.last_updated >= ? AND c.last_updated < ?)'],
    ['ne', '(c.last_updated < ? OR c.last_updated >= ?)'],
    ['gt', 'c.last_updated >= ?'],
    ['sa', 'c.last_updated >= ?'],
    ['lt', 'c.last_updated < ?'],
    ['eb', 'c.last_updated < ?'],
    ['ge', 'c.last_updated >= ?'],
    ['le', 'c.last_updated < ?'],
  ];
  for (const [prefix, sql] of cases) {
    const q = whereOf(ix, { kind: 'lastUpdated', values: [{ prefix: prefix as never, low: '2026-01-01T00:00:00+01:00', high: '2026-01-02T00:00:00.000Z' }] });
    t.equal(q.sql.slice(q.sql.indexOf('WHERE ') + 6), sql, prefix);
  }
  const q = whereOf(ix, { kind: 'lastUpdated', values: [{ prefix: 'ge', low: '2026-01-01T00:00:00+01:00', high: '2026-01-02T00:00:00.000Z' }] });
  t.same(q.values, ['2025-12-31T23:00:00.000000Z'], 'bounds are brought to the UTC microsecond form lastUpdated is stored in');
  t.same(ix.orderBy({ param: '_id', descending: true }, ctx), { expr: { kind: 'col', table: 'c', name: 'id' }, descending: true });
});
