/**
 * Turns the measurements into the one table `npm run bench` prints, the failure report under it, and the
 * JSON copy in bench/results/. Targets come from the issue: read >= 1.2x the peer and >= 85% of the
 * ceiling; durable create >= 4,000/s; a 10-entry transaction >= 300/s. A row whose measured window had any
 * non-2xx answer, connection error or timeout gets the verdict ERRORS, never "met".
 */
import type { Measurement } from './load.ts';
import type { TargetName } from './options.ts';
import { table } from './table.ts';

export type Outcome =
  | { kind: 'ok'; m: Measurement }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped'; reason: string };

export interface Row {
  key: string;
  label: string;
  compareWith: string;
  /** set when the row ran at its own connection count, not the run's */
  connections?: number;
  sides: Partial<Record<TargetName, Outcome>>;
}

/** The naive row a Helsebro row is compared with: the same interaction at the same connection count */
export const naiveKey = (kind: string, connections?: number): string => (connections === undefined ? kind : `${kind}@${connections}`);

export interface Evaluated extends Row {
  vsPeer?: number;
  vsCeiling?: number;
  target: string;
  verdict: string;
}

interface Target {
  text: string;
  met(rps: number, vsPeer?: number, vsCeiling?: number): boolean | undefined;
}

const TARGETS: Record<string, Target> = {
  read: {
    text: '>=1.2x peer, >=85% ceil',
    met: (_r, p, c) => (p === undefined || c === undefined ? undefined : p >= 1.2 && c >= 0.85),
  },
  create: { text: '>=4,000/s durable', met: (r) => r >= 4000 },
  transaction: { text: '>=300/s', met: (r) => r >= 300 },
};

/** background CPU (cores) above which a measurement is flagged as disturbed */
export const NOISY_CORES = 0.25;

const measured = (o: Outcome | undefined): Measurement | undefined => (o?.kind === 'ok' ? o.m : undefined);
const failures = (m: Measurement): number => m.non2xx + m.connErrors + m.timeouts;

