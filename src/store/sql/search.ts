/**
 * search(plan) as SQL: the head table `resource_current c`, restricted to the plan's type and to live
 * (non-deleted) heads, AND-ed with one WHERE fragment per filter from the index that serves it, ordered by
 * the plan's sort keys then the id (default: the id alone: a stable order, so _offset paging never repeats
 * or skips a row while nothing is written), paged by LIMIT/OFFSET. The total is counted up to
 * plan.totalLimit (all of them for _total=accurate).
 *
 * Chains and _has nest whole searches (https://hl7.org/fhir/R4/search.html#chaining , #has):
 *   Observation?subject:Patient.name=ola
 *     c.id IN (SELECT t0.id FROM idx_reference t0 WHERE t0.type = 'Observation' AND t0.param = 'subject'
 *              AND t0.target_type = 'Patient' AND t0.target_id IN
 *                (SELECT c1.id FROM resource_current c1 WHERE c1.type = 'Patient' AND c1.deleted = 0
 *                 AND c1.id IN (SELECT t1.id FROM idx_string t1 WHERE ... folded >= 'ola' ...)))
 *   Patient?_has:Observation:subject:code=1234
 *     c.id IN (SELECT t0.target_id FROM idx_reference t0 WHERE t0.type = 'Observation' AND t0.param = 'subject'
 *              AND t0.target_type = 'Patient' AND t0.id IN (SELECT c1.id FROM resource_current c1 ... code ...))
 * Spec: https://hl7.org/fhir/R4/search.html , #sort , #count , #total (_total)
 */
import type { Filter, SearchPlan, SortKey } from '../../search/plan.ts';
import type { SearchPage } from '../repository.ts';
import { and, call, col, eq, exec, exists, inList, or, val, type Expr, type Order, type Select } from './builder.ts';
import { ParamTable } from './indexes/param-table.ts';
import type { Connection } from './dialect.ts';
import type { SearchContext, SearchIndex } from './indexes/index-table.ts';
import { DATE_STATS_TABLE, dateStatsKey, type DateStats } from './indexes/date.ts';
import { DATE_INDEX, SEARCH_INDEXES } from './indexes/registry.ts';
import { columnsOf, toStored } from './statements.ts';

function indexFor(filter: Filter): SearchIndex {
  const ix = SEARCH_INDEXES.find((i) => i.serves(filter));
  // The parser only emits filters the stores support; anything else is a programming fault (500).
  if (!ix) throw new Error(`no index serves the ${filter.kind} filter`);
  return ix;
}

function sorterFor(key: SortKey): SearchIndex {
  const ix = SEARCH_INDEXES.find((i) => i.sorts(key));
  if (!ix) throw new Error(`no index sorts by ${key.param}`);
  return ix;
}

/** Live heads of one type matching a filter, as `SELECT id` (the inner search of a chain or _has): the
 * filter's own id subquery where it has one (positive filters: index rows exist only for live current
 * versions), else the head table restricted by the filter */
function matchingIds(type: string, filter: Filter, depth: number): Select {
  const head = `c${depth}`;
  const ctx: SearchContext = { head, resourceType: type, depth };
  return idsOf(filter, ctx) ?? {
    kind: 'select',
    from: 'resource_current',
    as: head,
    columns: [col(head, 'id')],
    where: and(eq(col(head, 'type'), val(type)), eq(col(head, 'deleted'), val(0)), condition(filter, ctx)),
  };
}

