// Durable writes off the event loop (src/store/sqlite/wal-sync.ts, read-gate.ts, writer-thread.ts): an answered
// write is on disk (synchronous=FULL, https://sqlite.org/pragma.html#pragma_synchronous), no read sees a write
// before it is, a failed sync stops writes for good, and single writes run in the writer thread with the same
// version rules and a lastUpdated that keeps increasing across both writers
// (https://hl7.org/fhir/R4/resource.html#Meta).
import t from 'tap';
import { mkdtempSync, rmSync, statSync, type fdatasync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { SqliteRepository } from '../../../src/store/sqlite/repository.ts';

const dir = mkdtempSync(join(tmpdir(), 'helsebro-durable-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tempFile = () => join(dir, `store-${++n}.db`);
const patient = (extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', name: [{ family: 'Ødegård' }], ...extra }) as Resource;

/** An fdatasync whose completions the test hands out */
function heldSync() {
  const held: ((err: NodeJS.ErrnoException | null) => void)[] = [];
  let calls = 0;
  const sync = ((_fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    calls++;
    held.push(cb);
  }) as typeof fdatasync;
  const waitForCall = async () => {
    for (let i = 0; i < 200 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    if (held.length === 0) throw new Error('no fdatasync call');
  };
  return {
    sync,
    get calls() {
      return calls;
    },
    async release(err: NodeJS.ErrnoException | null = null) {
      await waitForCall();
      held.shift()!(err);
    },
  };
}

const settledYet = async (p: Promise<unknown>) => {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setTimeout(r, 30));
  return done;
};

const allPatients = { resourceType: 'Patient', filters: [], sort: [], count: 10, offset: 0, total: true } as const;

t.test('FULL off the loop: a write is answered only after its WAL sync, and reads wait for it instead of seeing it early', async (t) => {
  const s = heldSync();
  // No writer thread and no read cache: every write and every read goes through the main thread's connections.
  const repo = await SqliteRepository.open({ file: tempFile(), writerThread: false, cacheEntries: 0, fdatasync: s.sync });
  t.teardown(() => repo.close());
  t.match(repo.diagnostics(), { synchronous: 2, syncOffLoop: true, writerThread: false });
  const first = repo.update(patient({ id: 'before' }));
  await s.release();
  await first;

  const write = repo.update(patient({ id: 'held' }));
  t.notOk(await settledYet(write), 'not answered while the sync of its COMMIT runs');
  const read = repo.read('Patient', 'held');
  const search = repo.search(allPatients as never);
  const older = repo.read('Patient', 'before');
  t.notOk(await settledYet(read), 'a read of the database waits: it would otherwise see a commit a power cut could undo');
  t.notOk(await settledYet(older), 'every read of the database waits, not only those of the written resource');
  t.equal(s.calls, 2, 'one sync per COMMIT');
  await s.release();
  t.equal((await write).versionId, '1');
  t.equal((await read).id, 'held', 'once durable, the write is seen');
  t.equal((await older).id, 'before');
  t.equal((await search).total, 2);
});

t.test('FULL off the loop: a failed sync fails its writes, and the store then refuses writes and database reads', async (t) => {
  const s = heldSync();
  const repo = await SqliteRepository.open({ file: tempFile(), writerThread: false, cacheEntries: 0, fdatasync: s.sync });
  t.teardown(() => repo.close());
  const w = repo.update(patient({ id: 'lost' }));
  await s.release(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
  const unavailable = { name: 'FhirError', code: 'FHIR_SERVICE_UNAVAILABLE', status: 503 };
  await t.rejects(w, unavailable, 'the write is not reported as done');
  await t.rejects(repo.create(patient()), unavailable, 'a later write is refused, not retried on a file whose state is unknown');
  await t.rejects(repo.read('Patient', 'lost'), unavailable, 'a read would show a commit that may not be on disk: refused');
  t.equal(s.calls, 1, 'the failed sync is not retried');
});

t.test('FULL off the loop: the WAL stays bounded under sustained writes (reads never pin it)', async (t) => {
  const file = tempFile();
  const repo = await SqliteRepository.open({ file, writerThread: false });
  t.teardown(() => repo.close());
  // One at a time, each followed by a read: a COMMIT each (about 20 new WAL pages each when the WAL never
  // restarts, which is what a reader pinned in a read transaction caused: about 110 MB here).
  for (let i = 0; i < 1400; i++) await repo.read('Patient', (await repo.create(patient({ gender: i % 2 ? 'male' : 'female' }))).id);
  const wal = statSync(`${file}-wal`).size;
  // The writer's safety valve checkpoints at 10,000 pages (40 MB); a WAL that never restarts grows past it.
  t.ok(wal < 48 * 1024 * 1024, `WAL ${(wal / 1048576).toFixed(1)} MiB after 1,400 creates`);
});

t.test('writer thread: single writes run there with the same version rules and coded errors', async (t) => {
  const repo = await SqliteRepository.open({ file: tempFile() });
  t.teardown(() => repo.close());
  t.match(repo.diagnostics(), { writerThread: true, synchronous: 2 });
  const a = await repo.update(patient({ id: 'thread-1' }));
  t.equal(a.versionId, '1');
  t.equal((await repo.read('Patient', 'thread-1')).raw, a.raw, 'the read cache holds what the thread wrote');
  await t.rejects(repo.update(patient({ id: 'thread-1', active: true }), { ifMatch: '7' }),
    { name: 'FhirError', code: 'FHIR_PRECONDITION_FAILED', status: 412 },
    'a 412 from the thread arrives as the catalogue error');
  const gone = await repo.delete('Patient', 'thread-1');
  t.equal(gone?.versionId, '2');
  await t.rejects(repo.read('Patient', 'thread-1'), { code: 'FHIR_GONE' });
  const found = await repo.search({ ...allPatients, filters: [{ kind: 'string', param: 'family', mode: 'prefix', values: ['ode'] }] } as never);
  t.equal(found.total, 0, 'the deleted resource left the index');
});

t.test('writer thread: writes and transactions keep their arrival order, and lastUpdated increases across both writers', async (t) => {
  const repo = await SqliteRepository.open({ file: tempFile() });
  t.teardown(() => repo.close());
  const calls: Promise<{ lastUpdated: string; id: string }>[] = [];
  for (let i = 0; i < 6; i++) {
    calls.push(repo.create(patient()));
    calls.push(repo.withTransaction(async (tx) => {
      const seen = await tx.search(allPatients as never);
      const made = await tx.create(patient({ active: true }));
      t.equal(seen.total, 2 * i + 1, `transaction ${i} sees every write queued before it`);
      return made;
    }));
  }
  const done = await Promise.all(calls);
  const times = done.map((d) => d.lastUpdated);
  t.same([...times].sort(), times, 'lastUpdated follows arrival order');
  t.equal(new Set(times).size, times.length, 'and never repeats');
});

t.test('writer thread: a thread that dies fails only what it was doing, and is started again', async (t) => {
  const repo = await SqliteRepository.open({ file: tempFile() });
  t.teardown(() => repo.close());
  const before = await repo.create(patient());
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  await repo.crashWriterThread();
  const after = await repo.create(patient());
  t.equal((await repo.read('Patient', after.id)).id, after.id, 'writes work again');
  t.equal((await repo.read('Patient', before.id)).id, before.id, 'nothing committed before was lost');
  await new Promise((r) => setImmediate(r));
  t.match(warnings.join('\n'), /writer thread exited/, 'the death is reported');
});