export function evaluate(rows: Row[]): Evaluated[] {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return rows.map((row) => {
    const base = byKey.get(row.compareWith) ?? row;
    const h = measured(row.sides.helsebro);
    const p = measured(base.sides.peer);
    const c = measured(base.sides.ceiling);
    const vsPeer = h && p && p.rps > 0 ? h.rps / p.rps : undefined;
    const vsCeiling = h && c && c.rps > 0 ? h.rps / c.rps : undefined;
    const target = TARGETS[row.compareWith];
    let verdict = '-';
    if (target) {
      if (!h) verdict = 'not run';
      else if (h.wrongAnswer) verdict = 'WRONG';
      else if (failures(h) > 0) verdict = 'ERRORS';
      else {
        const met = target.met(h.rps, vsPeer, vsCeiling);
        verdict = met === undefined ? '?' : met ? 'met' : 'MISSED';
        // other processes took CPU from one of the compared sides: the verdict may be an artefact
        if ([h, p, c].some((m) => m && m.backgroundCpu > NOISY_CORES)) verdict += ' (noisy)';
      }
    }
    return { ...row, vsPeer, vsCeiling, target: target?.text ?? '-', verdict };
  });
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => (Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const ratio = (n: number | undefined): string => (n === undefined ? '-' : `${n.toFixed(2)}x`);
const pct = (n: number | undefined): string => (n === undefined ? '-' : `${Math.round(n * 100)}%`);

function helsebroCpu(o: Outcome | undefined): string {
  return o?.kind === 'ok' && !Number.isNaN(o.m.serverCpu) ? o.m.serverCpu.toFixed(2) : '-';
}

function sideCells(o: Outcome | undefined): string[] {
  if (!o) return ['-', '-', '-'];
  if (o.kind !== 'ok') return [o.kind === 'failed' ? 'FAILED' : 'n/a', '', ''];
  const flag = failures(o.m) > 0 || o.m.wrongAnswer ? '!' : '';
  return [`${int(o.m.rps)}${flag}`, ms(o.m.p50), ms(o.m.p99)];
}

function cpuCell(row: Row, sides: TargetName[]): string {
  return sides
    .map((s) => {
      const o = row.sides[s];
      if (!o) return '-';
      if (o.kind !== 'ok' || Number.isNaN(o.m.backgroundCpu)) return 'x';
      return o.m.backgroundCpu.toFixed(1);
    })
    .join('/');
}

function errorCell(row: Row, sides: TargetName[]): string {
  return sides
    .map((s) => {
      const o = row.sides[s];
      if (!o) return '-';
      if (o.kind !== 'ok') return 'x';
      return String(failures(o.m));
    })
    .join('/');
}

export function renderTable(rows: Evaluated[]): string {
  const sides: TargetName[] = ['helsebro', 'peer', 'ceiling'];
  const groups = [
    { title: '', span: 1 },
    { title: 'Helsebro (SQLite)', span: 3 },
    { title: 'peer (medplum, memory)', span: 3 },
    { title: 'ceiling (constant)', span: 3 },
    { title: 'Helsebro', span: 3 },
    { title: '', span: 4 },
  ];
  const head = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'req/s', 'p50 ms', 'p99 ms', 'req/s', 'p50 ms', 'p99 ms',
    'x peer', '% ceil', 'cpu', 'fail H/P/C', 'bg cpu H/P/C', 'target', 'verdict'];
  const body = rows.map((r) => [
    r.label,
    ...sideCells(r.sides.helsebro),
    ...sideCells(r.sides.peer),
    ...sideCells(r.sides.ceiling),
    ratio(r.vsPeer),
    pct(r.vsCeiling),
    helsebroCpu(r.sides.helsebro),
    errorCell(r, sides),
    cpuCell(r, sides),
    r.target,
    r.verdict,
  ]);
  return table(head, body, [0, 15, 16], groups);
}

/** Per server and row: status counts and samples of every failed request, warm-up included. */
export function renderFailures(rows: Row[]): string {
  const out: string[] = [];
  // one entry per (server, reason): a server that did not start fails every row the same way
  const notRun = new Map<string, { side: string; reason: string; labels: string[] }>();
  for (const row of rows) {
    for (const [side, o] of Object.entries(row.sides) as [TargetName, Outcome][]) {
      if (o.kind === 'failed') {
        const key = `${side}\n${o.reason}`;
        const entry = notRun.get(key) ?? { side, reason: o.reason, labels: [] };
        entry.labels.push(row.label);
        notRun.set(key, entry);
        continue;
      }
      if (o.kind !== 'ok') continue;
      const m = o.m;
      if (m.wrongAnswer) out.push(`* ${side} / ${row.label}: WRONG ANSWER to the check request: ${m.wrongAnswer}`);
      if (failures(m) === 0 && m.warmupFailures === 0 && m.failures.length === 0) continue;
      const statuses = Object.entries(m.statuses).map(([s, n]) => `${s}: ${n}`).join(', ');
      out.push(`* ${side} / ${row.label}: ${m.ok} ok, ${m.non2xx} non-2xx, ${m.connErrors} connection errors, ` +
        `${m.timeouts} timeouts in the measured window (statuses ${statuses}); ${m.warmupFailures} in warm-up`);
      for (const f of m.failures) {
        out.push(`    ${f.status} <- ${f.request}\n      ${f.body.replace(/\s+/g, ' ')}`);
      }
    }
  }
  for (const { side, reason, labels } of notRun.values()) {
    out.push(`* ${side} / ${labels.join(', ')}: did not run: ${reason}`);
  }
  return out.length ? `Failures:\n${out.join('\n')}` : 'Failures: none (every measured and warm-up request answered 2xx).';
}

/**
 * What the core issue measured on the machine it set its targets on (its text: "the bare route about
 * 16,000 req/s, ... a naive Fastify + better-sqlite3 read about 10,000/s and a naive durable insert about
 * 4,200/s"). The targets are absolute numbers on that machine; machines here have differed 4x from one
 * session to the next, mostly in loopback and fsync time, so each run measures the same naive server.
 */
export const REFERENCE_MACHINE: Record<'read' | 'create', { naive: number; target?: number }> = {
  read: { naive: 10_000 },
  create: { naive: 4_200, target: 4_000 },
};
export const REFERENCE_CEILING = 16_000;

/**
 * The machine's reference beside Helsebro's rows: the naive server's read and durable create in this run,
 * the reference machine's, and each Helsebro read or create row as a multiple of this run's naive
 * number at the same connection count (the create target is 4,000 / 4,200 = 0.95x naive on the reference
 * machine).
 */
export function renderReference(rows: Row[], naiveRows: Map<string, Row>): string | undefined {
  const ceiling = measured(rows.find((r) => r.key === 'read')?.sides.ceiling);
  const body: string[][] = [];
  for (const row of rows) {
    const kind = row.compareWith;
    if (kind !== 'read' && kind !== 'create') continue;
    const naive = measured(naiveRows.get(naiveKey(kind, row.connections))?.sides.naive);
    const h = measured(row.sides.helsebro);
    if (!naive) continue;
    const ref = REFERENCE_MACHINE[kind];
    body.push([
      row.label,
      int(naive.rps),
      int(ref.naive),
      (naive.rps / ref.naive).toFixed(2),
      h ? int(h.rps) : '-',
      ratio(h ? h.rps / naive.rps : undefined),
      ratio(ref.target === undefined ? undefined : ref.target / ref.naive),
    ]);
  }
  if (body.length === 0) return undefined;
  const head = ['row', 'naive req/s', 'ref. machine', 'this/ref', 'Helsebro', 'H / naive', 'target / naive'];
  const ceilingLine = ceiling
    ? `bare route (ceiling) read this run: ${int(ceiling.rps)} req/s; on the reference machine about ${int(REFERENCE_CEILING)} (${(ceiling.rps / REFERENCE_CEILING).toFixed(2)}x).`
    : undefined;
  return [
    'Machine reference: the naive server (bench/servers/naive.ts: Fastify + better-sqlite3, one table, no validation, ' +
      'synchronous=FULL and one COMMIT per create) in this run, beside what the issue measured on the machine its targets were set on.',
    table(head, body, [0]),
    ...(ceilingLine ? [ceilingLine] : []),
  ].join('\n');
}
