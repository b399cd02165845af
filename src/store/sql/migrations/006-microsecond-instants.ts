/**
 * Schema version 6: stored lastUpdated values in the microsecond form MonotonicClock now writes
 * (../../clock.ts says why). Text order must stay time order, and "…00.123Z" sorts after "…00.123456Z";
 * so every millisecond value becomes "…00.123000Z", the same instant. The JSON text of those versions keeps
 * its meta.lastUpdated as written (the same instant, with fewer digits): stored JSON is never rewritten.
 * One pass over the version and head tables, in the migration's transaction.
 */
import type { Migration } from './index.ts';

const widen = (table: string): string =>
  `UPDATE ${table} SET last_updated = substr(last_updated, 1, 23) || '000Z' WHERE length(last_updated) = 24`;

export const microsecondInstants: Migration = {
  version: 6,
  name: 'lastUpdated with microsecond digits',
  statements: [widen('resource'), widen('resource_current')],
};
