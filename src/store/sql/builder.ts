/**
 * The small SQL builder of DESIGN.md house rule 3: statements are plain expression objects, rendered to
 * `{sql, values}` for one Dialect. Values are always bound parameters, never spliced into the text, so a
 * resource id or an identifier value can never become SQL. Identifiers (table and column names) come from
 * our own code only and are checked against a strict pattern as a second line of defence.
 *
 * Why expression objects rather than template strings: the same search plan must render for SQLite (`?`)
 * and PostgreSQL (`$1`), and index tables (house rule 5) contribute WHERE and ORDER BY fragments that
 * the search query composes; objects compose, strings do not.
 *
 * Hot statements are rendered once with `slot(n)` markers and bound per call with `bind()`, so a read does
 * not re-render SQL (the read path is the throughput target).
 *
 * Common table expressions (`WITH [RECURSIVE] name (cols) AS [MATERIALIZED] (...)`) and compound selects
 * (UNION, UNION ALL) are the part both dialects share: https://sqlite.org/lang_with.html ,
 * https://www.postgresql.org/docs/current/queries-with.html (MATERIALIZED: SQLite >= 3.35, PostgreSQL >= 12).
 */
import type { Connection, Dialect, QueryResult } from './dialect.ts';

export type SqlValue = string | number | bigint | null;

export interface Slot {
  readonly slot: number;
}

export type Expr =
  | { readonly kind: 'col'; readonly table?: string; readonly name: string }
  | { readonly kind: 'val'; readonly value: SqlValue | Slot }
  | { readonly kind: 'cmp'; readonly op: CmpOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'logic'; readonly op: 'AND' | 'OR'; readonly items: readonly Expr[] }
  | { readonly kind: 'not'; readonly item: Expr }
  | { readonly kind: 'null'; readonly item: Expr; readonly negate: boolean }
  | { readonly kind: 'in'; readonly left: Expr; readonly list: readonly Expr[] | Select }
  | { readonly kind: 'exists'; readonly query: Select }
  | { readonly kind: 'call'; readonly fn: 'MAX' | 'MIN' | 'COUNT' | 'COALESCE'; readonly args: readonly Expr[] | '*' }
  | { readonly kind: 'sub'; readonly query: Select }
  /** haystack contains needle as a substring (dialect function: instr / strpos) */
  | { readonly kind: 'contains'; readonly haystack: Expr; readonly needle: Expr }
  /** `prefix` is a prefix of `of` (portable: substr(of, 1, length(prefix)) = prefix) */
  | { readonly kind: 'prefixOf'; readonly prefix: Expr; readonly of: Expr }
  /** arithmetic on numbers (REAL / double precision in both dialects) */
  | { readonly kind: 'arith'; readonly op: '+' | '-' | '*'; readonly left: Expr; readonly right: Expr }
  /** a constant written by our code into the text (a row tag of a compound select, NULL): never a value
   * from a request, and checked against a strict pattern */
  | { readonly kind: 'lit'; readonly value: string | null };

export type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export interface Order {
  readonly expr: Expr;
  readonly descending?: boolean;
  /** Rows without a value sort last in either direction (SQLite >= 3.30 and PostgreSQL both accept it) */
  readonly nullsLast?: boolean;
}

/** One named subquery of a WITH clause; a recursive one is a compound of an anchor and a select over itself */
export interface Cte {
  readonly name: string;
  readonly columns: readonly string[];
  readonly query: Select | Compound;
  /** Computed once, not inlined where it is used (AS MATERIALIZED) */
  readonly materialized?: boolean;
}

export interface With {
  /** WITH RECURSIVE: some CTE refers to itself (both dialects then allow any CTE to) */
  readonly recursive?: boolean;
  readonly ctes: readonly Cte[];
}

/** Selects of equal width combined: UNION drops duplicate rows (what ends a recursion over a cycle), UNION ALL keeps them */
export interface Compound {
  readonly kind: 'compound';
  readonly op: 'UNION' | 'UNION ALL';
  /** Plain selects: no WITH, ORDER BY or LIMIT of their own */
  readonly items: readonly Select[];
  readonly with?: With;
}

export interface Select {
  readonly kind: 'select';
  readonly with?: With;
  readonly from: string;
  readonly as?: string;
  readonly columns: readonly (Expr | { readonly expr: Expr; readonly as: string })[];
  /** SELECT DISTINCT */
  readonly distinct?: boolean;
  /** Inner joins after `from`, in order. `fixed`: the tables before it stay the outer loop (rendered
   * `CROSS JOIN t a` with its condition in the WHERE: SQLite keeps that order,
   * https://sqlite.org/optoverview.html#crossjoin ; PostgreSQL plans it as the inner join it is). For a
   * join on a CTE, whose size SQLite cannot estimate. */
  readonly joins?: readonly { readonly table: string; readonly as: string; readonly on: Expr; readonly fixed?: boolean }[];
  readonly where?: Expr;
  readonly groupBy?: readonly Expr[];
  readonly orderBy?: readonly Order[];
  readonly limit?: SqlValue | Slot;
  readonly offset?: SqlValue | Slot;
}

