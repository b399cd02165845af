// The SQL builder and dialect seam (DESIGN.md house rule 3): values are bound, never spliced; dialect quirks
// (placeholders, upsert, LIMIT/OFFSET) come from the Dialect object alone.
import t from 'tap';
import { and, bind, call, col, eq, exec, inList, isNull, not, or, render, slot, sub, val, type Select } from '../../../src/store/sql/builder.ts';
import { postgresDialect, sqliteDialect, type Connection } from '../../../src/store/sql/dialect.ts';

const sel: Select = {
  kind: 'select',
  from: 'resource_current',
  as: 'c',
  columns: [col('c', 'id'), { expr: call('COUNT', '*'), as: 'n' }],
  where: and(eq(col('c', 'type'), val('Patient')), or(eq(col('c', 'id'), val("x' OR 1=1 --")), isNull(col('c', 'json')))),
  orderBy: [{ expr: col('c', 'last_updated'), descending: true }],
  limit: 20,
  offset: 40,
};

t.test('SQLite renders ? placeholders and binds every value in order', async (t) => {
  const q = render(sel, sqliteDialect);
  t.equal(q.sql, 'SELECT c.id, COUNT(*) AS n FROM resource_current c WHERE (c.type = ? AND (c.id = ? OR c.json IS NULL)) ORDER BY c.last_updated DESC LIMIT ? OFFSET ?');
  t.same(q.values, ['Patient', "x' OR 1=1 --", 20, 40]);
  t.notMatch(q.sql, /OR 1=1/, 'a hostile value never reaches the SQL text');
});

t.test('PostgreSQL renders numbered placeholders from the same expression', async (t) => {
  const q = render(sel, postgresDialect);
  t.equal(q.sql, 'SELECT c.id, COUNT(*) AS n FROM resource_current c WHERE (c.type = $1 AND (c.id = $2 OR c.json IS NULL)) ORDER BY c.last_updated DESC LIMIT $3 OFFSET $4');
  t.same(q.values, ['Patient', "x' OR 1=1 --", 20, 40]);
});

t.test('upsert and multi-row insert come from the dialect', async (t) => {
  const ins = {
    kind: 'insert' as const,
    table: 'resource_current',
    columns: ['type', 'id', 'version'],
    rows: [['Patient', 'a', 1], ['Patient', 'b', 2]],
    onConflict: { target: ['type', 'id'], update: ['version'] },
  };
  t.equal(render(ins, sqliteDialect).sql, 'INSERT INTO resource_current (type, id, version) VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT (type, id) DO UPDATE SET version = excluded.version');
  t.equal(render(ins, postgresDialect).sql, 'INSERT INTO resource_current (type, id, version) VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT (type, id) DO UPDATE SET version = EXCLUDED.version');
  // 'max' keeps the larger of the stored and the proposed value (SQLite's two-argument max(), PostgreSQL's
  // GREATEST: https://sqlite.org/lang_corefunc.html#max_scalar , postgresql.org/docs/current/functions-conditional.html)
  const grow = { ...ins, table: 'idx_date_stats', onConflict: { target: ['type', 'param'], update: ['span'], mode: 'max' as const } };
  t.match(render(grow, sqliteDialect).sql, /ON CONFLICT \(type, param\) DO UPDATE SET span = max\(span, excluded\.span\)$/);
  t.match(render(grow, postgresDialect).sql, /ON CONFLICT \(type, param\) DO UPDATE SET span = GREATEST\(idx_date_stats\.span, EXCLUDED\.span\)$/);
  t.same(render(ins, sqliteDialect).values, ['Patient', 'a', 1, 'Patient', 'b', 2]);
});

t.test('IN lists, IN subqueries, EXISTS, NOT and scalar subqueries compose', async (t) => {
  const inner: Select = { kind: 'select', from: 'idx_token', as: 't', columns: [col('t', 'id')], where: eq(col('t', 'code'), val('1')) };
  const e = and(inList(col('c', 'id'), [val('a'), val('b')]), inList(col('c', 'id'), inner), not(eq(col('c', 'version'), sub({ ...inner, columns: [call('MAX', [col('t', 'id')])] }))));
  const q = render({ kind: 'delete', table: 'resource_current', where: e! }, postgresDialect);
  t.equal(q.sql, 'DELETE FROM resource_current WHERE (c.id IN ($1, $2) AND c.id IN (SELECT t.id FROM idx_token t WHERE t.code = $3) AND NOT (c.version = (SELECT MAX(t.id) FROM idx_token t WHERE t.code = $4)))');
  t.same(q.values, ['a', 'b', '1', '1']);
});

t.test('identifiers are checked: a table or column name can never carry SQL', async (t) => {
  t.throws(() => render({ kind: 'select', from: 'resource; DROP TABLE x', columns: [col(undefined, 'id')] }, sqliteDialect), /unsafe SQL identifier/);
  t.throws(() => render({ kind: 'select', from: 'resource', columns: [col(undefined, 'Id"')] }, sqliteDialect), /unsafe SQL identifier/);
});

t.test('slots are rendered once and bound per call (the hot read path)', async (t) => {
  const q = render({ kind: 'select', from: 'resource_current', columns: [col(undefined, 'json')], where: and(eq(col(undefined, 'type'), val(slot(0))), eq(col(undefined, 'id'), val(slot(1)))) }, sqliteDialect);
  t.same(bind(q, ['Patient', '1']), ['Patient', '1']);
  t.same(bind(q, ['Observation', '2']), ['Observation', '2']);
});

