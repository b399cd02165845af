/**
 * `npm run conformance:search`: the search conformance table (fixtures/search) against the memory store
 * and the SQLite store, printing per feature how many queries pass, are wrong, or are not supported yet,
 * and whether the two stores gave the same answer for every query (the differential check).
 */
import { buildApp } from '../../src/app.ts';
import { loadSeed, loadTable, runQuery, withCount, type QueryResult } from './search-table.ts';

const { seed, queries } = loadTable();
const results: Record<string, QueryResult[]> = {};
for (const kind of ['memory', 'sqlite'] as const) {
  const app = await buildApp({ store: kind === 'memory' ? { kind } : { kind, file: ':memory:' }, logger: false, baseUrl: 'http://helsebro.test/fhir', validation: 'schema' });
  await loadSeed(app, seed);
  results[kind] = [];
  for (const q of queries) results[kind].push(await runQuery(app, withCount(q)));
  await app.close();
}

const features = [...new Set(queries.map((q) => q.feature))];
const rows = features.map((f) => {
  const of = (kind: string, v: string) => results[kind].filter((r) => r.q.feature === f && r.verdict === v).length;
  const n = queries.filter((q) => q.feature === f).length;
  return { f, n, pass: of('sqlite', 'pass'), wrong: of('sqlite', 'wrong'), unsupported: of('sqlite', 'unsupported'), memPass: of('memory', 'pass') };
});
const disagree = queries.filter((_, i) => {
  const a = results.memory[i];
  const b = results.sqlite[i];
  return a.status !== b.status || a.matches.join() !== b.matches.join() || a.included.join() !== b.included.join();
});
console.log('| feature | queries | pass (SQLite) | wrong | not supported yet | pass (memory) |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.f} | ${r.n} | ${r.pass} | ${r.wrong} | ${r.unsupported} | ${r.memPass} |`);
const sum = (k: 'n' | 'pass' | 'wrong' | 'unsupported' | 'memPass') => rows.reduce((a, r) => a + r[k], 0);
console.log(`| all | ${sum('n')} | ${sum('pass')} | ${sum('wrong')} | ${sum('unsupported')} | ${sum('memPass')} |`);
console.log(`conformance:search: ${sum('pass')}/${sum('n')} pass on SQLite, ${sum('memPass')}/${sum('n')} on memory; memory and SQLite disagree on ${disagree.length} queries`);
for (const r of results.sqlite.filter((x) => x.verdict === 'wrong')) console.log(`  wrong: ${r.q.id} ${r.q.query} -> ${r.detail}`);
for (const q of disagree) console.log(`  differ: ${q.id} ${q.query}`);
if (process.argv.includes('--unsupported')) for (const r of results.sqlite.filter((x) => x.verdict === 'unsupported')) console.log(`  unsupported: ${r.q.id} ${r.q.query} -> ${r.detail}`);
