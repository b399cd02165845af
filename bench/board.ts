/**
 * `npm run bench:board`: the DMS room board, GET /fhir/Location/$board?site=... (src/fhir/operations/board.ts),
 * against its target: "the board answers for 200 beds in under 10 ms at p99" (issue 6, item 5).
 *
 * Data (synthetic, written straight into a SQLite file with SqliteRepository.withTransaction, 500 per
 * transaction, synchronous=NORMAL): the measured site has 4 wards x 25 rooms x 2 beds = 200 beds plus 7
 * stations (dialysis, examination) directly under the site, 312 Locations; --occupied (150) of its beds hold an
 * in-progress Encounter (each with an earlier completed bed in its location list, the shape a move leaves)
 * with its own Patient; --history (20,000) finished Encounters with completed entries spread over its beds;
 * --noise-sites (9) more sites of the same shape, each with its own occupied beds, as noise in every index
 * the query seeks. Patients: one per Encounter, names and birth dates only.
 *
 * Measured, each uncached (HELSEBRO_COUNT_CACHE=off: every request runs the query and writes the answer, as
 * when the board is written to between polls) and kept (the store keeps a site's rows until the next COMMIT,
 * the operation its text until then or the next period boundary: what polls of an unchanged board cost):
 *   1. in-process, on the seeded file: repo.board(site) + the answer text, the whole operation
 *      without HTTP: --calls (2,000) calls after 200 warm-up calls, p50/p99/max;
 *   2. over HTTP: `node src/server.ts` on that file as a child process (bench/lib/process.ts), the answer
 *      checked (200 beds, the occupied count, each Encounter and Patient once), then autocannon
 *      (bench/lib/load.ts: warm-up, measured window, 2xx-only latencies) at each of --connections (1,4,16).
 *      A board polled every few seconds by a handful of screens is the 1-4 connection case; 16 is a stress
 *      row (every request waits for the ones ahead of it on one event loop).
 * Each run prints one table; --runs=N repeats the HTTP rows (the machine is shared: report several).
 * Flags: --duration=S (8), --warmup=S (2), --connections=1,4,16, --runs=N (1), --occupied, --history,
 * --noise-sites, --calls, --keep (keep the database, printed), --db=FILE (measure a kept database again, no seeding).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Resource } from '@medplum/fhirtypes';
import { measure, probe } from './lib/load.ts';
import { list, num } from './lib/options.ts';
import { startServer, trackDir } from './lib/process.ts';
import { helsebroSpecOn } from './lib/servers.ts';
import { table } from './lib/table.ts';

const TARGET_P99_MS = 10;
const V2_0116 = 'http://terminology.hl7.org/CodeSystem/v2-0116';
const PHYS = 'http://terminology.hl7.org/CodeSystem/location-physical-type';
const log = (msg: string): void => void process.stderr.write(`[bench:board] ${msg}\n`);

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    duration: { type: 'string' }, warmup: { type: 'string' }, connections: { type: 'string' }, runs: { type: 'string' },
    occupied: { type: 'string' }, history: { type: 'string' }, 'noise-sites': { type: 'string' }, calls: { type: 'string' },
    keep: { type: 'boolean', default: false }, db: { type: 'string' },
  },
  strict: true,
});
const opts = {
  duration: num(values.duration, undefined, 8, 'bench:board'),
  warmup: num(values.warmup, undefined, 2, 'bench:board'),
  connections: (list(values.connections, undefined) ?? ['1', '4', '16']).map((c) => Math.round(num(c, undefined, 1, 'bench:board'))),
  runs: Math.round(num(values.runs, undefined, 1, 'bench:board')),
  occupied: Math.round(num(values.occupied, undefined, 150, 'bench:board')),
  history: Math.round(num(values.history, undefined, 20_000, 'bench:board')),
  noiseSites: Math.round(num(values['noise-sites'], undefined, 9, 'bench:board')),
  calls: Math.round(num(values.calls, undefined, 2_000, 'bench:board')),
};

/** A small deterministic generator (mulberry32), so every run seeds the same data */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const location = (id: string, name: string, type: string, partOf?: string, bedStatus?: string): Resource => ({
  resourceType: 'Location', id, status: 'active', name,
  physicalType: { coding: [{ system: PHYS, code: type }] },
  ...(bedStatus ? { operationalStatus: { system: V2_0116, code: bedStatus } } : {}),
  ...(partOf ? { partOf: { reference: `Location/${partOf}` } } : {}),
}) as Resource;

