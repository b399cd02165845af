// Group commit (DESIGN.md §5): waiting writes share one BEGIN IMMEDIATE..COMMIT, each in its own SAVEPOINT;
// a failing write is undone alone and rejects only its caller; callers are answered after COMMIT.
// https://sqlite.org/lang_savepoint.html
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteConnection } from '../../../src/store/sqlite/connection.ts';
import { WriteQueue } from '../../../src/store/sqlite/write-queue.ts';

function setup(t: Test, maxGroupMs?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-wq-'));
  const conn = new SqliteConnection(join(dir, 'q.db'), { readonly: false, synchronous: 'OFF' });
  conn.query('CREATE TABLE item (k TEXT PRIMARY KEY, v INTEGER)', []);
  const reader = new SqliteConnection(join(dir, 'q.db'), { readonly: true, synchronous: 'OFF' });
  t.teardown(() => {
    reader.close();
    conn.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const insert = (k: string) => async () => conn.query('INSERT INTO item (k, v) VALUES (?, ?)', [k, 1]).changes;
  const keys = () => reader.query('SELECT k FROM item ORDER BY k', []).rows.map((r) => r.k);
  return { conn, insert, keys, queue: new WriteQueue(conn, { maxGroupMs }) };
}

t.test('a write that fails after writing is rolled back to its savepoint; its neighbours commit in the same batch', async (t) => {
  const { conn, insert, keys, queue } = setup(t);
  const failing = async () => {
    conn.query('INSERT INTO item (k, v) VALUES (?, ?)', ['half-done', 1]);
    throw new Error('fails after a write');
  };
  const results = await Promise.allSettled([queue.single(insert('a')), queue.single(failing), queue.single(insert('b'))]);
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  t.same(keys(), ['a', 'b'], 'the failing write left nothing behind');
  t.equal(queue.commits, 1, 'one COMMIT for the three');
});

t.test('a constraint violation rejects only its own caller', async (t) => {
  const { insert, keys, queue } = setup(t);
  const results = await Promise.allSettled([queue.single(insert('x')), queue.single(insert('x')), queue.single(insert('y'))]);
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  t.match((results[1] as PromiseRejectedResult).reason, { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
  t.same(keys(), ['x', 'y']);
});

t.test('callers are answered only after COMMIT, and the committed hook runs before they are', async (t) => {
  const { insert, keys, queue } = setup(t);
  const order: string[] = [];
  const p = queue.single(insert('k'), () => order.push(`hook sees ${keys().join(',')}`)).then(() => order.push(`answered sees ${keys().join(',')}`));
  order.push(`queued sees ${keys().join(',') || 'nothing'}`);
  await p;
  t.same(order, ['queued sees nothing', 'hook sees k', 'answered sees k']);
});

t.test('an exclusive job holds the writer alone, and a throw rolls all of it back', async (t) => {
  const { conn, insert, keys, queue } = setup(t);
  let during: unknown[] = [];
  const tx = queue.exclusive(async () => {
    await insert('t1')();
    await new Promise((r) => setTimeout(r, 20));
    during = keys();
    await insert('t2')();
    throw new Error('undo');
  });
  const single = queue.single(insert('s'));
  await t.rejects(tx, /undo/);
  await single;
  t.same(during, [], 'the reader saw none of the open transaction');
  t.same(keys(), ['s']);
  t.notOk(conn.inTransaction);
});

t.test('jobs run in arrival order: a single write queued behind a transaction waits for it', async (t) => {
  const { insert, queue } = setup(t);
  const order: string[] = [];
  const a = queue.single(async () => order.push('single 1'));
  const tx = queue.exclusive(async () => {
    await new Promise((r) => setTimeout(r, 10));
    order.push('tx');
  });
  const b = queue.single(async () => order.push('single 2'));
  await Promise.all([a, tx, b, queue.single(insert('z'))]);
  t.same(order, ['single 1', 'tx', 'single 2']);
  await queue.idle();
});

t.test('waiting transactions share one COMMIT; one that throws is undone alone', async (t) => {
  // No time budget here: on a loaded machine three small transactions can take longer than the default one
  const { conn, insert, keys, queue } = setup(t, 60_000);
  const tx = (k: string, fail = false) => queue.exclusive(async () => {
    await insert(`${k}1`)();
    await new Promise((r) => setImmediate(r));
    await insert(`${k}2`)();
    if (fail) throw new Error(`${k} fails`);
  });
  const results = await Promise.allSettled([tx('a'), tx('b', true), tx('c')]);
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  t.same(keys(), ['a1', 'a2', 'c1', 'c2'], 'b left nothing behind');
  t.equal(queue.commits, 1, 'one COMMIT for the three transactions');
  t.notOk(conn.inTransaction);
});

t.test('a group stops taking jobs after a time budget, so an early caller is not held by many long transactions', async (t) => {
  const { insert, keys, queue } = setup(t);
  const slow = (k: string) => queue.exclusive(async () => {
    await new Promise((r) => setTimeout(r, 10));
    await insert(k)();
  });
  await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map(slow));
  t.same(keys(), ['a', 'b', 'c', 'd', 'e', 'f']);
  t.ok(queue.commits >= 3, `several COMMITs for 60 ms of transactions (${queue.commits})`);
});
