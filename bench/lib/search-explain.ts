/**
 * EXPLAIN QUERY PLAN for the search bench's queries on a seeded file: the SQL Helsebro runs for each (parse
 * -> plan -> planStatements with its probes, as GET [type]?... does: the page asks for _count + 1 rows, and the COUNT for
 * Bundle.total runs only when that page is full), SQLite's plan for it, and each statement's time run
 * directly on the file (median of a few runs, no HTTP), so a slow row can be traced to the statement and
 * the index choice behind it. _include's extra reads are not part of the SQL shown.
 *
 * This reaches into src/ (src/search/parse.ts, src/store/sql/search.ts, builder.ts): when those change
 * shape the bench still runs and reports the error here instead of plans.
 * https://sqlite.org/eqp.html
 */
import type { Sample, SearchQuery } from './search-queries.ts';

export interface StatementPlan {
  sql: string;
  values: unknown[];
  /** EXPLAIN QUERY PLAN as an indented tree */
  plan: string[];
  /** median milliseconds over RUNS runs on a read-only connection (one run when it takes over a second) */
  ms: number;
  rows: number;
}

export interface QueryPlan {
  key: string;
  page?: StatementPlan;
  count?: StatementPlan;
  /** whether the server runs the COUNT (a full page cannot tell the total) */
  countRuns?: boolean;
  error?: string;
}

const RUNS = 5;
const SLOW_STATEMENT_MS = 1_000;

export async function explainQueries(file: string, queries: SearchQuery[], sample: Sample): Promise<QueryPlan[]> {
  const { default: Database } = await import('better-sqlite3');
  let parseSearch: typeof import('../../src/search/parse.ts').parseSearch;
  let planStatements: typeof import('../../src/store/sql/search.ts').planStatements;
  let SqliteConnection: typeof import('../../src/store/sqlite/connection.ts').SqliteConnection;
  let render: typeof import('../../src/store/sql/builder.ts').render;
  let sqliteDialect: typeof import('../../src/store/sql/dialect.ts').sqliteDialect;
  try {
    ({ parseSearch } = await import('../../src/search/parse.ts'));
    ({ planStatements } = await import('../../src/store/sql/search.ts'));
    ({ SqliteConnection } = await import('../../src/store/sqlite/connection.ts'));
    ({ render } = await import('../../src/store/sql/builder.ts'));
    ({ sqliteDialect } = await import('../../src/store/sql/dialect.ts'));
  } catch (err) {
    return queries.map((q) => ({ key: q.key, error: `src/ modules not loadable: ${(err as Error).message}` }));
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  // the planner's probes and date statistics, read as the server reads them
  const conn = new SqliteConnection(file, { readonly: true, synchronous: 'OFF' });
  const out: QueryPlan[] = [];
  try {
    for (const q of queries) {
      try {
        const parsed = parseSearch(q.resourceType, new URLSearchParams(q.params(sample)), { lenient: false, defaultCount: 20, maxCount: 1000 });
        // as src/fhir/interactions/search-type.ts asks: one row more than the page, to know if there is a next
        const plan = { ...parsed.plan, count: parsed.plan.count + 1 };
        const { page, count } = await planStatements(conn, plan);
        const run = (statement: typeof page): StatementPlan => {
          const { sql, values } = render(statement, sqliteDialect);
          const args = values.map((v) => (v !== null && typeof v === 'object' ? null : v));
          const eqp = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { id: number; parent: number; detail: string }[];
          const depth = new Map<number, number>([[0, -1]]);
          const lines = eqp.map((r) => {
            const d = (depth.get(r.parent) ?? -1) + 1;
            depth.set(r.id, d);
            return `${'  '.repeat(d)}${r.detail}`;
          });
          const st = db.prepare(sql);
          const times: number[] = [];
          let rows = 0;
          for (let i = 0; i < RUNS; i++) {
            const t = performance.now();
            rows = st.all(...args).length;
            times.push(performance.now() - t);
            if (times[0] > SLOW_STATEMENT_MS) break; // one run of a slow statement says enough
          }
          times.sort((a, b) => a - b);
          return { sql, values: args, plan: lines, ms: times[Math.floor(times.length / 2)], rows };
        };
        const pageResult = run(page);
        const countRuns = plan.total && pageResult.rows >= plan.count;
        out.push({ key: q.key, page: pageResult, count: run(count), countRuns });
      } catch (err) {
        out.push({ key: q.key, error: (err as Error).message });
      }
    }
  } finally {
    db.close();
    conn.close();
  }
  return out;
}

/** The plans as text for the report: every query's statements with time, plan and SQL */
export function renderPlans(plans: QueryPlan[], labels: Map<string, string>, title: string, only?: Set<string>): string {
  const out: string[] = [title];
  for (const p of plans) {
    if (only && !only.has(p.key)) continue;
    out.push(`* ${labels.get(p.key) ?? p.key}`);
    if (p.error) {
      out.push(`    could not explain: ${p.error}`);
      continue;
    }
    for (const [name, s] of [['page', p.page], ['count', p.count]] as const) {
      if (!s) continue;
      const runs = name === 'count' ? (p.countRuns ? 'runs: the page is full' : 'skipped by the server: the short page gives the total') : `${s.rows} rows`;
      out.push(`    ${name} SQL, ${s.ms.toFixed(2)} ms on the file (${runs}):`);
      for (const line of s.plan) out.push(`      ${line}`);
      out.push(`      SQL: ${s.sql}`);
      out.push(`      values: ${JSON.stringify(s.values)}`);
    }
  }
  return out.join('\n');
}
