/**
 * Options for `npm run bench` from flags (after `--`) and environment variables; flags win.
 *
 *   --quick                 smoke run, about a minute in all (2 s measure, 0.5 s warm-up, 200 seeded)
 *   --duration=S            measured seconds per scenario        (BENCH_DURATION, default 8)
 *   --warmup=S              warm-up seconds per scenario         (BENCH_WARMUP, default 2)
 *   --connections=N         concurrent autocannon connections    (BENCH_CONNECTIONS, default 16)
 *   --seed=N                patients seeded for read and update  (BENCH_SEED, default 1000)
 *   --targets=a,b           subset of helsebro,peer,ceiling,naive (BENCH_TARGETS)
 *   --scenarios=a,b         subset of scenario keys              (BENCH_SCENARIOS)
 *   --ceiling-all           run the constant route for every row, not only read
 *   --no-json               do not write bench/results/*.json
 */
import { parseArgs } from 'node:util';

export type TargetName = 'helsebro' | 'peer' | 'ceiling' | 'naive';

export interface BenchOptions {
  quick: boolean;
  duration: number;
  warmup: number;
  connections: number;
  seed: number;
  targets: TargetName[];
  scenarios: string[] | undefined;
  ceilingAll: boolean;
  json: boolean;
}

const ALL_TARGETS: TargetName[] = ['helsebro', 'peer', 'ceiling', 'naive'];

/** A positive number from a flag or else an environment variable; `label` names the bench in the error */
export function num(flag: string | undefined, env: string | undefined, fallback: number, label = 'bench'): number {
  const raw = flag ?? env;
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${label}: not a positive number: ${raw}`);
  return value;
}

/** A comma-separated list from a flag or else an environment variable */
export function list(flag: string | undefined, env: string | undefined): string[] | undefined {
  const raw = flag ?? env;
  if (!raw) return undefined;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      seed: { type: 'string' },
      targets: { type: 'string' },
      scenarios: { type: 'string' },
      'ceiling-all': { type: 'boolean', default: false },
      'no-json': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const quick = values.quick === true || env.BENCH_QUICK === '1';
  const targets = (list(values.targets, env.BENCH_TARGETS) ?? ALL_TARGETS) as TargetName[];
  for (const t of targets) {
    if (!ALL_TARGETS.includes(t)) throw new Error(`bench: unknown target ${t} (use ${ALL_TARGETS.join(', ')})`);
  }
  return {
    quick,
    duration: num(values.duration, env.BENCH_DURATION, quick ? 2 : 8),
    warmup: num(values.warmup, env.BENCH_WARMUP, quick ? 0.5 : 2),
    connections: Math.round(num(values.connections, env.BENCH_CONNECTIONS, 16)),
    seed: Math.round(num(values.seed, env.BENCH_SEED, quick ? 200 : 1000)),
    targets,
    scenarios: list(values.scenarios, env.BENCH_SCENARIOS),
    ceilingAll: values['ceiling-all'] === true,
    json: values['no-json'] !== true,
  };
}
