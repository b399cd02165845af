/**
 * `npm run bench`: Helsebro's core FHIR REST throughput next to a peer and a ceiling, as one table.
 *
 * What: read, update, history-instance, create and a 10-entry transaction (https://hl7.org/fhir/R4/http.html),
 * each driven by autocannon for a warm-up then a measured window; req/s (2xx only), p50 and p99 latency.
 *   - Helsebro: `node src/server.ts` on a fresh SQLite file (default settings; the header states the
 *     durability level), plus create rows with HELSEBRO_VALIDATION=schema and =full, each in its own process.
 *   - peer: @medplum/fhir-router's FhirRouter + MemoryRepository behind a minimal Fastify wrapper
 *     (bench/servers/peer.ts): in memory, no validation.
 *   - ceiling: a bare Fastify route answering a constant Patient (bench/servers/ceiling.ts).
 *
 * How, and why so: every server runs in its own child process and the parent only generates load, so no
 * server shares an event loop with the load generator and each starts from a clean heap. Servers run one at
 * a time, never side by side: the machine has two cores and autocannon already takes part of one, so two
 * servers at once would measure the scheduler. Data is seeded through each server's own REST API (1,000
 * Patients; one Patient with 10 versions) before its rows run.
 *
 * Flags and environment: see bench/lib/options.ts (`npm run bench -- --quick` is a ~1 minute smoke run).
 * Output: the table on stdout, progress on stderr, a JSON copy in bench/results/ (gitignored).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, platform, arch, totalmem } from 'node:os';
import { join } from 'node:path';
import { measure, probe } from './lib/load.ts';
import { parseOptions } from './lib/options.ts';
import type { BenchOptions, TargetName } from './lib/options.ts';
import { startServer } from './lib/process.ts';
import type { ServerSpec } from './lib/process.ts';
import { NOISY_CORES, evaluate, naiveKey, renderFailures, renderReference, renderTable } from './lib/report.ts';
import type { Row } from './lib/report.ts';
import { BASE_SCENARIOS, HELSEBRO_VARIANTS, TRANSACTION_SIZE } from './lib/scenarios.ts';
import type { Scenario, SeedState } from './lib/scenarios.ts';
import { HISTORY_VERSIONS, SeedError, seedHistory, seedPatients } from './lib/seed.ts';
import { CEILING_SPEC, NAIVE_SPEC, PEER_SPEC, ROOT, helsebroAvailable, helsebroSpec, journalMode, storageFacts } from './lib/servers.ts';

const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);
const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Starts one server, seeds it if any scenario needs data, runs the scenarios in order, stops it.
 * The ceiling stores nothing, so it gets made-up ids instead of a seed (same URL shapes and count).
 */
