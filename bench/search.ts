/**
 * `npm run bench:search`: what Helsebro's searches cost on a realistic amount of data, beside the peer of the
 * core bench, and how the cost grows with ten times the data.
 *
 * Data: bench/search/generate.ts, seed 1: 100,000 Patients, 300,000 Observations, 50,000 Encounters and 486
 * Organizations/Practitioners (DEFAULT_SCALE); with --10x also SCALE_10X (10x the patients and clinical data).
 * Queries (bench/lib/search-queries.ts): token, string prefix, date range, reference, chained, _has and
 * _include, each with _count=20; the expected answer of each is counted over exactly the resources that
 * server holds, and checked (status, Bundle.total, page size, included entries) before its load runs.
 *
 * How:
 *   - Helsebro is seeded without HTTP, straight into its SQLite file (bench/lib/search-seed.ts), and the
 *     seeding time is printed: resources per second is the cost of writing and indexing a resource. Then
 *     `node src/server.ts` runs on that file as a child process, like in the core bench, and one
 *     `_summary=count` search per type checks it holds what was written.
 *   - The peer (bench/servers/peer.ts: Medplum's FhirRouter + MemoryRepository behind Fastify, with the R4
 *     search parameters loaded) is seeded over HTTP with batch Bundles. Its searches scan every resource of
 *     the type and evaluate FHIRPath on each, so it gets a prefix of the same stream (--peer-patients,
 *     default 10,000 patients: 1/10 of the set) and the table says so; a query it rejects, answers wrongly,
 *     or answers too slowly for a load run (see loadLimitMs) shows "-" with the reason in a footnote.
 *   - Load as in the core bench (bench/lib/load.ts): autocannon in this process, 16 connections, a warm-up
 *     then a measured window per query and side, one server process at a time; the request timeout is
 *     raised to LOAD_TIMEOUT_S because the peer's slow queries queue up behind each other.
 *   - EXPLAIN QUERY PLAN of every query on the seeded file (bench/lib/search-explain.ts), printed for the
 *     queries whose p50 or time alone is over SLOW_MS and kept in the JSON for all.
 * The database lives in a temp directory removed at the end (or in --db-dir, kept and reused).
 * Flags: bench/lib/search-options.ts. Output: the tables on stdout, progress on stderr, a JSON copy in
 * bench/results/search-*.json (gitignored).
 */
