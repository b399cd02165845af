/**
 * `node bench/ucum.ts [--calls 1000000] [--lib-calls 60000] [--runs 5]`: what UCUM canonicalisation for quantity
 * search (src/search/ucum.ts) costs, beside the same conversions done directly through @lhncbc/ucum-lhc.
 *
 * One-off costs are only true in a fresh process, so each is measured in --runs child processes (median):
 * "library" = require('@lhncbc/ucum-lhc'), UcumLhcUtils.getInstance() (loads the unit tables) and the first
 * convertToBaseUnits(); "module" = import of src/search/ucum.ts, its first canonical() (which loads the library
 * lazily), a first call for another code (a memo miss with the library warm) and a repeated call (a memo hit).
 *
 * Steady state (median of 5 rounds each): --calls memoised canonical() calls over a mix of codes (one row per code, calls split evenly,
 * plus one interleaved loop over the whole mix), and --lib-calls convertToBaseUnits(code, value) calls for the
 * same codes without memoisation (the library parses the code, and its base-unit string, on every call).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface LibUtils {
  convertToBaseUnits(code: string, value: number): { status: string; magnitude?: number };
}
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const CALLS = Number(arg('calls', '1000000'));
const LIB_CALLS = Number(arg('lib-calls', '60000'));
const RUNS = Number(arg('runs', '5'));
const CODES = ['mg', 'g', 'kg', 'mmol/L', 'umol/L', 'mg/dL', '10*9/L', '{cells}/uL', 'mm[Hg]', 'h', '%', 'Cel', '[iU]/L'];

if (process.argv.includes('--probe-library')) {
  const t0 = performance.now();
  const pkg = createRequire(import.meta.url)('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): LibUtils } };
  const t1 = performance.now();
  const utils = pkg.UcumLhcUtils.getInstance();
  const t2 = performance.now();
  utils.convertToBaseUnits('mg', 5.4);
  const t3 = performance.now();
  console.log(JSON.stringify([t1 - t0, t2 - t1, t3 - t2, t3 - t0]));
  process.exit(0);
}
if (process.argv.includes('--probe-module')) {
  const t0 = performance.now();
  const { canonical } = await import('../src/search/ucum.ts');
  const t1 = performance.now();
  canonical(5.4, 'mg');
  const t2 = performance.now();
  canonical(5, 'mmol/L');
  const t3 = performance.now();
  canonical(5.4, 'mg');
  const t4 = performance.now();
  console.log(JSON.stringify([t1 - t0, t2 - t1, t3 - t2, (t4 - t3) * 1000]));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function probe(mode: string): number[] {
  const runs = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(process.execPath, [self, mode], { encoding: 'utf8' })) as number[]);
  return runs[0].map((_, i) => median(runs.map((r) => r[i])));
}
const [req, instance, firstLib, libTotal] = probe('--probe-library');
const [modImport, firstCall, secondCode, hitUs] = probe('--probe-module');

const { canonical } = await import('../src/search/ucum.ts');
const utils = (createRequire(import.meta.url)('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): LibUtils } }).UcumLhcUtils.getInstance();

let sink = 0;
function memoised(codes: string[], n: number): number {
  const k = codes.length;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const c = canonical(i * 0.001, codes[i % k]);
    if (c) sink += c.value;
  }
  return ((performance.now() - t0) * 1000) / n;
}
function direct(codes: string[], n: number): number {
  const k = codes.length;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = utils.convertToBaseUnits(codes[i % k], i * 0.001);
    if (r.status === 'succeeded') sink += r.magnitude!;
  }
  return ((performance.now() - t0) * 1000) / n;
}

/** median µs per call over 5 rounds of n/5 calls each */
function rounds(fn: (codes: string[], n: number) => number, codes: string[], n: number): number {
  return median(Array.from({ length: 5 }, () => fn(codes, Math.max(1, Math.floor(n / 5)))));
}

// warm-up: fills the memo, lets the JIT settle on both paths
memoised(CODES, 200_000);
direct(CODES, 2_000);

const perCode = Math.max(1, Math.floor(CALLS / CODES.length));
const libPerCode = Math.max(1, Math.floor(LIB_CALLS / CODES.length));
const rows: [string, string, number, number][] = CODES.map((code) => {
  const c = canonical(1, code);
  return [code, c ? c.code : 'undefined', rounds(memoised, [code], perCode), rounds(direct, [code], libPerCode)];
});
const mixMemo = rounds(memoised, CODES, CALLS);
const mixLib = rounds(direct, CODES, LIB_CALLS);

const num = (x: number, d: number, w: number) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }).padStart(w);
console.log(`node ${process.version}, ${process.platform}/${process.arch}; @lhncbc/ucum-lhc ${createRequire(import.meta.url)('@lhncbc/ucum-lhc/package.json').version}\n`);
console.log(`one-off costs (fresh process each, median of ${RUNS})`);
console.log(`  require('@lhncbc/ucum-lhc')                         ${num(req, 1, 8)} ms`);
console.log(`  UcumLhcUtils.getInstance() (unit tables)            ${num(instance, 1, 8)} ms`);
console.log(`  first convertToBaseUnits()                          ${num(firstLib, 1, 8)} ms`);
console.log(`  library total to first result                       ${num(libTotal, 1, 8)} ms`);
console.log(`  import src/search/ucum.ts (library not loaded yet)  ${num(modImport, 1, 8)} ms`);
console.log(`  first canonical() (loads the library)               ${num(firstCall, 1, 8)} ms`);
console.log(`  canonical() for a second code (memo miss)           ${num(secondCode, 2, 8)} ms`);
console.log(`  canonical() repeated (memo hit, cold JIT)           ${num(hitUs, 1, 8)} µs`);
console.log(`\nsteady state: µs per call, median of 5 rounds; canonical() ${perCode.toLocaleString('en-US')} calls per code, library ${libPerCode.toLocaleString('en-US')} per code`);
console.log(`  ${'code'.padEnd(13)}${'canonical code'.padEnd(17)}${'canonical()'.padStart(12)}${'library'.padStart(12)}${'ratio'.padStart(10)}`);
for (const [code, ccode, m, l] of rows) console.log(`  ${code.padEnd(13)}${ccode.padEnd(17)}${num(m, 3, 12)}${num(l, 2, 12)}${num(l / m, 0, 9)}x`);
console.log(`  ${'mix (interleaved)'.padEnd(30)}${num(mixMemo, 3, 12)}${num(mixLib, 2, 12)}${num(mixLib / mixMemo, 0, 9)}x`);
console.log(`  (${CALLS.toLocaleString('en-US')} canonical() calls in the mix: ${num((mixMemo * CALLS) / 1000, 0, 0)} ms)`);
if (Number.isNaN(sink)) console.log('unreachable');
