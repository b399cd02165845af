/**
 * The search bench's two tables: the default scale (Helsebro beside the peer) and 10x (Helsebro alone, with
 * how p50 latency and throughput changed from 1x). A cell that could not be measured shows "-" and a
 * footnote number; the footnotes carry the reason (the peer rejected the query, answered it wrongly, or
 * takes too long for a load run at all).
 */
import type { Measurement } from './load.ts';
import { NOISY_CORES } from './report.ts';
import { table, type Group } from './table.ts';
import type { Expected, QueryKind } from './search-queries.ts';

/** `alone`: milliseconds one request takes with nothing else running (median of a few, warm): the query's cost */
export type SideOutcome =
  | { kind: 'ok'; m: Measurement; alone: number }
  | { kind: 'skipped'; reason: string; alone?: number }
  | { kind: 'failed'; reason: string };

export type Side = 'h1' | 'peer' | 'h10';

export interface SearchRow {
  key: string;
  kind: QueryKind;
  label: string;
  /** the query as sent at 1x (decoded), for the JSON */
  text: string;
  expected: Partial<Record<Side, Expected>>;
  sides: Partial<Record<Side, SideOutcome>>;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => (Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(2) : n < 1000 ? n.toFixed(1) : int(n));
const rps = (n: number): string => (n >= 100 ? int(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const measured = (o: SideOutcome | undefined): Measurement | undefined => (o?.kind === 'ok' ? o.m : undefined);
const failures = (m: Measurement): number => m.non2xx + m.connErrors + m.timeouts;

/** Collects footnotes; identical texts share a number */
export class Footnotes {
  readonly #texts: string[] = [];
  readonly first: number;
  constructor(first = 1) {
    this.first = first;
  }
  ref(text: string): string {
    let i = this.#texts.indexOf(text);
    if (i < 0) i = this.#texts.push(text) - 1;
    return `[${this.first + i}]`;
  }
  lines(): string[] {
    return this.#texts.map((t, i) => `[${this.first + i}] ${t}`);
  }
  get next(): number {
    return this.first + this.#texts.length;
  }
}

const alone = (o: SideOutcome | undefined): number | undefined => (o && o.kind !== 'failed' ? o.alone : undefined);

function sideCells(o: SideOutcome | undefined, notes: Footnotes, who: string, row: SearchRow): string[] {
  if (!o) return ['x', '', '', ''];
  const a = alone(o);
  if (o.kind !== 'ok') {
    const text = `${who}, ${row.label}: ${o.kind === 'failed' ? 'did not run: ' : ''}${o.reason}`;
    return [`-${notes.ref(text)}`, '', '', a === undefined ? '' : ms(a)];
  }
  const flag = failures(o.m) > 0 || o.m.wrongAnswer ? '!' : '';
  return [`${rps(o.m.rps)}${flag}`, ms(o.m.p50), ms(o.m.p99), ms(o.alone)];
}

function verdict(o: SideOutcome | undefined, others: (SideOutcome | undefined)[]): string {
  if (!o) return 'not run';
  if (o.kind === 'failed') return 'FAILED';
  if (o.kind === 'skipped') return 'SLOW';
  const h = o.m;
  if (h.wrongAnswer) return 'WRONG';
  if (failures(h) > 0) return 'ERRORS';
  if (h.ok === 0) return 'NO ANSWERS';
  return [h, ...others.map(measured)].some((m) => m && m.backgroundCpu > NOISY_CORES) ? 'ok (noisy)' : 'ok';
}

const bg = (o: SideOutcome | undefined): string => {
  const m = measured(o);
  return m && !Number.isNaN(m.backgroundCpu) ? m.backgroundCpu.toFixed(1) : '-';
};
const fail = (o: SideOutcome | undefined): string => {
  const m = measured(o);
  return m ? String(failures(m)) : '-';
};
const cpu = (o: SideOutcome | undefined): string => {
  const m = measured(o);
  return m && !Number.isNaN(m.serverCpu) ? m.serverCpu.toFixed(2) : '-';
};
const matches = (e: Expected | undefined): string => (e ? int(e.matches) : '?');
const factor = (a: number | undefined, b: number | undefined, digits = 1): string =>
  a !== undefined && b !== undefined && b > 0 && !Number.isNaN(a) && !Number.isNaN(b) ? `${(a / b).toFixed(a / b >= 100 ? 0 : digits)}x` : '-';


export function renderScaleTable(rows: SearchRow[], notes: Footnotes, peerTitle: string, ran: { helsebro: boolean; peer: boolean }): string {
  const head = ['kind', 'query (_count=20)', 'matches H', 'matches P', 'req/s', 'p50 ms', 'p99 ms', '1 req ms',
    'req/s', 'p50 ms', 'p99 ms', '1 req ms', 'x peer', 'cpu H', 'fail H/P', 'bg cpu H/P', 'verdict'];
  const groups: Group[] = [
    { title: '', span: 4 },
    { title: 'Helsebro (SQLite)', span: 4 },
    { title: peerTitle, span: 4 },
    { title: '', span: 5 },
  ];
  const body = rows.map((r) => {
    const h = measured(r.sides.h1);
    const p = measured(r.sides.peer);
    return [
      r.kind, r.label, matches(r.expected.h1), ran.peer ? matches(r.expected.peer) : '-',
      ...(ran.helsebro ? sideCells(r.sides.h1, notes, 'Helsebro', r) : ['x', '', '', '']),
      ...(ran.peer ? sideCells(r.sides.peer, notes, 'peer', r) : ['x', '', '', '']),
      factor(h?.rps, p?.rps), cpu(r.sides.h1), `${fail(r.sides.h1)}/${fail(r.sides.peer)}`, `${bg(r.sides.h1)}/${bg(r.sides.peer)}`,
      ran.helsebro ? verdict(r.sides.h1, [r.sides.peer]) : '-',
    ];
  });
  return table(head, body, [0, 1, 16], groups);
}

export function renderTenXTable(rows: SearchRow[], notes: Footnotes): string {
  const head = ['kind', 'query (_count=20)', 'matches', 'req/s', 'p50 ms', 'p99 ms', '1 req ms', '1 req', 'p50', 'req/s',
    'cpu', 'fail', 'bg cpu', 'verdict'];
  const groups: Group[] = [
    { title: '', span: 3 },
    { title: 'Helsebro (SQLite), 10x data', span: 4 },
    { title: '10x / 1x', span: 3 },
    { title: '', span: 4 },
  ];
  const body = rows.map((r) => {
    const h1 = measured(r.sides.h1);
    const h10 = measured(r.sides.h10);
    return [
      r.kind, r.label, matches(r.expected.h10), ...sideCells(r.sides.h10, notes, 'Helsebro 10x', r),
      factor(alone(r.sides.h10), alone(r.sides.h1)), factor(h10?.p50, h1?.p50), factor(h10?.rps, h1?.rps, 2),
      cpu(r.sides.h10), fail(r.sides.h10), bg(r.sides.h10), verdict(r.sides.h10, []),
    ];
  });
  return table(head, body, [0, 1, 13], groups);
}

/** Per side and row: status counts and samples of failed requests, and wrong answers */
export function renderSearchFailures(rows: SearchRow[]): string {
  const out: string[] = [];
  const names: Record<Side, string> = { h1: 'Helsebro 1x', peer: 'peer', h10: 'Helsebro 10x' };
  for (const row of rows) {
    for (const [side, o] of Object.entries(row.sides) as [Side, SideOutcome][]) {
      if (o.kind === 'failed') out.push(`* ${names[side]} / ${row.label}: did not run: ${o.reason}`);
      if (o.kind !== 'ok') continue;
      const m = o.m;
      if (m.wrongAnswer) out.push(`* ${names[side]} / ${row.label}: WRONG ANSWER to the check request: ${m.wrongAnswer}`);
      if (failures(m) === 0 && m.warmupFailures === 0 && m.failures.length === 0) continue;
      const statuses = Object.entries(m.statuses).map(([s, n]) => `${s}: ${n}`).join(', ');
      out.push(`* ${names[side]} / ${row.label}: ${m.ok} ok, ${m.non2xx} non-2xx, ${m.connErrors} connection errors, ` +
        `${m.timeouts} timeouts in the measured window (statuses ${statuses}); ${m.warmupFailures} in warm-up`);
      for (const f of m.failures) out.push(`    ${f.status} <- ${f.request}\n      ${f.body.replace(/\s+/g, ' ')}`);
    }
  }
  return out.length ? `Failures:\n${out.join('\n')}` : 'Failures: none (every measured and warm-up request answered 2xx, every checked answer was right).';
}
