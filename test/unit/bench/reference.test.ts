/**
 * The bench's machine-reference table (bench/lib/report.ts renderReference): this run's naive numbers beside
 * the reference machine's from the core issue's text (naive read 10,000/s, naive durable insert 4,200/s,
 * bare route 16,000/s, create target 4,000/s), and Helsebro's rows as a multiple of this run's naive number.
 */
import t from 'tap';
import type { Measurement } from '../../../bench/lib/load.ts';
import { naiveKey, renderReference, type Row } from '../../../bench/lib/report.ts';

const m = (rps: number): { kind: 'ok'; m: Measurement } => ({
  kind: 'ok',
  m: { seconds: 5, rps, p50: 1, p99: 2, ok: rps * 5, non2xx: 0, connErrors: 0, timeouts: 0, serverCpu: 1, backgroundCpu: 0, warmupFailures: 0, statuses: {}, failures: [] },
});

t.test('rows as multiples of the naive server, the machine against the reference machine', async (t) => {
  const rows: Row[] = [
    { key: 'read', label: 'read', compareWith: 'read', sides: { helsebro: m(12_000), ceiling: m(8_000) } },
    { key: 'create-schema', label: 'create, validation=schema', compareWith: 'create', sides: { helsebro: m(1_050) } },
    { key: 'transaction', label: 'transaction', compareWith: 'transaction', sides: { helsebro: m(100) } },
  ];
  const naive = new Map<string, Row>([
    ['read', { key: 'read', label: 'read', compareWith: 'read', sides: { naive: m(5_000) } }],
    ['create', { key: 'create', label: 'create', compareWith: 'create', sides: { naive: m(2_100) } }],
  ]);
  const text = renderReference(rows, naive)!;
  const line = (label: string): string[] => text.split('\n').find((l) => l.startsWith(`| ${label} `))!.split('|').map((c) => c.trim()).slice(1, -1);
  // 5,000 / 10,000 = 0.50 of the reference machine; 12,000 / 5,000 = 2.40x naive; no read target relative to naive
  t.same(line('read'), ['read', '5,000', '10,000', '0.50', '12,000', '2.40x', '-']);
  // 2,100 / 4,200 = 0.50; 1,050 / 2,100 = 0.50x naive; the target 4,000 / 4,200 = 0.95x naive
  t.same(line('create, validation=schema'), ['create, validation=schema', '2,100', '4,200', '0.50', '1,050', '0.50x', '0.95x']);
  t.notOk(text.includes('| transaction'), 'only read and create rows have a naive number');
  t.match(text, /bare route \(ceiling\) read this run: 8,000 req\/s; on the reference machine about 16,000 \(0\.50x\)/);
});

t.test('nothing to print without the naive server', async (t) => {
  t.equal(renderReference([{ key: 'read', label: 'read', compareWith: 'read', sides: { helsebro: m(1) } }], new Map()), undefined);
});

t.test('a row run at its own connection count is compared with the naive server at that count', async (t) => {
  const rows: Row[] = [
    { key: 'create-schema', label: 'create, validation=schema', compareWith: 'create', sides: { helsebro: m(1_500) } },
    { key: 'create-schema-c64', label: 'create, validation=schema, 64 conn.', compareWith: 'create', connections: 64, sides: { helsebro: m(3_000) } },
  ];
  const naive = new Map<string, Row>([
    [naiveKey('create'), { key: 'create', label: 'create', compareWith: 'create', sides: { naive: m(2_000) } }],
    [naiveKey('create', 64), { key: 'create@64', label: 'create, 64 conn.', compareWith: 'create', connections: 64, sides: { naive: m(2_500) } }],
  ]);
  const text = renderReference(rows, naive)!;
  const line = (label: string): string[] => text.split('\n').find((l) => l.startsWith(`| ${label} `))!.split('|').map((c) => c.trim()).slice(1, -1);
  // 1,500 / 2,000 = 0.75x at the run's count; 3,000 / 2,500 = 1.20x against naive at 64 connections (not 1.50x)
  t.same(line('create, validation=schema'), ['create, validation=schema', '2,000', '4,200', '0.48', '1,500', '0.75x', '0.95x']);
  t.same(line('create, validation=schema, 64 conn.'), ['create, validation=schema, 64 conn.', '2,500', '4,200', '0.60', '3,000', '1.20x', '0.95x']);
});
