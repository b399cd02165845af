// WAL checkpoints run in a worker thread, not inside a request's COMMIT. https://sqlite.org/wal.html#ckpt
import t from 'tap';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteRepository } from '../../../src/store/sqlite/repository.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fileGrowth(file: string, checkpointer: boolean): Promise<number> {
  const repo = await SqliteRepository.open({ file, synchronous: 'NORMAL', checkpointer });
  const before = statSync(file).size;
  await Promise.all(Array.from({ length: 300 }, (_, i) => repo.create({ resourceType: 'Patient', name: [{ family: `Hansen${i}` }] } as never)));
  // Long enough for a few checkpoint intervals (100 ms); with the worker, stop as soon as the file grew, so a
  // busy machine (slow worker start) gets up to 5 s.
  const deadline = Date.now() + (checkpointer ? 5000 : 400);
  let grown = 0;
  while (Date.now() < deadline) {
    await sleep(50);
    grown = statSync(file).size - before;
    if (checkpointer && grown > 64 * 1024) break;
  }
  await repo.close();
  return grown;
}

t.test('the worker copies committed WAL frames into the database file while the store runs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-ckpt-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // 300 creates stay far below SQLite's automatic threshold: without the worker the database file keeps
  // its size until close; with it, the pages reach the file within the checkpoint interval.
  t.equal(await fileGrowth(join(dir, 'a.db'), false), 0, 'control: without the worker nothing is checkpointed yet');
  t.ok((await fileGrowth(join(dir, 'b.db'), true)) > 64 * 1024, 'with the worker the database file has grown');
  const reopened = await SqliteRepository.open({ file: join(dir, 'b.db'), checkpointer: false });
  t.equal((await reopened.search({ resourceType: 'Patient', filters: [], sort: [], count: 0, offset: 0, total: true })).total, 300, 'nothing was lost');
  await reopened.close();
});

t.test('close waits for the worker and leaves no thread behind', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-ckpt-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const repo = await SqliteRepository.open({ file: join(dir, 'store.db') });
  await repo.create({ resourceType: 'Patient' } as never);
  await repo.close();
  await repo.close();
  t.pass('closing twice is harmless and resolves');
});