/** The ids a positive filter matches as one SELECT without the head table; undefined for the others */
function idsOf(filter: Filter, ctx: SearchContext): Select | undefined {
  const t = `r${ctx.depth}`;
  const refs = (param: string, cond: Expr | undefined, select: 'id' | 'target_id', type: string): Select => ({
    kind: 'select',
    from: 'idx_reference',
    as: t,
    columns: [col(t, select)],
    where: and(eq(col(t, 'type'), val(type)), eq(col(t, 'param'), val(param)), cond),
  });
  switch (filter.kind) {
    case 'chain':
      return refs(
        filter.param,
        or(...filter.targetTypes.map((target) =>
          and(eq(col(t, 'target_type'), val(target)), inList(col(t, 'target_id'), matchingIds(target, filter.filter, ctx.depth + 1)))!)),
        'id',
        ctx.resourceType,
      );
    case 'has':
      return refs(
        filter.param,
        and(eq(col(t, 'target_type'), val(ctx.resourceType)), inList(col(t, 'id'), matchingIds(filter.sourceType, filter.filter, ctx.depth + 1))),
        'target_id',
        filter.sourceType,
      );
    case 'any':
    case 'composite':
      return undefined;
    default: {
      const ix = indexFor(filter);
      return ix instanceof ParamTable ? ix.ids(filter, ctx) : undefined;
    }
  }
}

/** The WHERE fragment for one filter on the head row of ctx */
export function condition(filter: Filter, ctx: SearchContext): Expr {
  switch (filter.kind) {
    case 'chain':
    case 'has':
      return inList(col(ctx.head, 'id'), idsOf(filter, ctx)!);
    case 'any':
      return or(...filter.filters.map((f) => condition(f, ctx)));
    case 'composite':
      return compositeCondition(filter.components, ctx);
    default:
      return indexFor(filter).where(filter, ctx);
  }
}

/**
 * Composite: the first component's rows, with EXISTS for each further component on a row of the same
 * resource and the same group (element):
 *   c.id IN (SELECT k0_0.id FROM idx_token k0_0 WHERE k0_0.type = ? AND k0_0.param = 'code-value-quantity$0' AND <code>
 *            AND EXISTS (SELECT k0_1.id FROM idx_quantity k0_1 WHERE k0_1.type = k0_0.type AND k0_1.id = k0_0.id
 *                        AND k0_1.grp = k0_0.grp AND k0_1.param = 'code-value-quantity$1' AND <value>))
 */
function compositeCondition(components: Filter[], ctx: SearchContext): Expr {
  const tables = components.map((f) => {
    const ix = indexFor(f);
    if (!(ix instanceof ParamTable)) throw new Error(`a composite component cannot be a ${f.kind} filter`);
    return ix;
  });
  const alias = (i: number) => `k${ctx.depth}_${i}`;
  const a = alias(0);
  const others = components.slice(1).map((f, j) => {
    const k = alias(j + 1);
    return exists({
      kind: 'select',
      from: tables[j + 1].table,
      as: k,
      columns: [col(k, 'id')],
      where: and(
        eq(col(k, 'type'), col(a, 'type')),
        eq(col(k, 'id'), col(a, 'id')),
        eq(col(k, 'grp'), col(a, 'grp')),
        eq(col(k, 'param'), val((f as { param: string }).param)),
        tables[j + 1].valuesCondition(k, f),
      ),
    });
  });
  return inList(col(ctx.head, 'id'), {
    kind: 'select',
    from: tables[0].table,
    as: a,
    columns: [col(a, 'id')],
    where: and(
      eq(col(a, 'type'), val(ctx.resourceType)),
      eq(col(a, 'param'), val((components[0] as { param: string }).param)),
      tables[0].valuesCondition(a, components[0]),
      ...others,
    ),
  });
}

/** The plan's top-level filters as WHERE terms; several date filters on one parameter may share one
 * subquery (./indexes/date.ts whereAll) */
function filterTerms(filters: readonly Filter[], ctx: SearchContext): Expr[] {
  const byDateParam = new Map<string, Filter[]>();
  for (const f of filters) if (f.kind === 'date') byDateParam.set(f.param, [...(byDateParam.get(f.param) ?? []), f]);
  const merged = new Map<Filter, Expr | undefined>();
  for (const group of byDateParam.values()) {
    if (group.length < 2) continue;
    const expr = DATE_INDEX.whereAll(group, ctx);
    if (expr) group.forEach((f, i) => merged.set(f, i === 0 ? expr : undefined));
  }
  return filters.flatMap((f) => (merged.has(f) ? (merged.get(f) ? [merged.get(f)!] : []) : [condition(f, ctx)]));
}

