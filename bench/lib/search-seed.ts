/**
 * Seeding for the search bench: Helsebro straight into its SQLite file (no HTTP), the peer over its REST API
 * with batch Bundles. Each loader feeds every resource it writes to a Tally (./search-queries.ts), so the
 * expected answers are counted over exactly what that server holds.
 *
 * Helsebro, two loaders (--loader):
 *   store (default)  the store's own write function for one version (updateOne in src/store/sql/versions.ts:
 *                    update-as-create, the same version row, head row and index rows a PUT writes) on one
 *                    connection, BEGIN IMMEDIATE .. COMMIT per batch, synchronous=OFF, a 1 GiB page cache.
 *                    The schema comes from SqliteRepository.open (its migrations), and the file is closed
 *                    through SqliteRepository.close, so it ends as the store leaves a file (PRAGMA optimize).
 *   repository       SqliteRepository.withTransaction with tx.update per resource, a batch per
 *                    transaction: the public Repository API. Measured here it is about 10x slower on this
 *                    data (each write's SAVEPOINT/RELEASE costs more the more pages the transaction has
 *                    dirtied), which would put the 1x seed at hours; kept to measure exactly that.
 * The peer: POST /fhir with Bundle.type=batch, 500 PUT entries each (the ids are kept), two Bundles in
 * flight, within a time budget; when the budget runs out it stops before the next Patient, so what it holds
 * is always a prefix of whole patients.
 */