const FAMILIES = ['Nordmann', 'Fjell', 'Strand', 'Havbakken', 'Ødegård', 'Berg', 'Lie', 'Dahl', 'Haugen', 'Bakke'];
const patient = (id: string, r: () => number): Resource => ({
  resourceType: 'Patient', id, name: [{ family: FAMILIES[Math.floor(r() * FAMILIES.length)], given: ['Test'] }],
  gender: r() < 0.5 ? 'female' : 'male', birthDate: `19${30 + Math.floor(r() * 60)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`,
}) as Resource;

const day = (n: number): string => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString().replace('.000Z', '+00:00');
const encounter = (id: string, status: string, subject: string, location: unknown[], start: string, end?: string): Resource => ({
  resourceType: 'Encounter', id, status, class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
  subject: { reference: `Patient/${subject}` }, period: { start, ...(end ? { end } : {}) }, location,
}) as Resource;
const at = (bed: string, status: string, start: string, end?: string) => ({ location: { reference: `Location/${bed}` }, status, period: { start, ...(end ? { end } : {}) } });

/** One site: its Locations and its bed ids */
function site(prefix: string): { resources: Resource[]; beds: string[] } {
  const resources = [location(prefix, `DMS ${prefix}`, 'si')];
  const beds: string[] = [];
  for (let w = 1; w <= 4; w++) {
    const ward = `${prefix}-w${w}`;
    resources.push(location(ward, `Post ${w}`, 'wa', prefix));
    for (let r = 1; r <= 25; r++) {
      const room = `${ward}-r${r}`;
      resources.push(location(room, `Rom ${w}${String(r).padStart(2, '0')}`, 'ro', ward));
      for (let b = 1; b <= 2; b++) {
        const bed = `${room}-b${b}`;
        beds.push(bed);
        resources.push(location(bed, `Seng ${w}${String(r).padStart(2, '0')}-${b}`, 'bd', room, 'U'));
      }
    }
  }
  for (let s = 1; s <= 7; s++) resources.push(location(`${prefix}-st${s}`, `${s <= 4 ? 'Dialyseplass' : 'Undersøkelsesrom'} ${s}`, s <= 4 ? 'area' : 'ro', prefix, 'U'));
  return { resources, beds };
}

/** The data, in write order (Locations before what references them) */
function* data(): Generator<Resource> {
  const r = rng(1);
  const sites = ['kystby', ...Array.from({ length: opts.noiseSites }, (_, i) => `noise${i + 1}`)];
  let p = 0;
  let e = 0;
  for (const [i, name] of sites.entries()) {
    const { resources, beds } = site(name);
    const occupied = new Set<string>();
    while (occupied.size < Math.min(opts.occupied, beds.length)) occupied.add(beds[Math.floor(r() * beds.length)]);
    for (const l of resources) {
      const isOccupied = occupied.has(l.id!);
      yield isOccupied ? { ...l, operationalStatus: { system: V2_0116, code: 'O' } } as Resource : l;
    }
    for (const bed of occupied) {
      const pid = `p${++p}`;
      yield patient(pid, r);
      const before = beds[Math.floor(r() * beds.length)];
      yield encounter(`e${++e}`, 'in-progress', pid, [at(before, 'completed', day(300), day(301)), at(bed, 'active', day(301))], day(300));
    }
    // the measured site carries the history; noise sites a tenth of it each
    const history = i === 0 ? opts.history : Math.round(opts.history / 10);
    for (let h = 0; h < history; h++) {
      const pid = `p${++p}`;
      yield patient(pid, r);
      const start = Math.floor(r() * 290);
      yield encounter(`e${++e}`, 'finished', pid, [at(beds[Math.floor(r() * beds.length)], 'completed', day(start), day(start + 3))], day(start), day(start + 3));
    }
  }
}

