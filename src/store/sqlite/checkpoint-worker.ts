/**
 * Runs in a worker thread (see checkpointer.ts): its own connection to the store's file, checkpointing the
 * WAL back into the database in PASSIVE mode on a short interval. PASSIVE never waits for readers or the
 * writer; what it cannot copy yet it copies next time. https://sqlite.org/c3ref/wal_checkpoint_v2.html
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, synchronous, intervalMs } = workerData as { file: string; synchronous: string; intervalMs: number };
const db = new Database(file);
db.pragma('busy_timeout = 1000');
// The checkpoint's own syncs follow the store's durability level.
db.pragma(`synchronous = ${synchronous}`);

let failures = 0;
function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failures = 0;
  } catch (e) {
    if (++failures === 1) parentPort?.postMessage({ kind: 'error', message: String(e) });
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort?.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort?.postMessage({ kind: 'stopped' });
  parentPort?.close();
});