export function searchStatements(plan: SearchPlan, dateStats?: ReadonlyMap<string, DateStats>): { page: Select; count: Select } {
  const ctx: SearchContext = { head: 'c', resourceType: plan.resourceType, depth: 0, dateStats };
  const where = and(
    eq(col('c', 'type'), val(plan.resourceType)),
    eq(col('c', 'deleted'), val(0)),
    ...filterTerms(plan.filters, ctx),
  ) as Expr;
  const orderBy: Order[] = plan.sort.map((k) => sorterFor(k).orderBy(k, ctx));
  // The default order, and the tie-breaker of every other, is the id (unique within the type): a total
  // order, so paging is stable; and the one SQLite can produce from the IN-list of a filter without
  // sorting every match (ids are UUIDv7, so server-assigned ids follow creation time).
  if (!plan.sort.some((k) => k.param === '_id')) orderBy.push({ expr: col('c', 'id') });
  return {
    page: { kind: 'select', from: 'resource_current', as: 'c', columns: columnsOf('c'), where, orderBy, limit: plan.count, offset: plan.offset },
    count:
      plan.totalLimit === undefined
        ? { kind: 'select', from: 'resource_current', as: 'c', columns: [{ expr: call('COUNT', '*'), as: 'n' }], where }
        : { kind: 'select', from: 'resource_current', as: 'c', columns: [col('c', 'id')], where, limit: plan.totalLimit + 1 },
  };
}

/**
 * Runs a search. `snapshot`: the connection is in autocommit (the store's reader), so the statistics, the
 * page and the count are read inside one read transaction and see the same committed state; false when
 * the caller already holds a transaction on `conn` (a search inside a write transaction).
 */
export async function runSearch(conn: Connection, plan: SearchPlan, snapshot = false): Promise<SearchPage> {
  const params = [...new Set(plan.filters.flatMap((f) => (f.kind === 'date' ? [f.param] : [])))];
  if (!snapshot || params.length === 0) return searchIn(conn, plan, params);
  await conn.query('BEGIN', []);
  try {
    return await searchIn(conn, plan, params);
  } finally {
    await conn.query('COMMIT', []);
  }
}

async function searchIn(conn: Connection, plan: SearchPlan, dateParams: string[]): Promise<SearchPage> {
  const { page, count } = searchStatements(plan, dateParams.length ? await readDateStats(conn, plan.resourceType, dateParams) : undefined);
  const rows = plan.count > 0 ? (await exec(conn, page)).rows : [];
  const entries = rows.map(toStored);
  if (!plan.total) return { entries };
  let total = totalFromPage(plan.offset, plan.count, entries.length);
  if (total === undefined) {
    const rows = (await exec(conn, count)).rows;
    total = plan.totalLimit === undefined ? Number(rows[0].n) : rows.length;
  }
  // Past the limit the count is not known (and not worth knowing): Bundle.total is left out
  return plan.totalLimit !== undefined && total > plan.totalLimit ? { entries } : { entries, total };
}

async function readDateStats(conn: Connection, type: string, params: string[]): Promise<Map<string, DateStats>> {
  const { rows } = await exec(conn, {
    kind: 'select',
    from: DATE_STATS_TABLE,
    columns: ['param', 'multi', 'open', 'span'].map((c) => col(undefined, c)),
    where: and(eq(col(undefined, 'type'), val(type)), inList(col(undefined, 'param'), params.map((p) => val(p)))),
  });
  return new Map(rows.map((r) => [dateStatsKey(type, r.param as string), { multi: Number(r.multi) === 1, open: Number(r.open) === 1, span: Number(r.span) }]));
}

/** The total, when a short page proves it (so the COUNT query can be skipped); undefined otherwise */
export function totalFromPage(offset: number, count: number, got: number): number | undefined {
  if (got < count && (got > 0 || offset === 0)) return offset + got;
  return undefined;
}