async function seed(file: string): Promise<number> {
  const { SqliteRepository } = await import('../src/store/sqlite/repository.ts');
  const repo = await SqliteRepository.open({ file, synchronous: 'NORMAL' });
  const t0 = performance.now();
  let n = 0;
  try {
    let batch: Resource[] = [];
    const flush = async () => {
      const rs = batch;
      batch = [];
      await repo.withTransaction(async (tx) => {
        for (const x of rs) await tx.update(x);
      });
    };
    for (const x of data()) {
      batch.push(x);
      if (++n % 500 === 0) await flush();
      if (n % 10_000 === 0) log(`seeded ${n.toLocaleString('en-US')} resources`);
    }
    await flush();
  } finally {
    await repo.close();
  }
  log(`seeded ${n.toLocaleString('en-US')} resources in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return n;
}

/** The number of current resources in a file seeded before */
async function stored(file: string): Promise<number> {
  const { SqliteConnection } = await import('../src/store/sqlite/connection.ts');
  const conn = new SqliteConnection(file, { readonly: true, synchronous: 'OFF' });
  try {
    return Number((conn.db.prepare('SELECT COUNT(*) AS n FROM resource_current WHERE deleted = 0').get() as { n: number }).n);
  } finally {
    conn.close();
  }
}

const pct = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

interface Timing { p50: number; p99: number; max: number; bytes: number }

/** The operation without HTTP: the store's one query and the answer text; `cached`: the store keeps the rows
 * until the next COMMIT and the operation its text (what polls of an unchanged board cost), else every call
 * reads and writes everything (HELSEBRO_COUNT_CACHE=off, or a board written to between polls) */
async function inProcess(file: string, cached: boolean): Promise<Timing> {
  const { SqliteRepository } = await import('../src/store/sqlite/repository.ts');
  const { answerOf, boardJson } = await import('../src/fhir/operations/board.ts');
  const repo = await SqliteRepository.open({ file, checkpointer: false, countCache: cached });
  try {
    const once = async () => (cached ? answerOf : boardJson)(await repo.board('kystby'), Date.now());
    for (let i = 0; i < 200; i++) await once();
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < opts.calls; i++) {
      const t = performance.now();
      bytes = (await once()).length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { p50: pct(times, 50), p99: pct(times, 99), max: times[times.length - 1], bytes };
  } finally {
    await repo.close();
  }
}

/** The answer is right before it is timed: 311 places (4 wards, 100 rooms, 200 beds, 7 stations), each current Encounter and Patient once */
function check(body: any): string | undefined {
  const params: any[] = body?.parameter ?? [];
  const places = params.filter((p) => p.name === 'place');
  const beds = places.filter((p) => p.part[0].resource.physicalType.coding[0].code === 'bd').length;
  const enc = params.filter((p) => p.name === 'encounter').map((p) => p.resource.id);
  const pat = params.filter((p) => p.name === 'patient').map((p) => p.resource.id);
  const refs = places.flatMap((p) => p.part.filter((x: any) => x.name === 'encounter')).length;
  if (places.length !== 311 || beds !== 200) return `${places.length} places, ${beds} beds (expected 311 and 200)`;
  if (enc.length !== opts.occupied || new Set(enc).size !== enc.length || refs !== opts.occupied) return `${enc.length} encounters, ${refs} references (expected ${opts.occupied} once)`;
  if (pat.length !== opts.occupied || new Set(pat).size !== pat.length) return `${pat.length} patients (expected ${opts.occupied} once)`;
  return undefined;
}

async function main(): Promise<void> {
  // --db=FILE: a file an earlier run seeded (with --keep) and the same data flags; not removed
  const dir = values.db ? undefined : await mkdtemp(join(tmpdir(), 'helsebro-board-'));
  const untrack = dir ? trackDir(dir) : () => undefined;
  const file = values.db ?? join(dir!, 'board.db');
  try {
    const resources = values.db ? await stored(file) : await seed(file);
    const verdict = (p99: number, bad = 0) => (bad > 0 ? `${bad} failed` : p99 < TARGET_P99_MS ? 'met' : 'MISSED');
    const rows: string[][] = [];
    let bytes = 0;
    for (const cached of [false, true]) {
      const ip = await inProcess(file, cached);
      bytes = ip.bytes;
      log(`in-process, ${cached ? 'cached' : 'uncached'}: p50 ${ip.p50.toFixed(3)} ms, p99 ${ip.p99.toFixed(3)} ms, max ${ip.max.toFixed(2)} ms, answer ${ip.bytes.toLocaleString('en-US')} bytes`);
      rows.push([`in-process, ${cached ? 'kept rows and text' : 'uncached'}`, '-', '-', ip.p50.toFixed(3), ip.p99.toFixed(3), '-', verdict(ip.p99)]);
    }
    const path = '/fhir/Location/$board?site=Location/kystby';
    for (const cached of [false, true]) {
      const server = await startServer(helsebroSpecOn(file, cached ? {} : { HELSEBRO_COUNT_CACHE: 'off' }));
      try {
        const first = await probe(server.baseUrl, { method: 'GET', path });
        const problem = first.status === 200 ? check(first.body) : `HTTP ${first.status}: ${first.text.slice(0, 300)}`;
        if (problem) throw new Error(`wrong answer, not measured: ${problem}`);
        for (let run = 1; run <= opts.runs; run++) {
          for (const c of opts.connections) {
            const m = await measure(server.baseUrl, [{ method: 'GET', path }], { duration: opts.duration, warmup: opts.warmup, connections: c, serverPid: server.child.pid });
            const bad = m.non2xx + m.connErrors + m.timeouts;
            const label = `HTTP ${cached ? 'kept' : 'uncached'}, ${c} conn.${opts.runs > 1 ? ` (run ${run})` : ''}`;
            log(`${label}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms, server ${m.serverCpu.toFixed(2)} cores, others ${m.backgroundCpu.toFixed(2)} cores${bad ? `, ${bad} FAILED` : ''}`);
            rows.push([label, Math.round(m.rps).toLocaleString('en-US'), m.serverCpu.toFixed(2), m.p50.toFixed(2), m.p99.toFixed(2), m.backgroundCpu.toFixed(2), verdict(m.p99, bad)]);
          }
        }
      } finally {
        await server.stop();
      }
    }
    process.stdout.write(`\nLocation/$board, 200 beds (311 places, ${opts.occupied} occupied), ${resources.toLocaleString('en-US')} resources stored ` +
      `(${opts.history.toLocaleString('en-US')} finished Encounters at this site, ${opts.noiseSites} other sites), answer ${bytes.toLocaleString('en-US')} bytes; ` +
      `${new Date().toISOString()}, ${opts.duration} s per row after ${opts.warmup} s warm-up. "uncached": HELSEBRO_COUNT_CACHE=off, every request ` +
      `runs the query and writes the answer (a board written to between polls); "kept": rows kept until the next COMMIT, text until then or the next period boundary\n\n`);
    process.stdout.write(`${table(['row', 'req/s', 'server cores', 'p50 ms', 'p99 ms', 'other cores', `target p99 < ${TARGET_P99_MS} ms`], rows, [0])}\n`);
  } finally {
    if (values.keep && dir) log(`database kept: --db=${file}`);
    else if (dir) await rm(dir, { recursive: true, force: true });
    untrack();
  }
}

await main();
