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
import { and, call, cmp, col, eq, exec, exists, inList, or, render, val, type Expr, type Order, type Query, type Select, type SqlValue } from './builder.ts';
import { ParamTable } from './indexes/param-table.ts';
import type { Connection, Row } from './dialect.ts';
import type { CountCache } from './count-cache.ts';
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
          and(eq(col(t, 'target_type'), val(target)), innerCondition(target, filter.filter, ctx, col(t, 'target_id'), planner.medium))!)),
        'id',
        ctx.resourceType,
      );
    case 'has':
      return refs(
        filter.param,
        and(eq(col(t, 'target_type'), val(ctx.resourceType)), innerCondition(filter.sourceType, filter.filter, ctx, col(t, 'id'), planner.small)),
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

/**
 * The inner search of a chain or _has as a condition on the reference row's id column `outer`: an
 * uncorrelated IN list when the inner search is below `large` matches or its size unknown (collected once),
 * a correlated EXISTS when it is known to be larger (so a search that walks its candidates checks each one
 * with an index seek instead of first collecting every inner match). See sizeOf for the thresholds.
 */
function innerCondition(type: string, filter: Filter, ctx: SearchContext, outer: Expr, large: number): Expr {
  const inner: SearchContext = { head: `c${ctx.depth + 1}`, resourceType: type, depth: ctx.depth + 1, probes: ctx.probes };
  const size = ctx.probes?.get(filter);
  const ids = size !== undefined && size >= large ? idsOf(filter, inner) : undefined;
  return ids ? correlated(ids, outer) : inList(outer, matchingIds(type, filter, ctx.depth + 1));
}

/** An id subquery as a correlated EXISTS: its one column (the id it yields) equals `outer` */
function correlated(ids: Select, outer: Expr): Expr {
  return exists({ ...ids, where: and(ids.where, eq(ids.columns[0] as Expr, outer)) });
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

/**
 * One top-level condition of a plan: a filter, or several date filters on one parameter merged into one
 * subquery (./indexes/date.ts idsAll). `ids` is its positive id subquery (index rows exist only for live
 * current versions, so it needs no head table), absent for :missing=true, :not, _id, _lastUpdated, OR-ed
 * and composite filters, which stay conditions on the head row.
 */
interface Part {
  filters: Filter[];
  where: Expr;
  ids?: Select;
  /** the ids come in id order from their index (an equality seek: ParamTable.idOrdered) */
  ordered: boolean;
  /** matches counted up to PROBE_LIMIT before planning (runSearch); absent when not probed */
  size?: number;
}

/**
 * Below `small` matches a filter counts as small: collecting and sorting its ids costs little. A setting so
 * the conformance test can run every query through the other plans too (small = 0: every filter large).
 */
export const planner = { small: 1000, medium: 50_000 };
/** Alias depth of a streamed driver (deeper than any chain a query may nest) */
const DRIVER_DEPTH = 9;
/** The first probe counts at most this many matches; only when no filter is small and none streams does a
 * second probe count up to planner.medium (walking the heads pays off only for filters that large) */
const PROBE_LIMIT = 1000;

/**
 * A filter's estimated matches for planning. A chain is estimated by its inner search (about as many
 * resources point at those) while that is below planner.medium, and then collected as an IN list; a _has
 * only while its inner search is small: a larger one is walked (each candidate checked with index seeks),
 * since collecting every inner match and its reference rows costs far more than the page needs.
 */
function sizeOf(f: Filter, probes: ReadonlyMap<Filter, number> | undefined): number | undefined {
  if (f.kind === 'chain' || f.kind === 'has') {
    const inner = probes?.get(f.filter);
    return inner !== undefined && inner < (f.kind === 'has' ? planner.small : planner.medium) ? inner : undefined;
  }
  return probes?.get(f);
}

function partsOf(filters: readonly Filter[], ctx: SearchContext): Part[] {
  const byDateParam = new Map<string, Filter[]>();
  for (const f of filters) if (f.kind === 'date') byDateParam.set(f.param, [...(byDateParam.get(f.param) ?? []), f]);
  const parts: Part[] = [];
  const done = new Set<Filter>();
  for (const group of byDateParam.values()) {
    if (group.length < 2) continue;
    const ids = DATE_INDEX.idsAll(group, ctx);
    if (!ids) continue;
    group.forEach((f) => done.add(f));
    parts.push({ filters: group, ids, where: inList(col(ctx.head, 'id'), ids), ordered: false, size: sizeOf(group[0], ctx.probes) });
  }
  for (const f of filters) {
    if (done.has(f)) continue;
    const ids = idsOf(f, ctx);
    const ix = f.kind === 'chain' || f.kind === 'has' || f.kind === 'any' || f.kind === 'composite' ? undefined : indexFor(f);
    parts.push({
      filters: [f],
      ids,
      where: ids ? inList(col(ctx.head, 'id'), ids) : condition(f, ctx),
      ordered: ids !== undefined && ix instanceof ParamTable && ix.idOrdered(f),
      size: sizeOf(f, ctx.probes),
    });
  }
  return parts;
}

/**
 * The page and count statements of a plan. Without probes (sizes) every filter is an IN list on the head
 * table, as chains nest them. With probes and the default order (by id) the plan picks how to reach the
 * first page and the capped count without collecting every match of a large filter:
 *   drive   a small filter (< planner.small matches) is the IN list; every other positive filter is a correlated
 *           EXISTS checked on its candidates only
 *   stream  no small filter, but an equality seek (idOrdered) yields its ids in id order: join the head
 *           to that index and read the page (and the count) straight from it, GROUP BY id removing
 *           duplicate rows of one resource, the others as correlated EXISTS
 *   medium  no small and no ordered filter, but one below planner.medium matches (a second probe): that
 *           filter as the IN list, the others as correlated EXISTS
 *   walk    every filter larger still (or only chains/_has over large inner searches): walk the heads in id
 *           order and check every filter as a correlated EXISTS; such dense matches fill a page and the
 *           count after few heads
 *   Patient?_has:Observation:subject:code=718-7 (walk; the inner code search is large, so correlated too):
 *     SELECT ... FROM resource_current c WHERE c.type = 'Patient' AND c.deleted = 0 AND EXISTS
 *       (SELECT r0.target_id FROM idx_reference r0 WHERE r0.type = 'Observation' AND r0.param = 'subject'
 *        AND r0.target_type = 'Patient' AND EXISTS (SELECT t1.id FROM idx_token t1 WHERE t1.type = 'Observation'
 *        AND t1.param = 'code' AND t1.code = '718-7' AND t1.id = r0.id) AND r0.target_id = c.id)
 *     ORDER BY c.id LIMIT 20
 * An explicit _sort or _total=accurate keeps the IN lists (every match is needed anyway).
 */
export function searchStatements(
  plan: SearchPlan,
  dateStats?: ReadonlyMap<string, DateStats>,
  probes?: ReadonlyMap<Filter, number>,
): { page: Select; count: Select } {
  const ctx: SearchContext = { head: 'c', resourceType: plan.resourceType, depth: 0, dateStats, probes };
  const parts = partsOf(plan.filters, ctx);
  const live = [eq(col('c', 'type'), val(plan.resourceType)), eq(col('c', 'deleted'), val(0))];
  const headPage = (where: Expr[], orderBy: Order[]): Select =>
    ({ kind: 'select', from: 'resource_current', as: 'c', columns: columnsOf('c'), where: and(...live, ...where), orderBy, limit: plan.count, offset: plan.offset });
  const headCount = (where: Expr[]): Select =>
    plan.totalLimit === undefined
      ? { kind: 'select', from: 'resource_current', as: 'c', columns: [{ expr: call('COUNT', '*'), as: 'n' }], where: and(...live, ...where) }
      : { kind: 'select', from: 'resource_current', as: 'c', columns: [col('c', 'id')], where: and(...live, ...where), limit: plan.totalLimit + 1 };

  // Keyset paging (plan.cursor): the page continues after (or ends before) an id, walking the id order
  // forwards (or backwards: runSearch puts the rows back in id order); the count ignores the cursor.
  const cursorOn = (id: Expr): Expr[] =>
    !plan.cursor ? [] : 'after' in plan.cursor ? [cmp('>', id, val(plan.cursor.after))] : [cmp('<', id, val(plan.cursor.before))];
  const backwards = plan.cursor !== undefined && 'before' in plan.cursor;
  const idOrder = (id: Expr): Order => ({ expr: id, descending: backwards });
  const positive = parts.filter((p) => p.ids !== undefined);
  const planned = probes !== undefined && plan.sort.length === 0 && plan.totalLimit !== undefined && positive.length > 0;
  if (!planned) {
    const orderBy: Order[] = plan.sort.map((k) => sorterFor(k).orderBy(k, ctx));
    // The default order, and the tie-breaker of every other, is the id (unique within the type): a total
    // order, so paging is stable (ids are UUIDv7, so server-assigned ids follow creation time).
    if (!plan.sort.some((k) => k.param === '_id')) orderBy.push(idOrder(col('c', 'id')));
    const where = parts.map((p) => p.where);
    return { page: headPage([...where, ...cursorOn(col('c', 'id'))], orderBy), count: headCount(where) };
  }
  const rest = (except: Part | undefined, outer: Expr): Expr[] =>
    parts.filter((p) => p !== except).map((p) => (p.ids ? correlated(p.ids, outer) : p.where));
  // The head table in id order: `driver` as the IN list (none: walk), every other filter correlated
  const onHead = (driver: Part | undefined) => {
    const where = [...(driver ? [driver.where] : []), ...rest(driver, col('c', 'id'))];
    return { page: headPage([...where, ...cursorOn(col('c', 'id'))], [idOrder(col('c', 'id'))]), count: headCount(where) };
  };
  const sized = positive.filter((p) => p.size !== undefined).sort((a, b) => a.size! - b.size!);
  const small = sized[0] !== undefined && sized[0].size! < planner.small ? sized[0] : undefined;
  if (small) return onHead(small);
  const stream = positive.find((p) => p.ordered);
  const medium = !stream && sized[0] !== undefined && sized[0].size! < planner.medium ? sized[0] : undefined;
  // No small and no ordered filter, but one of a few thousand matches: collecting it costs a few
  // milliseconds, while walking the heads would visit every non-match in between (January 2020 among
  // ten years of Observations: 1 in 120)
  if (medium) return onHead(medium);
  if (stream) {
    // GROUP BY the driver's id alone keeps SQLite streaming in index order (adding c's key columns makes it
    // sort); PostgreSQL will need c's primary key in the GROUP BY (functional dependency) or DISTINCT ON,
    // a dialect hook to add with the PostgreSQL store.
    // The driver gets aliases of its own depth: the correlated subqueries of the other filters use the
    // depth-0 aliases, and must not shadow the driver's id they compare with.
    const d = idsOf(stream.filters[0], { ...ctx, depth: DRIVER_DEPTH })!;
    const dId = d.columns[0] as Expr;
    const headNeeded = parts.some((p) => p !== stream && p.ids === undefined);
    const join = { table: 'resource_current', as: 'c', on: and(eq(col('c', 'type'), val(plan.resourceType)), eq(col('c', 'id'), dId), eq(col('c', 'deleted'), val(0)))! };
    return {
      page: { ...d, columns: columnsOf('c'), joins: [join], where: and(d.where, ...rest(stream, col('c', 'id')), ...cursorOn(dId)), groupBy: [dId], orderBy: [idOrder(dId)], limit: plan.count, offset: plan.offset },
      count: { ...d, columns: [dId], joins: headNeeded ? [join] : undefined, where: and(d.where, ...rest(stream, headNeeded ? col('c', 'id') : dId)), groupBy: [dId], limit: plan.totalLimit! + 1 },
    };
  }
  return onHead(undefined);
}

/**
 * Runs a search. `shared`: the connection is the store's reader, shared by concurrent searches (each of
 * them awaits between its statements, so none may hold a transaction on it): the count cache applies.
 *
 * The date statistics steer how a date filter is written (./indexes/date.ts), and they are read in a
 * statement of their own, so a write can commit between them and the page. They only grow, and a write
 * commits them with its rows; so when they are read again after the page and the count and have not
 * changed, every row those statements saw was covered by them. When they have grown, the search runs again
 * with the new ones (the first multi-valued or open-ended value of a parameter: rare, and at most twice).
 */
export async function runSearch(conn: Connection, plan: SearchPlan, shared = false, counts?: CountCache): Promise<SearchPage> {
  // noted before the first statement: a count may be cached only if nothing was committed since
  const cache = shared && counts ? { counts, generation: counts.generation } : undefined;
  const dateParams = dateParamsOf(plan);
  for (let attempt = 0; ; attempt++) {
    const stats = dateParams.length ? await readDateStats(conn, plan.resourceType, dateParams) : undefined;
    const page = await searchIn(conn, plan, stats, cache);
    if (!stats || attempt === 2) return page;
    const after = await readDateStats(conn, plan.resourceType, dateParams);
    if (sameStats(stats, after)) return page;
  }
}

const sameStats = (a: ReadonlyMap<string, DateStats>, b: ReadonlyMap<string, DateStats>): boolean =>
  a.size === b.size && [...a].every(([k, x]) => {
    const y = b.get(k);
    return y !== undefined && x.multi === y.multi && x.open === y.open && x.span === y.span;
  });

type Cache = { counts: CountCache; generation: number } | undefined;

/** The date parameters a plan filters on (their statistics steer the date SQL) */
const dateParamsOf = (plan: SearchPlan): string[] => [...new Set(plan.filters.flatMap((f) => (f.kind === 'date' ? [f.param] : [])))];

/** Runs a counting query (one row, column n, or the rows of a capped count) through the count cache */
async function counted(conn: Connection, q: Query, cache: Cache, read: (rows: Row[]) => number): Promise<number> {
  const key = cache && `${q.sql}\u0000${JSON.stringify(q.values)}`;
  const hit = key === undefined ? undefined : cache!.counts.get(key);
  if (hit !== undefined) return hit;
  const n = read((await conn.query(q.sql, q.values as SqlValue[])).rows);
  if (key !== undefined) cache!.counts.set(key, cache!.generation, n);
  return n;
}

async function searchIn(conn: Connection, plan: SearchPlan, dateStats: ReadonlyMap<string, DateStats> | undefined, cache: Cache): Promise<SearchPage> {
  const { page, count, knownTotal } = await planStatements(conn, plan, dateStats, cache);
  const rows = plan.count > 0 ? (await exec(conn, page)).rows : [];
  if (plan.cursor && 'before' in plan.cursor) rows.reverse();
  const entries = rows.map(toStored);
  if (!plan.total) return { entries };
  // A short page proves the total only when it is the whole search from its start (no cursor)
  let total = plan.cursor ? knownTotal : (totalFromPage(plan.offset, plan.count, entries.length) ?? knownTotal);
  if (total === undefined) total = await counted(conn, render(count, conn.dialect), cache, (rows) => (plan.totalLimit === undefined ? Number(rows[0].n) : rows.length));
  // Past the limit the count is not known (and not worth knowing): Bundle.total is left out
  return plan.totalLimit !== undefined && total > plan.totalLimit ? { entries } : { entries, total };
}

/**
 * The statements searchIn runs for a plan: the date statistics and the probes read on `conn`, then
 * searchStatements (the search bench prints the same through this function).
 */
export async function planStatements(
  conn: Connection,
  plan: SearchPlan,
  dateStats?: ReadonlyMap<string, DateStats>,
  cache?: Cache,
): Promise<{ page: Select; count: Select; knownTotal?: number }> {
  if (dateStats === undefined) {
    const dateParams = dateParamsOf(plan);
    if (dateParams.length) dateStats = await readDateStats(conn, plan.resourceType, dateParams);
  }
  if (plan.sort.length > 0 || plan.totalLimit === undefined) return searchStatements(plan, dateStats);
  // A probe counts distinct ids past the total's cap, so for a search with a single filter its count is the
  // total (or says it is past the cap) and the COUNT statement is not needed
  const firstLimit = Math.max(PROBE_LIMIT, plan.totalLimit + 1);
  // Built once, without sizes: what is probed (index filters' ids, chains' and _has' inner filters) and
  // what decides whether a second probe is needed do not depend on the probes
  const parts = partsOf(plan.filters, { head: 'c', resourceType: plan.resourceType, depth: 0, dateStats });
  let probes = await probe(conn, parts, cache, firstLimit);
  const positive = parts.filter((p) => p.ids !== undefined);
  const sizes = positive.map((p) => sizeOf(p.filters[0], probes));
  if (!sizes.some((n) => n !== undefined && n < planner.small) && !positive.some((p) => p.ordered) && sizes.some((n) => n !== undefined)) {
    probes = await probe(conn, parts, cache, Math.max(planner.medium, firstLimit));
  }
  const only = parts.length === 1 ? parts[0] : undefined;
  const direct = only?.ids !== undefined && only.filters[0].kind !== 'chain' && only.filters[0].kind !== 'has';
  const knownTotal = direct ? probes.get(only!.filters[0]) : undefined;
  return { ...searchStatements(plan, dateStats, probes), ...(knownTotal !== undefined ? { knownTotal } : {}) };
}

/**
 * How many resources (distinct ids, up to `limit`) each top-level positive index filter matches, and the inner filter of
 * each top-level chain and _has: one index range count each, a fraction of a millisecond.
 */
async function probe(conn: Connection, parts: readonly Part[], cache: Cache, limit: number): Promise<Map<Filter, number>> {
  const out = new Map<Filter, number>();
  const count = async (f: Filter, ids: Select | undefined) => {
    if (!ids) return;
    const q = render({ ...ids, distinct: true, limit }, conn.dialect);
    out.set(f, await counted(conn, { sql: `SELECT COUNT(*) AS n FROM (${q.sql}) p`, values: q.values }, cache, (rows) => Number(rows[0].n)));
  };
  for (const p of parts) {
    const f = p.filters[0];
    if (f.kind === 'chain' || f.kind === 'has') {
      const type = f.kind === 'chain' ? (f.targetTypes.length === 1 ? f.targetTypes[0] : undefined) : f.sourceType;
      const inner = f.filter;
      if (type && inner.kind !== 'chain' && inner.kind !== 'has') await count(inner, idsOf(inner, { head: 'c1', resourceType: type, depth: 1 }));
    } else {
      await count(f, p.ids);
    }
  }
  return out;
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