t.test('an empty AND is no condition; an empty OR is refused rather than silently FALSE', async (t) => {
  t.equal(and(undefined, undefined), undefined);
  t.throws(() => or());
});

t.test('exec runs through the two-member seam whether query answers synchronously or with a Promise', async (t) => {
  const seen: unknown[] = [];
  const syncConn: Connection = { dialect: sqliteDialect, query: (sql, values) => (seen.push([sql, values]), { rows: [{ n: 1 }], changes: 0 }) };
  const asyncConn: Connection = { dialect: postgresDialect, query: async (sql, values) => (seen.push([sql, values]), { rows: [{ n: 2 }], changes: 0 }) };
  const s: Select = { kind: 'select', from: 'resource', columns: [col(undefined, 'id')], where: eq(col(undefined, 'id'), val('a')) };
  t.same((await exec(syncConn, s)).rows, [{ n: 1 }]);
  t.same((await exec(asyncConn, s)).rows, [{ n: 2 }]);
  t.same(seen, [['SELECT id FROM resource WHERE id = ?', ['a']], ['SELECT id FROM resource WHERE id = $1', ['a']]]);
});

t.test('WITH RECURSIVE, MATERIALIZED, UNION / UNION ALL and literals print alike in both dialects', async (t) => {
  const { lit, union } = await import('../../../src/store/sql/builder.ts');
  const anchor: Select = { kind: 'select', from: 'edge', as: 'e', columns: [col('e', 'child')], where: eq(col('e', 'parent'), val(slot(0))) };
  const step: Select = { kind: 'select', from: 'tree', as: 't', columns: [col('e', 'child')], joins: [{ table: 'edge', as: 'e', on: eq(col('e', 'parent'), col('t', 'id')) }] };
  const q = union('UNION ALL', [
    { kind: 'select', from: 'tree', as: 't', columns: [{ expr: lit('T'), as: 'kind' }, col('t', 'id')] },
    { kind: 'select', from: 'leaf', as: 'l', columns: [{ expr: lit(null), as: 'kind' }, col('l', 'id')] },
  ], { recursive: true, ctes: [
    { name: 'tree', columns: ['id'], query: union('UNION', [anchor, step]) },
    { name: 'leaf', columns: ['id'], query: { kind: 'select', from: 'tree', as: 't', columns: [col('t', 'id')], where: eq(col('t', 'id'), val('b')) }, materialized: true },
  ] });
  const tail = "SELECT 'T' AS kind, t.id FROM tree t UNION ALL SELECT NULL AS kind, l.id FROM leaf l";
  t.equal(render(q, sqliteDialect).sql, `WITH RECURSIVE tree (id) AS (SELECT e.child FROM edge e WHERE e.parent = ? UNION SELECT e.child FROM tree t JOIN edge e ON e.parent = t.id), leaf (id) AS MATERIALIZED (SELECT t.id FROM tree t WHERE t.id = ?) ${tail}`);
  t.equal(render(q, postgresDialect).sql, `WITH RECURSIVE tree (id) AS (SELECT e.child FROM edge e WHERE e.parent = $1 UNION SELECT e.child FROM tree t JOIN edge e ON e.parent = t.id), leaf (id) AS MATERIALIZED (SELECT t.id FROM tree t WHERE t.id = $2) ${tail}`);
  const fixed: Select = { kind: 'select', from: 'tree', as: 't', columns: [col('e', 'child')], joins: [{ table: 'edge', as: 'e', on: eq(col('e', 'parent'), col('t', 'id')), fixed: true }], where: eq(col('e', 'child'), val('c')) };
  t.equal(render(fixed, postgresDialect).sql, 'SELECT e.child FROM tree t CROSS JOIN edge e WHERE (e.parent = t.id AND e.child = $1)', 'a fixed join: CROSS JOIN, its condition in the WHERE (no ON, which PostgreSQL refuses after CROSS JOIN)');
  t.throws(() => render({ kind: 'select', from: 'x', columns: [lit("a' OR '1")] }, sqliteDialect), /unsafe SQL literal/, 'a literal can never carry SQL');
  t.throws(() => render(union('UNION', [anchor]), sqliteDialect), /fewer than two/);
  t.throws(() => render(union('UNION', [anchor, { ...step, limit: 1 }]), sqliteDialect), /ORDER BY or LIMIT/, 'SQLite refuses LIMIT inside a compound member');

  // Run on SQLite: a -> b -> c -> a is a cycle; UNION drops the repeated row, so the recursion ends (lang_with.html#recursivecte)
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  db.exec("CREATE TABLE edge (parent TEXT, child TEXT); INSERT INTO edge VALUES ('a', 'b'), ('b', 'c'), ('c', 'a'), ('x', 'y')");
  const r = render(q, sqliteDialect);
  const rows = db.prepare(r.sql).all(...bind(r, ['a'])) as { kind: string | null; id: string }[];
  t.same(rows.map((x) => [x.kind, x.id]).sort(), [[null, 'b'], ['T', 'a'], ['T', 'b'], ['T', 'c']], 'every node reachable from a once, the leaf CTE once');
});