export interface Insert {
  readonly kind: 'insert';
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (SqlValue | Slot)[])[];
  /** Upsert: on a conflict over `target`, overwrite `update` columns with the proposed row's values
   * ('replace', the default) or keep the larger of the stored and the proposed value ('max') */
  readonly onConflict?: { readonly target: readonly string[]; readonly update: readonly string[]; readonly mode?: 'replace' | 'max' };
}

export interface Delete {
  readonly kind: 'delete';
  readonly table: string;
  readonly where: Expr;
}

export type Statement = Select | Insert | Delete | Compound;

export interface Query {
  readonly sql: string;
  readonly values: readonly (SqlValue | Slot)[];
}

// ---- constructors ---------------------------------------------------------------------------------

export const col = (table: string | undefined, name: string): Expr => ({ kind: 'col', table, name });
export const val = (value: SqlValue | Slot): Expr => ({ kind: 'val', value });
export const slot = (n: number): Slot => ({ slot: n });
export const cmp = (op: CmpOp, left: Expr, right: Expr): Expr => ({ kind: 'cmp', op, left, right });
export const eq = (left: Expr, right: Expr): Expr => cmp('=', left, right);
export const isNull = (item: Expr, negate = false): Expr => ({ kind: 'null', item, negate });
export const not = (item: Expr): Expr => ({ kind: 'not', item });
export const exists = (query: Select): Expr => ({ kind: 'exists', query });
export const inList = (left: Expr, list: readonly Expr[] | Select): Expr => ({ kind: 'in', left, list });
export const call = (fn: 'MAX' | 'MIN' | 'COUNT' | 'COALESCE', args: readonly Expr[] | '*'): Expr => ({ kind: 'call', fn, args });
export const sub = (query: Select): Expr => ({ kind: 'sub', query });
export const contains = (haystack: Expr, needle: Expr): Expr => ({ kind: 'contains', haystack, needle });
export const prefixOf = (prefix: Expr, of: Expr): Expr => ({ kind: 'prefixOf', prefix, of });
export const arith = (op: '+' | '-' | '*', left: Expr, right: Expr): Expr => ({ kind: 'arith', op, left, right });
export const lit = (value: string | null): Expr => ({ kind: 'lit', value });
export const union = (op: 'UNION' | 'UNION ALL', items: readonly Select[], w?: With): Compound => ({ kind: 'compound', op, items, with: w });

/** AND of the items; an empty AND is TRUE, so it renders as nothing in a WHERE (see `where`) */
export function and(...items: (Expr | undefined)[]): Expr | undefined {
  const xs = items.filter((x): x is Expr => x !== undefined);
  return xs.length === 0 ? undefined : xs.length === 1 ? xs[0] : { kind: 'logic', op: 'AND', items: xs };
}

/** OR of the items; callers never pass an empty list (an empty OR would be FALSE) */
export function or(...items: Expr[]): Expr {
  if (items.length === 0) throw new Error('or() of nothing');
  return items.length === 1 ? items[0] : { kind: 'logic', op: 'OR', items };
}

// ---- rendering ------------------------------------------------------------------------------------

const IDENT = /^[a-z_][a-z0-9_]*$/;
const LITERAL = /^[A-Za-z0-9_ .:/-]*$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`unsafe SQL identifier '${name}'`);
  return name;
}

class Renderer {
  readonly values: (SqlValue | Slot)[] = [];
  readonly d: Dialect;

  constructor(d: Dialect) {
    this.d = d;
  }

