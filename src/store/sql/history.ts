/**
 * history-instance, history-type and history-system as SQL over the append-only `resource` table, newest
 * first. Spec: https://hl7.org/fhir/R4/http.html#history
 * - _since: versions with lastUpdated >= since ("created at or after the given instant"); `until` (ours) pins a paging session: lastUpdated <= until.
 * - _at: for each resource, the newest version with lastUpdated <= at, omitted when that version is a
 *   delete (the resource did not exist at that instant). A correlated MAX(version) per row uses the
 *   (type, id, version) primary key.
 * lastUpdated is unique within a store (MonotonicClock), so ordering by it alone is total and offset
 * paging is stable: rows are never updated.
 */
import type { HistoryOptions, HistoryPage, HistoryScope } from '../repository.ts';
import { and, call, cmp, col, eq, exec, sub, val, type Expr, type Select } from './builder.ts';
import type { Connection } from './dialect.ts';
import { toInstant } from './instant.ts';
import { totalFromPage } from './search.ts';
import { columnsOf, toStored } from './statements.ts';

export function historyStatements(scope: HistoryScope, opts: HistoryOptions): { page: Select; count: Select } {
  const lu = col('r', 'last_updated');
  const at = opts.at === undefined ? undefined : toInstant(opts.at);
  const where = and(
    scope.resourceType === undefined ? undefined : eq(col('r', 'type'), val(scope.resourceType)),
    scope.id === undefined ? undefined : eq(col('r', 'id'), val(scope.id)),
    opts.since === undefined ? undefined : cmp('>=', lu, val(toInstant(opts.since))),
    opts.until === undefined ? undefined : cmp('<=', lu, val(toInstant(opts.until))),
    at === undefined ? undefined : atCondition(at),
  );
  return {
    page: {
      kind: 'select',
      from: 'resource',
      as: 'r',
      columns: columnsOf('r'),
      where,
      // One resource's versions are numbered in lastUpdated order; ordering by version lets the
      // (type, id, version) primary key serve both the WHERE and the ORDER BY.
      orderBy: [{ expr: scope.id !== undefined && scope.resourceType !== undefined ? col('r', 'version') : lu, descending: true }],
      limit: opts.count,
      offset: opts.offset ?? 0,
    },
    count: { kind: 'select', from: 'resource', as: 'r', columns: [{ expr: call('COUNT', '*'), as: 'n' }], where },
  };
}

function atCondition(at: string): Expr {
  const newestAtInstant = sub({
    kind: 'select',
    from: 'resource',
    as: 'v',
    columns: [call('MAX', [col('v', 'version')])],
    where: and(
      eq(col('v', 'type'), col('r', 'type')),
      eq(col('v', 'id'), col('r', 'id')),
      cmp('<=', col('v', 'last_updated'), val(at)),
    ),
  });
  return and(cmp('<=', col('r', 'last_updated'), val(at)), eq(col('r', 'deleted'), val(0)), eq(col('r', 'version'), newestAtInstant))!;
}

export async function runHistory(conn: Connection, scope: HistoryScope, opts: HistoryOptions): Promise<HistoryPage> {
  const { page, count } = historyStatements(scope, opts);
  const entries = opts.count > 0 ? (await exec(conn, page)).rows.map(toStored) : [];
  const total = totalFromPage(opts.offset ?? 0, opts.count, entries.length) ?? Number((await exec(conn, count)).rows[0].n);
  return { entries, total };
}
