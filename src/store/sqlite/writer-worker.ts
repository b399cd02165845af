/**
 * Runs in the writer thread (./writer-thread.ts): its own writer connection to the store's file, and a write
 * queue of its own that carries out each batch of single writes it is sent as one group commit, every write
 * in its own SAVEPOINT (./write-queue.ts), at the store's synchronous level. Index rows come with the writes
 * (extracted on the main thread, where the search parameter registry lives), so this thread only runs SQL.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MonotonicClock } from '../clock.ts';
import { applyWrite, type WriteOp, type WriteEnv } from '../sql/versions.ts';
import { SqliteConnection } from './connection.ts';
import { WAL_PAGES_SAFETY_VALVE, WAL_SIZE_LIMIT } from './checkpointer.ts';
import { WriteQueue } from './write-queue.ts';
import { toWire, type BatchRequest, type WireOutcome, type WorkerMessage } from './writer-thread.ts';

const { file, synchronous } = workerData as { file: string; synchronous: 'FULL' | 'NORMAL' };
const port = parentPort!;
const post = (m: WorkerMessage): void => port.postMessage(m);

let conn: SqliteConnection;
try {
  conn = new SqliteConnection(file, { readonly: false, synchronous });
  conn.db.pragma(`wal_autocheckpoint = ${WAL_PAGES_SAFETY_VALVE}`);
  conn.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
} catch (e) {
  post({ kind: 'open-failed', error: toWire(e) });
  process.exit(1);
}

const clock = new MonotonicClock();
const env: WriteEnv = { conn, clock };
const queue = new WriteQueue(conn);

/** COMMITs already reported to the main thread (batches sent one after another share COMMITs) */
let reported = 0;

async function runBatch(m: BatchRequest): Promise<void> {
  clock.observe(m.floor);
  const settled = await Promise.allSettled((m.ops as WriteOp[]).map((op) => queue.single(() => applyWrite(env, op))));
  const outcomes: WireOutcome[] = settled.map((r) => (r.status === 'fulfilled' ? { ok: true, value: r.value } : { ok: false, error: toWire(r.reason) }));
  const commits = queue.commits - reported;
  reported = queue.commits;
  post({ kind: 'done', seq: m.seq, outcomes, commits, last: clock.lastIssued });
}

port.on('message', (m: BatchRequest | { kind: 'close' }) => {
  if (m.kind === 'batch') {
    void runBatch(m);
    return;
  }
  void queue.idle().then(() => {
    conn.close();
    port.close();
  });
});

post({ kind: 'ready' });
