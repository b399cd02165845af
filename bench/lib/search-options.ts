/**
 * Options for `npm run bench:search` (node bench/search.ts) from flags and environment variables; flags win.
 *
 *   --quick                 shorter windows: 3 s measured + 1 s warm-up per query and side (BENCH_QUICK=1)
 *   --duration=S            measured seconds per query and side          (BENCH_DURATION, default 10)
 *   --warmup=S              warm-up seconds per query and side           (BENCH_WARMUP, default 2)
 *   --connections=N         concurrent autocannon connections            (BENCH_CONNECTIONS, default 16)
 *   --10x / --scale=10      also seed and measure 10x the data (Helsebro only; about an hour of seeding)
 *   --no-10x / --scale=1    only the default scale (the default: see TEN_X_DEFAULT)
 *   --patients=N            patients of the 1x set (default 100,000 = DEFAULT_SCALE; 10x is ten times it): a smaller
 *                           set is for smoke runs of the bench itself, and the header says so
 *   --peer-patients=N       patients (with their Encounters and Observations) the peer gets: a prefix of the
 *                           same stream                                   (BENCH_PEER_PATIENTS, default 10,000)
 *   --peer-budget=S         seconds the peer's HTTP seeding may take before it stops at the next patient
 *                                                                         (default 120)
 *   --loader=store|repository  how Helsebro is seeded (see bench/lib/search-seed.ts; default store)
 *   --seed-batch=N          resources per seeding transaction            (default 2,000)
 *   --targets=a,b           subset of helsebro,peer                       (BENCH_TARGETS)
 *   --queries=a,b           subset of query keys (bench/lib/search-queries.ts)   (BENCH_QUERIES)
 *   --db-dir=DIR            keep the seeded SQLite files in DIR and reuse them on the next run (skips
 *                           seeding when a complete file for that scale is there); default: a temp dir
 *                           removed at the end
 *   --no-explain            do not run EXPLAIN QUERY PLAN on the seeded files
 *   --no-json               do not write bench/results/search-*.json
 */
import { parseArgs } from 'node:util';
import { list, num as numOption } from './options.ts';

export type SearchTarget = 'helsebro' | 'peer';
export type Loader = 'store' | 'repository';

export interface SearchBenchOptions {
  quick: boolean;
  duration: number;
  warmup: number;
  connections: number;
  tenX: boolean;
  /** true when --10x/--no-10x/--scale was given, false when TEN_X_DEFAULT decided */
  tenXExplicit: boolean;
  patients: number;
  peerPatients: number;
  peerBudgetSeconds: number;
  loader: Loader;
  seedBatch: number;
  targets: SearchTarget[];
  queries: string[] | undefined;
  dbDir: string | undefined;
  explain: boolean;
  json: boolean;
}

/**
 * 10x is opt-in: seeding 4.5 million resources into Helsebro's SQLite store was measured at well over the
 * 15 minutes a default run may take (see the estimate the bench prints); --10x runs it anyway.
 */
export const TEN_X_DEFAULT = false;

const ALL_TARGETS: SearchTarget[] = ['helsebro', 'peer'];

const num = (flag: string | undefined, env: string | undefined, fallback: number): number => numOption(flag, env, fallback, 'bench:search');

export function parseSearchOptions(argv: string[], env: NodeJS.ProcessEnv): SearchBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      '10x': { type: 'boolean' },
      'no-10x': { type: 'boolean' },
      scale: { type: 'string' },
      patients: { type: 'string' },
      'peer-patients': { type: 'string' },
      'peer-budget': { type: 'string' },
      loader: { type: 'string' },
      'seed-batch': { type: 'string' },
      targets: { type: 'string' },
      queries: { type: 'string' },
      'db-dir': { type: 'string' },
      'no-explain': { type: 'boolean', default: false },
      'no-json': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const quick = values.quick === true || env.BENCH_QUICK === '1';
  let tenX = TEN_X_DEFAULT;
  let tenXExplicit = false;
  if (values.scale !== undefined) {
    if (values.scale !== '1' && values.scale !== '10') throw new Error(`bench:search: --scale takes 1 or 10, got ${values.scale}`);
    tenX = values.scale === '10';
    tenXExplicit = true;
  }
  if (values['10x'] && values['no-10x']) throw new Error('bench:search: --10x and --no-10x together');
  if (values['10x']) [tenX, tenXExplicit] = [true, true];
  if (values['no-10x']) [tenX, tenXExplicit] = [false, true];
  const targets = (list(values.targets, env.BENCH_TARGETS) ?? ALL_TARGETS) as SearchTarget[];
  for (const t of targets) {
    if (!ALL_TARGETS.includes(t)) throw new Error(`bench:search: unknown target ${t} (use ${ALL_TARGETS.join(', ')})`);
  }
  const loader = (values.loader ?? 'store') as Loader;
  if (loader !== 'store' && loader !== 'repository') throw new Error(`bench:search: --loader takes store or repository, got ${loader}`);
  return {
    quick,
    duration: num(values.duration, env.BENCH_DURATION, quick ? 3 : 10),
    warmup: num(values.warmup, env.BENCH_WARMUP, quick ? 1 : 2),
    connections: Math.round(num(values.connections, env.BENCH_CONNECTIONS, 16)),
    tenX,
    tenXExplicit,
    patients: Math.round(num(values.patients, undefined, 100_000)),
    peerPatients: Math.round(num(values['peer-patients'], env.BENCH_PEER_PATIENTS, 10_000)),
    peerBudgetSeconds: num(values['peer-budget'], undefined, 120),
    loader,
    seedBatch: Math.round(num(values['seed-batch'], undefined, 2_000)),
    targets,
    queries: list(values.queries, env.BENCH_QUERIES),
    dbDir: values['db-dir'],
    explain: values['no-explain'] !== true,
    json: values['no-json'] !== true,
  };
}