import { statSync, existsSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';
import { generate } from '../search/generate.ts';
import type { Scale } from '../search/generate.ts';
import { Tally, patientIndex } from './search-queries.ts';
import type { Sample, TallyResult } from './search-queries.ts';
import type { Loader } from './search-options.ts';

const log = (msg: string): void => void process.stderr.write(`[bench:search] ${msg}\n`);

export interface SeedStats {
  resources: number;
  seconds: number;
  /** resources per second over the whole load (generation, JSON, indexing, commits) */
  rate: number;
  /** rate over the first and the last tenth of the load: how the cost per resource grows with the file */
  firstRate: number;
  lastRate: number;
  loader: string;
  /** database file size in bytes after the load (SQLite) */
  bytes?: number;
  /** whether the planner has statistics (sqlite_stat1) when the server starts */
  statistics?: boolean;
  /** set when the peer stopped at its budget before the planned prefix */
  stoppedEarly?: string;
}

/** Tracks the rate over the first and last tenth of a load of `planned` resources. */
class Rates {
  readonly #planned: number;
  readonly #t0 = performance.now();
  #firstAt = 0;
  #lastFrom = 0;
  #lastFromN = 0;
  #nextLog: number;
  constructor(planned: number) {
    this.#planned = planned;
    this.#nextLog = Math.max(50_000, Math.round(planned / 20));
  }
  tick(n: number, label: string): void {
    if (this.#firstAt === 0 && n >= this.#planned / 10) this.#firstAt = performance.now();
    if (this.#lastFrom === 0 && n >= (this.#planned * 9) / 10) [this.#lastFrom, this.#lastFromN] = [performance.now(), n];
    if (n >= this.#nextLog) {
      this.#nextLog += Math.max(50_000, Math.round(this.#planned / 20));
      const s = (performance.now() - this.#t0) / 1000;
      log(`${label}: ${n.toLocaleString('en-US')} / ${this.#planned.toLocaleString('en-US')} resources, ` +
        `${s.toFixed(0)} s, ${Math.round(n / s).toLocaleString('en-US')}/s so far`);
    }
  }
  done(n: number): { seconds: number; rate: number; firstRate: number; lastRate: number } {
    const end = performance.now();
    const seconds = (end - this.#t0) / 1000;
    const first = this.#firstAt ? (this.#planned / 10) / ((this.#firstAt - this.#t0) / 1000) : n / seconds;
    const last = this.#lastFrom && end > this.#lastFrom ? (n - this.#lastFromN) / ((end - this.#lastFrom) / 1000) : n / seconds;
    return { seconds, rate: n / seconds, firstRate: first, lastRate: last };
  }
}

/** Seeds `file` (must not exist) with generate(scale, seed); returns the load's numbers and the tally. */
export async function seedHelsebro(file: string, scale: Scale, seed: number, sample: Sample, loader: Loader,
  batch: number, planned: number, label: string): Promise<{ stats: SeedStats; tally: TallyResult }> {
  if (existsSync(file)) throw new Error(`${file} exists: the loader only fills a new file`);
  const { SqliteRepository } = await import('../../src/store/sqlite/repository.ts');
  const tally = new Tally(sample);
  const rates = new Rates(planned);
  let n = 0;
  let loaderText: string;
  if (loader === 'repository') {
    loaderText = `SqliteRepository.withTransaction + tx.update, ${batch.toLocaleString('en-US')} per transaction, synchronous=NORMAL`;
    const repo = await SqliteRepository.open({ file, synchronous: 'NORMAL' });
    try {
      let pending: Resource[] = [];
      const flush = async (): Promise<void> => {
        const rs = pending;
        pending = [];
        await repo.withTransaction(async (tx) => {
          for (const r of rs) await tx.update(r);
        });
      };
      for (const r of generate(scale, seed)) {
        pending.push(r);
        tally.add(r);
        n++;
        if (pending.length >= batch) await flush();
        rates.tick(n, label);
      }
      await flush();
    } finally {
      await repo.close();
    }
  } else {
    loaderText = `store write function (updateOne) in BEGIN..COMMIT of ${batch.toLocaleString('en-US')}, synchronous=OFF, 1 GiB page cache`;
    // schema and migrations exactly as the store makes them
    await (await SqliteRepository.open({ file, synchronous: 'NORMAL', checkpointer: false })).close();
    const { SqliteConnection } = await import('../../src/store/sqlite/connection.ts');
    const { updateOne } = await import('../../src/store/sql/versions.ts');
    const { MonotonicClock } = await import('../../src/store/clock.ts');
    const conn = new SqliteConnection(file, { readonly: false, synchronous: 'OFF' });
    try {
      conn.db.pragma('cache_size = -1048576');
      const env = { conn, clock: new MonotonicClock() };
      let inTx = 0;
      for (const r of generate(scale, seed)) {
        if (inTx === 0) conn.run(conn.dialect.beginWrite());
        await updateOne(env, r);
        tally.add(r);
        n++;
        if (++inTx >= batch) {
          conn.run('COMMIT');
          inTx = 0;
        }
        rates.tick(n, label);
      }
      if (inTx > 0) conn.run('COMMIT');
      conn.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      if (conn.inTransaction) conn.run('ROLLBACK');
      throw err;
    } finally {
      conn.close();
    }
  }
  const r = rates.done(n);
  // close as the store closes a file (PRAGMA optimize), so the server starts as it would after a restart
  await (await SqliteRepository.open({ file, synchronous: 'NORMAL', checkpointer: false })).close();
  return {
    stats: { resources: n, ...r, loader: loaderText, bytes: fileBytes(file), statistics: await hasStatistics(file) },
    tally: tally.result(),
  };
}

export function fileBytes(file: string): number {
  let bytes = 0;
  for (const f of [file, `${file}-wal`]) if (existsSync(f)) bytes += statSync(f).size;
  return bytes;
}

export async function hasStatistics(file: string): Promise<boolean> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'").get() as { n: number };
    if (row.n === 0) return false;
    return (db.prepare('SELECT count(*) AS n FROM sqlite_stat1').get() as { n: number }).n > 0;
  } finally {
    db.close();
  }
}

const HEADERS = { accept: 'application/fhir+json', 'content-type': 'application/fhir+json' };
const PEER_BUNDLE = 500;
const PEER_IN_FLIGHT = 2;

/**
 * Seeds the peer over HTTP with the first `patients` patients of generate(scale, seed) (plus the directory
 * resources that come first), within budgetSeconds. Throws on any failed entry.
 */
export async function seedPeer(baseUrl: string, scale: Scale, seed: number, sample: Sample, patients: number,
  budgetSeconds: number, planned: number): Promise<{ stats: SeedStats; tally: TallyResult; patients: number }> {
  const tally = new Tally(sample);
  const rates = new Rates(planned);
  const deadline = performance.now() + budgetSeconds * 1000;
  let n = 0;
  let seededPatients = 0;
  let stoppedEarly: string | undefined;
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  const send = (rs: Resource[]): Promise<void> => {
    const body = JSON.stringify({
      resourceType: 'Bundle',
      type: 'batch',
      entry: rs.map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })),
    });
    const p = (async () => {
      const res = await fetch(`${baseUrl}/fhir`, { method: 'POST', headers: HEADERS, body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${text.slice(0, 400)}`);
      const answer = JSON.parse(text) as { entry?: { response?: { status?: string } }[] };
      const bad = (answer.entry ?? []).findIndex((e) => !/^20[01]/.test(e.response?.status ?? ''));
      if ((answer.entry ?? []).length !== rs.length || bad >= 0) {
        throw new Error(`batch entry ${bad} of ${rs.length}: ${JSON.stringify(answer.entry?.[bad] ?? answer).slice(0, 400)}`);
      }
    })().catch((err: unknown) => {
      failure ??= err as Error;
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    return tracked;
  };
  let pending: Resource[] = [];
  for (const r of generate(scale, seed)) {
    if (r.resourceType === 'Patient') {
      if (patientIndex(r.id!) >= patients) break;
      if (performance.now() > deadline) {
        stoppedEarly = `the ${budgetSeconds} s seeding budget ran out after ${seededPatients.toLocaleString('en-US')} patients`;
        break;
      }
      seededPatients++;
    }
    pending.push(r);
    tally.add(r);
    n++;
    if (pending.length >= PEER_BUNDLE) {
      if (inFlight.size >= PEER_IN_FLIGHT) await Promise.race(inFlight);
      if (failure) throw failure;
      void send(pending);
      pending = [];
    }
    rates.tick(n, 'peer');
  }
  if (pending.length > 0) void send(pending);
  await Promise.all(inFlight);
  if (failure) throw failure;
  const r = rates.done(n);
  return {
    stats: { resources: n, ...r, loader: `HTTP batch Bundles of ${PEER_BUNDLE} PUT entries, ${PEER_IN_FLIGHT} in flight`, ...(stoppedEarly ? { stoppedEarly } : {}) },
    tally: tally.result(),
    patients: seededPatients,
  };
}

/** One `_summary=count` search per type; returns what differs from the tally ([] when every count is right). */
export async function checkRowCounts(baseUrl: string, tally: TallyResult): Promise<string[]> {
  const problems: string[] = [];
  for (const [type, want] of Object.entries(tally.counts)) {
    const res = await fetch(`${baseUrl}/fhir/${type}?_summary=count`, { headers: HEADERS });
    const text = await res.text();
    let total: unknown;
    try {
      total = (JSON.parse(text) as { total?: unknown }).total;
    } catch {
      // reported below
    }
    if (res.status !== 200 || total !== want) {
      problems.push(`${type}?_summary=count answered ${res.status} total ${String(total)}, expected ${want}` +
        (res.status !== 200 ? `: ${text.slice(0, 200)}` : ''));
    }
  }
  return problems;
}