import { existsSync, statfsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { arch, availableParallelism, cpus, platform, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCALE, SCALE_10X, expectedCounts } from './search/generate.ts';
import type { Scale } from './search/generate.ts';
import { measure } from './lib/load.ts';
import { startServer, trackDir } from './lib/process.ts';
import type { RunningServer } from './lib/process.ts';
import { PEER_SPEC, ROOT, helsebroAvailable, helsebroSpecOn } from './lib/servers.ts';
import { explainQueries, renderPlans } from './lib/search-explain.ts';
import type { QueryPlan } from './lib/search-explain.ts';
import { parseSearchOptions } from './lib/search-options.ts';
import type { SearchBenchOptions } from './lib/search-options.ts';
import { QUERIES, checkSearchset, findSample, queryPath, queryText, tallyOf } from './lib/search-queries.ts';
import type { Expected, Sample, SearchQuery, TallyResult } from './lib/search-queries.ts';
import { Footnotes, renderScaleTable, renderSearchFailures, renderTenXTable } from './lib/search-report.ts';
import type { SearchRow, Side, SideOutcome } from './lib/search-report.ts';
import { checkRowCounts, fileBytes, hasStatistics, seedHelsebro, seedPeer } from './lib/search-seed.ts';
import type { SeedStats } from './lib/search-seed.ts';

const SEED = 1;
/** seconds before autocannon gives up on one request (the core bench uses 10) */
const LOAD_TIMEOUT_S = 60;
/**
 * A slow query gets a longer measured window, so every connection sees at least ANSWERS_PER_CONNECTION
 * answers (a server that works on one request at a time answers each of C clients every C x alone ms), up
 * to MAX_WINDOW_S; a query too slow even for that is not load-tested (on either side), and its time alone
 * is what the table shows.
 */
const ANSWERS_PER_CONNECTION = 3;
const MAX_WINDOW_S = 60;
const loadLimitMs = (connections: number): number => (MAX_WINDOW_S * 1000) / (ANSWERS_PER_CONNECTION * connections);
/** one check request may take this long (the peer's slowest queries on its prefix take tens of seconds) */
const PROBE_TIMEOUT_MS = 300_000;
/** Helsebro queries with a p50 above this get their query plan printed */
const SLOW_MS = 5;
const HEADERS = { accept: 'application/fhir+json' };

const log = (msg: string): void => void process.stderr.write(`[bench:search] ${msg}\n`);
const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (b: number): string => `${int(b / 2 ** 20)} MiB`;
const minutes = (s: number): string => (s < 120 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);

interface Answer { status: number; body: unknown; text: string; ms: number }

async function get(baseUrl: string, path: string): Promise<Answer> {
  const t = performance.now();
  const res = await fetch(`${baseUrl}${path}`, { headers: HEADERS, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  const text = await res.text();
  const ms = performance.now() - t;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body, text, ms };
}

/** The first diagnostics of an OperationOutcome answer, else the start of the body */
function reasonOf(a: Answer): string {
  const b = a.body as { resourceType?: string; issue?: { diagnostics?: string; details?: { text?: string } }[] };
  const issue = b?.resourceType === 'OperationOutcome' ? b.issue?.[0] : undefined;
  return (issue?.diagnostics ?? issue?.details?.text ?? a.text.slice(0, 200)).replace(/\s+/g, ' ');
}

/**
 * The check before the load: status, total, page and included entries against the expected answer. When
 * the Bundle carries no total, asks again with _summary=count.
 */
async function check(baseUrl: string, q: SearchQuery, sample: Sample, e: Expected): Promise<{ answer: Answer; problem?: string }> {
  const path = queryPath(q, sample);
  const answer = await get(baseUrl, path);
  const verdict = checkSearchset(answer.status, answer.body, e);
  if (verdict.problem) return { answer, problem: `GET ${path}: ${verdict.problem}; body: ${answer.text.slice(0, 300)}` };
  if (verdict.needTotal) {
    const countPath = queryPath(q, sample, [['_summary', 'count']]);
    const c = await get(baseUrl, countPath);
    const total = (c.body as { total?: unknown })?.total;
    if (c.status !== 200 || total !== e.matches) {
      return { answer, problem: `GET ${countPath}: status ${c.status}, total ${String(total)}, expected ${e.matches}` };
    }
  }
  return { answer };
}

/** Waits until the server has answered what is queued in it (one cheap request, answered after the rest) */
async function drain(server: RunningServer): Promise<void> {
  await get(server.baseUrl, '/healthz').catch(() => undefined);
}

/** Milliseconds one request takes alone (warm): the median of three, or one more try when it is slow */
async function aloneMs(baseUrl: string, path: string, first: number): Promise<number> {
  if (first > 1_000) return Math.min(first, (await get(baseUrl, path)).ms);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push((await get(baseUrl, path)).ms);
  return times.sort((a, b) => a - b)[1];
}

/**
 * Checks one query on one server, times it alone, then measures it under load, unless the peer rejected it
 * or answered it wrongly, or one request alone takes so long that the load run could not finish requests
 * within the timeout (either side).
 */
async function runQuery(server: RunningServer, who: 'helsebro' | 'peer', q: SearchQuery, sample: Sample, e: Expected,
  opts: SearchBenchOptions): Promise<SideOutcome> {
  const path = queryPath(q, sample);
  let checked: Awaited<ReturnType<typeof check>>;
  try {
    // the previous query's load may have left requests queued in the server: let them finish first
    await drain(server);
    checked = await check(server.baseUrl, q, sample, e);
  } catch (err) {
    return who === 'peer'
      ? { kind: 'skipped', reason: `the check request failed: ${oneLine(err)}` }
      : { kind: 'failed', reason: `the check request failed: ${oneLine(err)}` };
  }
  const { answer, problem } = checked;
  if (who === 'peer') {
    if (answer.status !== 200) return { kind: 'skipped', reason: `rejected the query: HTTP ${answer.status}, "${reasonOf(answer)}"` };
    if (problem) return { kind: 'skipped', reason: `wrong answer, not load-tested: ${problem.replace(/; body: .*$/s, '')}` };
  } else if (problem) {
    log(`helsebro ${q.key}: WRONG ANSWER ${problem}`);
  }
  let alone: number;
  try {
    alone = await aloneMs(server.baseUrl, path, answer.ms);
  } catch (err) {
    return { kind: 'failed', reason: `timing one request failed: ${oneLine(err)}` };
  }
  const limit = loadLimitMs(opts.connections);
  if (alone > limit) {
    return {
      kind: 'skipped',
      alone,
      reason: `one request alone takes ${int(alone)} ms (${int(e.matches)} matches${problem ? ', WRONG answer' : ', right answer'}), ` +
        `so at most ${(1000 / alone).toFixed(2)} req/s; ${opts.connections} concurrent clients would wait about ` +
        `${((opts.connections * alone) / 1000).toFixed(0)} s each: not load-tested (limit ${int(limit)} ms alone)`,
    };
  }
  // long enough for every connection to get a few answers
  const duration = Math.max(opts.duration, Math.ceil((ANSWERS_PER_CONNECTION * opts.connections * alone) / 1000));
  try {
    const m = await measure(server.baseUrl, [{ method: 'GET', path }], {
      duration,
      warmup: opts.warmup,
      connections: opts.connections,
      serverPid: server.child.pid,
      timeout: LOAD_TIMEOUT_S,
      settle: async () => {
        await get(server.baseUrl, path).catch(() => undefined);
      },
    });
    if (problem) m.wrongAnswer = problem;
    await drain(server);
    // the time alone again, now that the load has warmed everything up (the smaller of the two is reported)
    alone = Math.min(alone, await aloneMs(server.baseUrl, path, 0));
    const bad = m.non2xx + m.connErrors + m.timeouts;
    log(`${who} ${q.key}: alone ${alone.toFixed(2)} ms; ${m.rps.toFixed(1)} req/s, p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms, ` +
      `server ${m.serverCpu.toFixed(2)} cores, other processes ${m.backgroundCpu.toFixed(2)} cores${bad ? `, ${bad} FAILED` : ''}`);
    return { kind: 'ok', m, alone };
  } catch (err) {
    return { kind: 'failed', reason: oneLine(err) };
  }
}

interface ScaleRun {
  name: '1x' | '10x';
  side: Side;
  scale: Scale;
  sample: Sample;
}

interface HelsebroResult {
  stats?: SeedStats & { reused?: boolean };
  rowCountProblems: string[];
  plans?: QueryPlan[];
  failure?: string;
}

/** Seeds (or reuses) the file for one scale, runs the queries on a Helsebro process over it, explains them. */
async function runHelsebro(run: ScaleRun, dbRoot: string, keep: boolean, queries: SearchQuery[], rows: SearchRow[],
  opts: SearchBenchOptions): Promise<HelsebroResult> {
  const file = join(dbRoot, `helsebro-${run.name}.db`);
  const marker = `${file}.json`;
  const planned = expectedCounts(run.scale).total;
  let stats: HelsebroResult['stats'];
  let tally: TallyResult;
  const result: HelsebroResult = { rowCountProblems: [] };
  if (keep && existsSync(marker) && existsSync(file)) {
    const saved = JSON.parse(await readFile(marker, 'utf8')) as SeedStats;
    log(`helsebro ${run.name}: reusing ${file} (seeded earlier); counting the expected answers from the generator`);
    const t = performance.now();
    tally = tallyOf(run.scale, SEED, run.sample);
    log(`helsebro ${run.name}: counted in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    stats = { ...saved, reused: true, bytes: fileBytes(file), statistics: await hasStatistics(file) };
  } else {
    for (const f of [file, `${file}-wal`, `${file}-shm`, marker]) await rm(f, { force: true });
    log(`helsebro ${run.name}: seeding ${int(planned)} resources into ${file} (${opts.loader} loader)`);
    try {
      const seeded = await seedHelsebro(file, run.scale, SEED, run.sample, opts.loader, opts.seedBatch, planned, `helsebro ${run.name}`);
      stats = seeded.stats;
      tally = seeded.tally;
    } catch (err) {
      result.failure = `seeding failed: ${oneLine(err)}`;
      for (const row of rows) row.sides[run.side] = { kind: 'failed', reason: result.failure };
      return result;
    }
    log(`helsebro ${run.name}: seeded ${int(stats.resources)} resources in ${stats.seconds.toFixed(1)} s ` +
      `(${int(stats.rate)}/s; first tenth ${int(stats.firstRate)}/s, last tenth ${int(stats.lastRate)}/s), file ${mib(stats.bytes ?? 0)}`);
    if (keep) await writeFile(marker, JSON.stringify(stats, null, 2));
  }
  result.stats = stats;
  for (const [i, q] of queries.entries()) rows[i].expected[run.side] = q.expected(tally);

  let server: RunningServer | undefined;
  try {
    log(`helsebro ${run.name}: starting src/server.ts on the seeded file`);
    const t = performance.now();
    server = await startServer(helsebroSpecOn(file), 300_000);
    log(`helsebro ${run.name}: ready in ${int(performance.now() - t)} ms`);
    result.rowCountProblems = await checkRowCounts(server.baseUrl, tally);
    for (const p of result.rowCountProblems) log(`helsebro ${run.name}: ROW COUNT ${p}`);
    for (const [i, q] of queries.entries()) {
      if (server.child.exitCode !== null || server.child.signalCode !== null) {
        rows[i].sides[run.side] = { kind: 'failed', reason: `server died.\n${server.output()}` };
        continue;
      }
      rows[i].sides[run.side] = await runQuery(server, 'helsebro', q, run.sample, rows[i].expected[run.side]!, opts);
    }
  } catch (err) {
    result.failure = oneLine(err);
    for (const row of rows) row.sides[run.side] ??= { kind: 'failed', reason: result.failure };
  } finally {
    await server?.stop();
  }
  if (opts.explain) {
    log(`helsebro ${run.name}: EXPLAIN QUERY PLAN on the file`);
    result.plans = await explainQueries(file, queries, run.sample);
  }
  if (!keep) for (const f of [file, `${file}-wal`, `${file}-shm`]) await rm(f, { force: true });
  return result;
}

interface PeerResult {
  stats?: SeedStats;
  patients?: number;
  rowCountProblems: string[];
  failure?: string;
}

async function runPeer(scale: Scale, sample: Sample, queries: SearchQuery[], rows: SearchRow[], opts: SearchBenchOptions): Promise<PeerResult> {
  const result: PeerResult = { rowCountProblems: [] };
  const patients = Math.min(opts.peerPatients, scale.patients);
  let server: RunningServer | undefined;
  try {
    server = await startServer({
      ...PEER_SPEC,
      env: { ...PEER_SPEC.env, BENCH_PEER_SEARCH: '1', NODE_OPTIONS: '--max-old-space-size=12288' },
    });
    const planned = expectedCounts({ ...scale, patients }).total;
    log(`peer: seeding the first ${int(patients)} patients (${int(planned)} resources) over HTTP, budget ${opts.peerBudgetSeconds} s`);
    const seeded = await seedPeer(server.baseUrl, scale, SEED, sample, patients, opts.peerBudgetSeconds, planned);
    result.stats = seeded.stats;
    result.patients = seeded.patients;
    log(`peer: seeded ${int(seeded.stats.resources)} resources (${int(seeded.patients)} patients) in ` +
      `${seeded.stats.seconds.toFixed(1)} s (${int(seeded.stats.rate)}/s)${seeded.stats.stoppedEarly ? `; ${seeded.stats.stoppedEarly}` : ''}`);
    for (const [i, q] of queries.entries()) rows[i].expected.peer = q.expected(seeded.tally);
    result.rowCountProblems = await checkRowCounts(server.baseUrl, seeded.tally);
    for (const p of result.rowCountProblems) log(`peer: ROW COUNT ${p}`);
    for (const [i, q] of queries.entries()) {
      if (server.child.exitCode !== null || server.child.signalCode !== null) {
        rows[i].sides.peer = { kind: 'failed', reason: `server died.\n${server.output()}` };
        continue;
      }
      const outcome = await runQuery(server, 'peer', q, sample, rows[i].expected.peer!, opts);
      if (outcome.kind !== 'ok') log(`peer ${q.key}: not measured: ${outcome.reason}`);
      rows[i].sides.peer = outcome;
    }
  } catch (err) {
    result.failure = oneLine(err);
    for (const row of rows) row.sides.peer ??= { kind: 'failed', reason: result.failure };
  } finally {
    await server?.stop();
  }
  return result;
}

function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  const opts = parseSearchOptions(process.argv.slice(2), process.env);
  const started = new Date();
  const t0 = performance.now();
  const queries = QUERIES.filter((q) => !opts.queries || opts.queries.includes(q.key));
  for (const k of opts.queries ?? []) {
    if (!QUERIES.some((q) => q.key === k)) throw new Error(`bench:search: unknown query ${k} (use ${QUERIES.map((q) => q.key).join(', ')})`);
  }
  const runHelsebroToo = opts.targets.includes('helsebro');
  const scale1: Scale = { ...DEFAULT_SCALE, patients: opts.patients };
  const scale10: Scale = { ...SCALE_10X, patients: opts.patients * 10 };
  if (runHelsebroToo && !helsebroAvailable()) throw new Error('bench:search: src/server.ts does not exist');

  // The patient the identifier/reference/_include queries name: in the middle of the peer's prefix, so both
  // servers are asked the same URLs (ids do not depend on the scale; the 10x set has its own fødselsnummer).
  const target = Math.floor(Math.min(opts.peerPatients, scale1.patients) / 2);
  const sample1 = findSample(scale1, SEED, target);
  log(`sample patient ${sample1.patientId} (fnr ${sample1.fnr})`);
  const rows: SearchRow[] = queries.map((q) => ({
    key: q.key, kind: q.kind, label: q.label, text: queryText(q, sample1), expected: {}, sides: {},
  }));

  const keep = opts.dbDir !== undefined;
  const dbRoot = opts.dbDir ?? (await mkdtemp(join(tmpdir(), 'helsebro-search-')));
  if (keep) await mkdir(dbRoot, { recursive: true });
  const untrack = keep ? () => {} : trackDir(dbRoot);
  const free = freeBytes(dbRoot);
  log(`databases in ${dbRoot} (${keep ? 'kept' : 'removed at the end'}); ${Number.isNaN(free) ? '?' : mib(free)} free there`);

  const helsebro: Partial<Record<'1x' | '10x', HelsebroResult>> = {};
  let peer: PeerResult | undefined;
  let sample10: Sample | undefined;
  const notes: string[] = [];
  try {
    if (runHelsebroToo) {
      helsebro['1x'] = await runHelsebro({ name: '1x', side: 'h1', scale: scale1, sample: sample1 }, dbRoot, keep, queries, rows, opts);
    }
    if (opts.targets.includes('peer')) peer = await runPeer(scale1, sample1, queries, rows, opts);
    if (runHelsebroToo && opts.tenX) {
      const need = (helsebro['1x']?.stats?.bytes ?? 0) * 11;
      const freeNow = freeBytes(dbRoot);
      if (need > 0 && freeNow < need) {
        notes.push(`10x not run: it needs about ${mib(need)} of disk in ${dbRoot}, ${mib(freeNow)} free.`);
      } else {
        sample10 = findSample(scale10, SEED, target);
        helsebro['10x'] = await runHelsebro({ name: '10x', side: 'h10', scale: scale10, sample: sample10 }, dbRoot, keep, queries, rows, opts);
      }
    }
  } finally {
    if (!keep) {
      await rm(dbRoot, { recursive: true, force: true });
      untrack();
    }
  }

  // ---- report
  const h1 = helsebro['1x'];
  const h10 = helsebro['10x'];
  const counts1 = expectedCounts(scale1);
  const counts10 = expectedCounts(scale10);
  const peerPatients = peer?.patients ?? Math.min(opts.peerPatients, scale1.patients);
  const fraction = peerPatients === scale1.patients ? 'the whole set' : `1/${+(scale1.patients / peerPatients).toFixed(1)} of the set`;
  const peerTitle = `peer (medplum, memory), ${int(peerPatients)} patients`;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const inherited = Object.entries(process.env).filter(([k]) => k.startsWith('HELSEBRO_')).map(([k, v]) => `${k}=${v}`);
  const seedLine = (s: SeedStats & { reused?: boolean }): string =>
    s.reused
      ? `reused a file seeded earlier in --db-dir (${int(s.resources)} resources then, ${s.seconds.toFixed(1)} s, ${int(s.rate)}/s)`
      : `${int(s.resources)} resources in ${s.seconds.toFixed(1)} s = ${int(s.rate)} resources/s (first tenth ` +
        `${int(s.firstRate)}/s, last tenth ${int(s.lastRate)}/s), ${s.loader}`;
  const header = [
    `Helsebro search bench, ${started.toISOString()}${opts.quick ? ' (--quick: short windows, numbers are rough)' : ''}`,
    `machine: node ${process.version}, ${platform()} ${arch()}, ${availableParallelism()} cores (${cpu}), ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `load: autocannon 9 in the parent process, ${opts.connections} connections, pipelining 1, ${opts.warmup} s warm-up + ` +
      `${opts.duration} s measured per query and side (longer for slow queries, see below), request timeout ${LOAD_TIMEOUT_S} s; one server process at a time`,
    `data: bench/search/generate.ts seed ${SEED}: 1x = ${int(counts1.Patient)} Patients, ${int(counts1.Observation)} Observations, ` +
      `${int(counts1.Encounter)} Encounters, ${int(counts1.Organization + counts1.Practitioner)} Organizations/Practitioners ` +
      `(${int(counts1.total)} resources); sample patient ${sample1.patientId}` +
      (scale1.patients !== DEFAULT_SCALE.patients ? `. NOT THE BENCH'S DATA SET: --patients=${opts.patients} (a smoke run)` : ''),
  ];
  if (h1?.stats) {
    header.push(`Helsebro 1x seeding (no HTTP, into SQLite): ${seedLine(h1.stats)}; file ${mib(h1.stats.bytes ?? 0)} ` +
      `(${int((h1.stats.bytes ?? 0) / counts1.total)} bytes/resource), planner statistics ${h1.stats.statistics ? 'present' : 'absent'}`);
  }
  header.push(`Helsebro: node src/server.ts on the seeded file, default settings${inherited.length ? `; inherited env: ${inherited.join(' ')}` : ''}`);
  if (peer) {
    header.push(`peer: ${int(peerPatients)} patients (${fraction}): ${peer.stats ? `${int(peer.stats.resources)} resources ` +
      `seeded over HTTP in ${peer.stats.seconds.toFixed(1)} s (${int(peer.stats.rate)}/s), ${peer.stats.loader}` : 'not seeded'}` +
      `${peer.stats?.stoppedEarly ? `; ${peer.stats.stoppedEarly}` : ''}; its "matches P" are counted on that prefix`);
  }

  const notes1 = new Footnotes(1);
  const table1 = renderScaleTable(rows, notes1, peerTitle, { helsebro: runHelsebroToo, peer: peer !== undefined });
  const general1 = [
    'req/s counts 2xx answers only ("!" = failures or a wrong answer, see below); p50/p99 over 2xx answers, timed by ' +
      'the bench at microsecond resolution. Every query carries _count=20: the cost is the search, not the Bundle.',
    `matches H / matches P = how many resources match on Helsebro's data / on the peer's ${peer && peerPatients !== scale1.patients ? `smaller ` : ''}data, ` +
      'counted by the bench from the generated stream; before each load one request is checked against it ' +
      '(status, Bundle.total, entries on the first page, included entries); a wrong Helsebro answer gives WRONG.',
    `x peer = Helsebro req/s / peer req/s${peer && peerPatients !== scale1.patients ? `, with the peer holding ${fraction}: ` +
      'its searches scan every resource of the type, so on the full set it would be about ' +
      `${+(scale1.patients / peerPatients).toFixed(1)}x slower still` : ''}.`,
    '1 req ms = one request alone, nothing else running (median of 3, the lower of before and after the load): the ' +
      `query's own cost. Under ${opts.connections} connections a server that works on one request at a time answers in ` +
      `about ${opts.connections}x that (p50). A slow query's measured window is lengthened to give every connection ` +
      `${ANSWERS_PER_CONNECTION} answers (at most ${MAX_WINDOW_S} s); one over ${int(loadLimitMs(opts.connections))} ms alone is not ` +
      'load-tested ("-"; verdict SLOW for Helsebro).',
    'cpu H = cores the Helsebro process used; bg cpu = cores used by other processes during each side\'s window; ' +
      `above ${0.25} the verdict says "(noisy)".`,
    'date range: ge2020-01-01T00:00:00+01:00 and lt2020-02-01T00:00:00+01:00, full instants with the Norwegian offset, ' +
      'so no server has to pick a time zone for a bare date.',
    'peer: @medplum/fhir-router 5.2.13 FhirRouter + MemoryRepository, in memory, with the R4 search parameters ' +
      'indexed (BENCH_PEER_SEARCH=1); every search evaluates each parameter\'s FHIRPath on every resource of the type.',
  ];
  if (h1 && h1.rowCountProblems.length) general1.push(`Helsebro 1x row counts WRONG: ${h1.rowCountProblems.join('; ')}`);
  else if (h1) general1.push('Helsebro 1x row counts checked: one _summary=count search per type matched what was written.');
  if (peer && peer.rowCountProblems.length) general1.push(`peer row counts WRONG: ${peer.rowCountProblems.join('; ')}`);
  else if (peer?.stats) general1.push('peer row counts checked: one _summary=count search per type matched what was sent.');

  const sections: string[] = [...header, '', `At 1x (${int(counts1.total)} resources):`, table1, ...notes1.lines(),
    ...general1.map((g) => `- ${g}`), ''];

  const tenXLines: string[] = [];
  if (h10) {
    const notes10 = new Footnotes(notes1.next);
    tenXLines.push(`At 10x (${int(counts10.total)} resources; Helsebro only: the peer answers its slowest queries in ` +
      'seconds already at 1/10 of 1x, and would hold 10x in memory, so 10x is out of its reach):');
    if (h10.stats) {
      tenXLines.push(`Helsebro 10x seeding: ${seedLine(h10.stats)}; file ${mib(h10.stats.bytes ?? 0)}, planner statistics ` +
        `${h10.stats.statistics ? 'present' : 'absent'}; sample patient ${sample10?.patientId} (its own fnr at this scale)`);
    }
    tenXLines.push(renderTenXTable(rows, notes10), ...notes10.lines());
    tenXLines.push('- 10x / 1x: "1 req" = time of one request alone at 10x / at 1x (1.0x = flat: the cost does not grow ' +
      'with the data; 10x = it grows with the data, a scan); "p50" and "req/s" likewise under load.');
    if (h10.rowCountProblems.length) tenXLines.push(`- Helsebro 10x row counts WRONG: ${h10.rowCountProblems.join('; ')}`);
    else tenXLines.push('- Helsebro 10x row counts checked: one _summary=count search per type matched what was written.');
  } else if (runHelsebroToo) {
    const s = h1?.stats;
    if (s && !s.reused) {
      const low = counts10.total / s.rate;
      const slow = counts10.total / s.lastRate;
      tenXLines.push(`At 10x: not run (${opts.tenXExplicit ? '--no-10x' : 'opt-in with --10x'}). Seeding it would write ` +
        `${int(counts10.total)} resources: at the 1x average of ${int(s.rate)}/s that is ${minutes(low)}, at the ` +
        `1x last-tenth rate of ${int(s.lastRate)}/s ${minutes(slow)} (more if the rate falls once the file outgrows the page cache); ` +
        `the file would take about ${mib((s.bytes ?? 0) * 10)}.`);
    } else {
      tenXLines.push(`At 10x: not run (${opts.tenXExplicit ? '--no-10x' : 'opt-in with --10x'}).`);
    }
  }
  sections.push(...tenXLines, '', ...notes.map((n) => `NOTE: ${n}`), renderSearchFailures(rows));

  // plans of the slow queries (all plans are in the JSON)
  const labels = new Map(rows.map((r) => [r.key, r.label]));
  for (const [name, res, side] of [['1x', h1, 'h1'], ['10x', h10, 'h10']] as const) {
    if (!res?.plans) continue;
    const slow = new Set(rows.filter((r) => {
      const o = r.sides[side];
      return (o?.kind === 'ok' && (o.m.p50 > SLOW_MS || o.alone > SLOW_MS)) || (o?.kind === 'skipped' && (o.alone ?? 0) > SLOW_MS);
    }).map((r) => r.key));
    if (slow.size === 0) continue;
    sections.push('', renderPlans(res.plans, labels, `Query plans at ${name} of the Helsebro queries over ${SLOW_MS} ms (p50 or alone) ` +
      '(SQL as src/store/sql/search.ts builds it; times run directly on the file, no HTTP):', slow));
  }
  sections.push('', `total bench time ${minutes((performance.now() - t0) / 1000)}`);
  process.stdout.write(`\n${sections.join('\n')}\n`);

  if (opts.json) {
    const dir = join(ROOT, 'bench', 'results');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `search-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    const machine = { node: process.version, platform: platform(), arch: arch(), cores: availableParallelism(), cpu };
    await writeFile(file, JSON.stringify({
      started, machine, options: opts, sample: { '1x': sample1, '10x': sample10 },
      helsebro, peer, rows, notes, text: sections.join('\n'),
    }, null, 2));
    log(`wrote ${file}`);
  }
}

await main();