async function runGroup(side: TargetName, spec: ServerSpec, scenarios: Scenario[], rows: Map<string, Row>,
  opts: BenchOptions): Promise<string | undefined> {
  const mark = (s: Scenario, reason: string): void => {
    (rows.get(s.key) as Row).sides[side] = { kind: 'failed', reason };
  };
  let server;
  try {
    log(`${side}: starting ${spec.file}`);
    server = await startServer(spec);
  } catch (err) {
    for (const s of scenarios) mark(s, oneLine(err));
    return oneLine(err);
  }
  try {
    let seed: SeedState | undefined;
    let seedFailure: string | undefined;
    if (side === 'ceiling') {
      const patients = Array.from({ length: opts.seed }, (_, k) => `ceiling-${k}`);
      seed = { patients, historyId: 'ceiling-history' };
    } else if (scenarios.some((s) => s.needsSeed)) {
      const t0 = Date.now();
      try {
        const patients = await seedPatients(server.baseUrl, opts.seed);
        const historyId = await seedHistory(server.baseUrl);
        seed = { patients, historyId };
        log(`${side}: seeded ${opts.seed} patients + 1 x ${HISTORY_VERSIONS} versions in ${Date.now() - t0} ms`);
      } catch (err) {
        seedFailure = err instanceof SeedError ? `seeding failed: ${err.message}` : `seeding failed: ${oneLine(err)}`;
        log(`${side}: ${seedFailure}`);
      }
    }
    for (const s of scenarios) {
      if (server.child.exitCode !== null || server.child.signalCode !== null) {
        mark(s, `server died before this row.\n--- its output ---\n${server.output()}`);
        continue;
      }
      if (s.needsSeed && !seed) {
        mark(s, seedFailure ?? 'no seed data');
        continue;
      }
      try {
        const requests = s.requests(seed as SeedState);
        // the ceiling answers a constant on purpose; every real server must answer the first request right
        let wrongAnswer: string | undefined;
        if (side !== 'ceiling') {
          const answer = await probe(server.baseUrl, requests[0]);
          const problem = s.check(answer.status, answer.body, requests[0]);
          if (problem) {
            wrongAnswer = `${requests[0].method} ${requests[0].path}: ${problem}; body: ${answer.text.slice(0, 400)}`;
            log(`${side} ${s.label}: WRONG ANSWER ${wrongAnswer}`);
          }
        }
        const m = { ...(await measure(server.baseUrl, requests, { ...opts, connections: s.connections ?? opts.connections, serverPid: server.child.pid })), wrongAnswer };
        (rows.get(s.key) as Row).sides[side] = { kind: 'ok', m };
        const bad = m.non2xx + m.connErrors + m.timeouts;
        log(`${side} ${s.label}: ${Math.round(m.rps)} req/s, p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms, ` +
          `server ${m.serverCpu.toFixed(2)} cores, other processes ${m.backgroundCpu.toFixed(2)} cores` +
          (bad ? `, ${bad} FAILED` : ''));
      } catch (err) {
        mark(s, oneLine(err));
      }
    }
  } finally {
    await server.stop();
  }
  return undefined;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2), process.env);
  const wanted = (s: Scenario): boolean => !opts.scenarios || opts.scenarios.includes(s.key);
  const base = BASE_SCENARIOS.filter(wanted);
  const variants = HELSEBRO_VARIANTS.filter(wanted);
  const rows = new Map<string, Row>();
  for (const s of [...base, ...variants]) {
    rows.set(s.key, { key: s.key, label: s.label, compareWith: s.compareWith, connections: s.connections, sides: {} });
  }
  const facts = await storageFacts();
  const started = new Date();
  const notes: string[] = [];

  if (opts.targets.includes('helsebro')) {
    if (!helsebroAvailable()) {
      const reason = 'src/server.ts does not exist yet';
      notes.push(`Helsebro not measured: ${reason}.`);
      for (const row of rows.values()) row.sides.helsebro = { kind: 'skipped', reason };
    } else {
      const groups: [Scenario[], Record<string, string>][] = [[base, {}]];
      for (const v of variants) groups.push([[v], v.variantEnv ?? {}]);
      let startFailure: string | undefined;
      for (const [scenarios, env] of groups) {
        if (scenarios.length === 0) continue;
        if (startFailure) {
          // one failed start is enough to know; do not wait out the start timeout once per variant
          for (const s of scenarios) (rows.get(s.key) as Row).sides.helsebro = { kind: 'failed', reason: startFailure };
          continue;
        }
        const spec = await helsebroSpec(env);
        try {
          startFailure = await runGroup('helsebro', spec, scenarios, rows, opts);
          facts.journalMode ??= await journalMode(spec.dbFile);
        } finally {
          await spec.cleanup();
        }
      }
    }
  }
  if (opts.targets.includes('peer')) await runGroup('peer', PEER_SPEC, base, rows, opts);
  if (opts.targets.includes('ceiling')) {
    const ceilingRows = opts.ceilingAll ? base : base.filter((s) => s.key === 'read');
    await runGroup('ceiling', CEILING_SPEC, ceilingRows, rows, opts);
  }
  // The naive reference (read and create only: the two numbers the issue measured it at) keeps rows of its
  // own, so a run of only some scenarios does not grow rows in the main table.
  const naiveRows = new Map<string, Row>();
  if (opts.targets.includes('naive')) {
    // one naive row per (interaction, connection count) that a Helsebro row will be compared with
    const wantedNaive = new Map<string, Scenario>();
    for (const r of rows.values()) {
      const s = BASE_SCENARIOS.find((b) => b.key === r.compareWith);
      if (!s || (s.key !== 'read' && s.key !== 'create')) continue;
      const key = naiveKey(s.key, r.connections);
      wantedNaive.set(key, r.connections === undefined ? s : { ...s, key, label: `${s.label}, ${r.connections} conn.`, connections: r.connections });
    }
    const scenarios = [...wantedNaive.values()];
    for (const s of scenarios) naiveRows.set(s.key, { key: s.key, label: s.label, compareWith: s.compareWith, connections: s.connections, sides: {} });
    if (scenarios.length > 0) await runGroup('naive', NAIVE_SPEC, scenarios, naiveRows, opts);
  }

  const evaluated = evaluate([...rows.values()]);
  const reference = renderReference([...rows.values()], naiveRows);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const inherited = Object.entries(process.env)
    .filter(([k]) => k.startsWith('HELSEBRO_'))
    .map(([k, v]) => `${k}=${v}`);
  const header = [
    `Helsebro core bench, ${started.toISOString()}${opts.quick ? ' (--quick smoke run: numbers are rough)' : ''}`,
    `machine: node ${process.version}, ${platform()} ${arch()}, ${availableParallelism()} cores (${cpu}), ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `load: autocannon 9 in the parent process, ${opts.connections} connections, pipelining 1, ` +
      `${opts.warmup} s warm-up + ${opts.duration} s measured per row; one server process at a time`,
    `Helsebro: src/server.ts, fresh SQLite file per process, synchronous=${facts.synchronous} ` +
      `(${facts.synchronousSource}), journal_mode=${facts.journalMode ?? 'unknown'}, ` +
      `validation=${facts.validationDefault} unless the row says otherwise` +
      (inherited.length ? `; inherited env: ${inherited.join(' ')}` : ''),
    `seed: ${opts.seed} Patients (read, update), 1 Patient with ${HISTORY_VERSIONS} versions (history)`,
  ];
  const footnotes = [
    'req/s counts 2xx answers only; "!" after req/s = that side had failures (see below). p50/p99 over 2xx ' +
      'answers, timed by the bench at microsecond resolution. fail H/P/C = non-2xx + connection errors + ' +
      'timeouts in the measured window ("x" = did not run, "-" = not applicable).',
    'cpu = cores the Helsebro process used (1.00 = one core busy: CPU-bound; well below with high latency: ' +
      'waiting, e.g. on fsync). bg cpu = cores used by other processes on the machine during each side\'s ' +
      `window; above ${NOISY_CORES} the verdict says "(noisy)": rerun on a quiet machine before believing it.`,
    'peer: @medplum/fhir-router 5.2.13 FhirRouter + MemoryRepository behind a minimal Fastify wrapper: in memory ' +
      '(no disk, no durability) and no validation.',
    `ceiling: a bare Fastify route returning one constant Patient; ${opts.ceilingAll ? 'run for every row (for ' +
      'writes it measures HTTP + JSON body parsing with no work behind it)' : 'run for read only: for writes ' +
      'it would only time HTTP + JSON parsing with no work behind it, a number no target refers to ' +
      '(--ceiling-all runs it anyway)'}.`,
    'before each row\'s load, one request is sent and its answer checked (status, resource type and id, ' +
      'history and transaction-response entry counts, 201 per transaction entry); a wrong answer gives the ' +
      'verdict WRONG. The ceiling is not checked: its constant answer is the point.',
    '"create, validation=..." and "transaction, validation=..." rows each ran in their own Helsebro process; their ratios use the peer\'s create or transaction row.',
    `transaction: req/s = Bundles/s, each Bundle ${TRANSACTION_SIZE} Patient creates with urn:uuid fullUrls ` +
      '(entries 2-10 reference entry 1). durable = synchronous=FULL: every acknowledged write is on disk ' +
      '(single writes: SQLite FULL in the writer thread; transactions: the main writer at NORMAL plus ' +
      'Helsebro\'s own fdatasync of the WAL before the answer, src/store/sqlite/wal-sync.ts). Reads: a cached ' +
      'plain read is answered before Fastify (src/http/fast-read.ts); the ceiling is Fastify.',
  ];
  const text = [
    ...header, '', renderTable(evaluated), '',
    ...(reference ? [reference, ''] : []),
    ...footnotes.map((f, i) => `(${i + 1}) ${f}`),
    ...notes.map((n) => `NOTE: ${n}`), '',
    renderFailures([...rows.values(), ...naiveRows.values()]),
  ].join('\n');
  process.stdout.write(`\n${text}\n`);

  if (opts.json) {
    const dir = join(ROOT, 'bench', 'results');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `core-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    const machine = { node: process.version, platform: platform(), arch: arch(), cores: availableParallelism(), cpu };
    await writeFile(file, JSON.stringify({ started, machine, options: opts, storage: facts, notes, rows: evaluated, naive: [...naiveRows.values()] },
      null, 2));
    log(`wrote ${file}`);
  }
}

await main();
