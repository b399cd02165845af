/**
 * Store-level micro-bench: Repository calls without HTTP, memory beside SQLite, printed as one table.
 *   node bench/store.ts [--seconds 2] [--dir /path/on/the/disk/to/test]
 * Reads are measured warm (the LRU holds every resource) and cold (LRU off: one prepared get each).
 * Creates are measured one at a time (every create waits for its own COMMIT: the fsync cost in full) and
 * with 64 in flight (group commit shares one COMMIT among the waiting writes). The fsync line measures
 * the disk itself (4 KiB write + fdatasync), which bounds FULL: one-at-a-time FULL creates cannot beat it.
 * Updates are measured changing every value, and changing one element (gender) with the rest as stored.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { MemoryRepository } from '../src/store/memory/repository.ts';
import type { Repository } from '../src/store/repository.ts';
import { SqliteRepository } from '../src/store/sqlite/repository.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', '2'));
const DIR = mkdtempSync(join(arg('dir', tmpdir()), 'helsebro-bench-'));
const PRELOAD = 5_000;

const patient = (i: number): Resource =>
  ({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: String(10_000_000_000 + i) }],
    name: [{ family: 'Nordmann', given: ['Kari', String(i)] }],
    gender: 'female',
    birthDate: '1969-11-13',
    address: [{ line: ['Storgata 1'], postalCode: '0150', city: 'Oslo' }],
  }) as Resource;

/** Runs op with `inFlight` callers for SECONDS; returns operations per second */
async function rate(op: (i: number) => Promise<unknown>, inFlight = 1): Promise<number> {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) await op(n++);
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

async function preload(repo: Repository): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < PRELOAD; i += 500) {
    const batch = await repo.withTransaction(async (tx) => {
      const out: string[] = [];
      for (let k = 0; k < 500; k++) out.push((await tx.create(patient(i + k))).id);
      return out;
    });
    ids.push(...batch);
  }
  return ids;
}

type Row = [string, number | undefined, number | undefined];

async function suite(make: (sync: 'FULL' | 'NORMAL', cache?: number) => Promise<Repository>, isMemory: boolean): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const full = await make('FULL');
  const ids = await preload(full);
  const slot = (i: number) => (i * 7919) % ids.length;
  const pick = (i: number) => ids[slot(i)];
  for (const id of ids) await full.read('Patient', id); // warm the cache
  out.set('read (warm)', await rate((i) => full.read('Patient', pick(i))));
  if (!isMemory) {
    const cold = await make('FULL', 0);
    const coldIds = await preload(cold);
    out.set('read (LRU off)', await rate((i) => cold.read('Patient', coldIds[(i * 7919) % coldIds.length])));
    await cold.close();
  }
  out.set('create FULL, 1 in flight', await rate((i) => full.create(patient(i))));
  out.set('create FULL, 64 in flight', await rate((i) => full.create(patient(i)), 64));
  out.set('update FULL, 64 in flight', await rate((i) => full.update({ ...patient(i), id: pick(i) } as Resource), 64));
  // A clinical update changes one element and keeps the rest: gender toggled, every other value as preloaded
  out.set('update 1 element, 64 in flight', await rate((i) => full.update({ ...patient(slot(i)), id: pick(i), gender: i % 2 === 0 ? 'male' : 'female' } as Resource), 64));
  out.set('10-write transaction FULL', await rate(() => full.withTransaction(async (tx) => {
    for (let k = 0; k < 10; k++) await tx.create(patient(k));
  })));
  await full.close();
  const normal = await make('NORMAL');
  out.set('create NORMAL, 1 in flight', await rate((i) => normal.create(patient(i))));
  out.set('create NORMAL, 64 in flight', await rate((i) => normal.create(patient(i)), 64));
  await normal.close();
  return out;
}

function fsyncRate(): number {
  const file = join(DIR, 'fsync.bin');
  const fd = openSync(file, 'w');
  const buf = Buffer.alloc(4096, 1);
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    writeSync(fd, buf, 0, buf.length, (n % 64) * 4096);
    fdatasyncSync(fd);
    n++;
  }
  closeSync(fd);
  return n / ((performance.now() - t0) / 1000);
}

let files = 0;
const memory = await suite(async () => new MemoryRepository(), true);
const sqlite = await suite((sync, cache) => SqliteRepository.open({ file: join(DIR, `s${++files}.db`), synchronous: sync, cacheEntries: cache }), false);
const rows: Row[] = [...sqlite.keys()].map((k) => [k, memory.get(k), sqlite.get(k)]);
const fmt = (x: number | undefined) => (x === undefined ? '-' : Math.round(x).toLocaleString('en-US')).padStart(12);
console.log(`\nstore ops/s (${SECONDS}s each; ${PRELOAD} Patients preloaded; SQLite file in ${DIR})`);
console.log(`${'operation'.padEnd(30)}${'memory'.padStart(12)}${'sqlite'.padStart(12)}`);
for (const [k, m, s] of rows) console.log(`${k.padEnd(30)}${fmt(m)}${fmt(s)}`);
console.log(`${'disk: 4 KiB write+fdatasync'.padEnd(30)}${fmt(undefined)}${fmt(fsyncRate())}`);
console.log('(a 10-write transaction row counts transactions, not writes)');
rmSync(DIR, { recursive: true, force: true });