  param(v: SqlValue | Slot): string {
    this.values.push(v);
    return this.d.placeholder(this.values.length);
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'col':
        return e.table === undefined ? ident(e.name) : `${ident(e.table)}.${ident(e.name)}`;
      case 'val':
        return this.param(e.value);
      case 'cmp':
        return `${this.expr(e.left)} ${e.op} ${this.expr(e.right)}`;
      case 'logic':
        return `(${e.items.map((x) => this.expr(x)).join(` ${e.op} `)})`;
      case 'not':
        return `NOT (${this.expr(e.item)})`;
      case 'null':
        return `${this.expr(e.item)} IS ${e.negate ? 'NOT ' : ''}NULL`;
      case 'in':
        return Array.isArray(e.list)
          ? `${this.expr(e.left)} IN (${(e.list as readonly Expr[]).map((x) => this.expr(x)).join(', ')})`
          : `${this.expr(e.left)} IN (${this.select(e.list as Select)})`;
      case 'exists':
        return `EXISTS (${this.select(e.query)})`;
      case 'call':
        return `${e.fn}(${e.args === '*' ? '*' : e.args.map((x) => this.expr(x)).join(', ')})`;
      case 'sub':
        return `(${this.select(e.query)})`;
      case 'contains':
        return this.d.contains(this.expr(e.haystack), this.expr(e.needle));
      case 'arith':
        return `(${this.expr(e.left)} ${e.op} ${this.expr(e.right)})`;
      case 'prefixOf': {
        const prefix = this.expr(e.prefix);
        return `substr(${this.expr(e.of)}, 1, length(${prefix})) = ${prefix}`;
      }
      case 'lit':
        if (e.value === null) return 'NULL';
        if (!LITERAL.test(e.value)) throw new Error(`unsafe SQL literal '${e.value}'`);
        return `'${e.value}'`;
    }
  }

  with(w: With | undefined): string {
    if (!w) return '';
    const ctes = w.ctes.map((c) => `${ident(c.name)} (${c.columns.map(ident).join(', ')}) AS ${c.materialized ? 'MATERIALIZED ' : ''}(${this.query(c.query)})`);
    return `WITH ${w.recursive ? 'RECURSIVE ' : ''}${ctes.join(', ')} `;
  }

  query(q: Select | Compound): string {
    return q.kind === 'select' ? this.select(q) : this.compound(q);
  }

  compound(c: Compound): string {
    if (c.items.length < 2) throw new Error('a compound select of fewer than two selects');
    const head = this.with(c.with);
    const items = c.items.map((s) => {
      if (s.with || s.orderBy || s.limit !== undefined || s.offset !== undefined) throw new Error('a member of a compound select has its own WITH, ORDER BY or LIMIT');
      return this.select(s);
    });
    return head + items.join(` ${c.op} `);
  }

  select(s: Select): string {
    const head = this.with(s.with);
    const cols = s.columns.map((c) => ('kind' in c ? this.expr(c) : `${this.expr(c.expr)} AS ${ident(c.as)}`));
    let sql = `${head}SELECT ${s.distinct ? 'DISTINCT ' : ''}${cols.join(', ')} FROM ${ident(s.from)}${s.as ? ` ${ident(s.as)}` : ''}`;
    const fixed: Expr[] = [];
    for (const j of s.joins ?? []) {
      if (j.fixed) {
        sql += ` CROSS JOIN ${ident(j.table)} ${ident(j.as)}`;
        fixed.push(j.on);
      } else sql += ` JOIN ${ident(j.table)} ${ident(j.as)} ON ${this.expr(j.on)}`;
    }
    const where = and(...fixed, s.where);
    if (where) sql += ` WHERE ${this.expr(where)}`;
    if (s.groupBy && s.groupBy.length > 0) sql += ` GROUP BY ${s.groupBy.map((g) => this.expr(g)).join(', ')}`;
    if (s.orderBy && s.orderBy.length > 0) {
      sql += ` ORDER BY ${s.orderBy.map((o) => `${this.expr(o.expr)}${o.descending ? ' DESC' : ' ASC'}${o.nullsLast ? ' NULLS LAST' : ''}`).join(', ')}`;
    }
    if (s.limit !== undefined || s.offset !== undefined) {
      const limit = s.limit === undefined ? undefined : this.param(s.limit);
      sql += ` ${this.d.limitOffset(limit, s.offset === undefined ? undefined : this.param(s.offset))}`;
    }
    return sql;
  }

  insert(s: Insert): string {
    if (s.rows.length === 0) throw new Error('insert of no rows');
    const rows = s.rows.map((r) => {
      if (r.length !== s.columns.length) throw new Error('insert row width differs from its columns');
      return `(${r.map((v) => this.param(v)).join(', ')})`;
    });
    let sql = `INSERT INTO ${ident(s.table)} (${s.columns.map(ident).join(', ')}) VALUES ${rows.join(', ')}`;
    if (s.onConflict) sql += ` ${this.d.upsert(ident(s.table), s.onConflict.target.map(ident), s.onConflict.update.map(ident), s.onConflict.mode ?? 'replace')}`;
    return sql;
  }

  statement(s: Statement): string {
    switch (s.kind) {
      case 'select':
        return this.select(s);
      case 'insert':
        return this.insert(s);
      case 'delete':
        return `DELETE FROM ${ident(s.table)} WHERE ${this.expr(s.where)}`;
      case 'compound':
        return this.compound(s);
    }
  }
}

export function render(s: Statement, dialect: Dialect): Query {
  const r = new Renderer(dialect);
  const sql = r.statement(s);
  return { sql, values: r.values };
}

/** Fills the slots of a pre-rendered query; plain values pass through */
export function bind(q: Query, args: readonly SqlValue[]): SqlValue[] {
  return q.values.map((v) => (v !== null && typeof v === 'object' ? args[v.slot] : v));
}

/** Renders and runs a statement on the seam (awaiting works for synchronous and asynchronous drivers) */
export async function exec(conn: Connection, s: Statement, args: readonly SqlValue[] = []): Promise<QueryResult> {
  const q = render(s, conn.dialect);
  return conn.query(q.sql, bind(q, args));
}
