/**
 * Schema version 4: idx_date_stats, one row per (resource type, date parameter) saying what the stored
 * rows of that parameter can look like, so a date search can bound its index scan (../indexes/date.ts):
 *   multi  1 when some resource has had more than one row of the parameter (several values, or a Timing)
 *   open   1 when some row has had an open end (a Period without start or end: MIN/MAX_INSTANT)
 *   span   the longest finite row, high - low in milliseconds
 * The values only ever grow (an upsert keeps the larger one), so they are always a safe over-estimate of
 * the current rows, even after updates and deletes. Filled by a reindex of what is stored.
 */
import type { Migration } from './index.ts';

export const dateStats: Migration = {
  version: 4,
  name: 'date parameter statistics for bounded range scans',
  reindex: true,
  statements: [
    `CREATE TABLE idx_date_stats (
      type TEXT NOT NULL,
      param TEXT NOT NULL,
      multi INTEGER NOT NULL,
      open INTEGER NOT NULL,
      span INTEGER NOT NULL,
      PRIMARY KEY (type, param)
    )`,
  ],
};
