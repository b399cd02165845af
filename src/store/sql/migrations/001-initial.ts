/**
 * Schema version 1: versions, current heads and the token index.
 *
 * Why two resource tables:
 * - `resource` keeps every version (https://hl7.org/fhir/R4/http.html#vread and #history), append-only:
 *   a row is never updated, so history paging is stable and writes never rewrite an old row's JSON.
 * - `resource_current` is the head of each logical resource (its newest version, a tombstone included, so
 *   read can answer 410 and the next version number is one primary-key lookup away). It repeats the
 *   current JSON: a read, the hot path, is one primary-key lookup with no join and no "newest version"
 *   subquery, and search joins index rows to heads only. The price is the current JSON stored twice (the
 *   layout Medplum uses: a current table plus a history table). The alternative, an is_current flag on
 *   `resource`, would rewrite the previous version's whole row (JSON included) on every update.
 * - `idx_token` holds token index rows of current, non-deleted versions only; the write that makes a new
 *   head rewrites them in the same transaction (DESIGN.md house rule 5).
 *
 * `last_updated` is the ISO instant text with milliseconds in UTC (fixed width), so text order is time
 * order in every dialect and the stored value is byte-identical to meta.lastUpdated. `deleted` is 0/1
 * (portable; SQLite has no boolean). The DDL is the subset SQLite and PostgreSQL both accept.
 */
import type { Migration } from './index.ts';

export const initial: Migration = {
  version: 1,
  name: 'resource versions, current heads, token index',
  statements: [
    `CREATE TABLE resource (
      type TEXT NOT NULL,
      id TEXT NOT NULL,
      version INTEGER NOT NULL,
      last_updated TEXT NOT NULL,
      deleted INTEGER NOT NULL,
      json TEXT NOT NULL,
      PRIMARY KEY (type, id, version)
    )`,
    // system history (newest first, _since/_until ranges) and type history
    `CREATE INDEX resource_last_updated ON resource (last_updated)`,
    `CREATE INDEX resource_type_last_updated ON resource (type, last_updated)`,
    `CREATE TABLE resource_current (
      type TEXT NOT NULL,
      id TEXT NOT NULL,
      version INTEGER NOT NULL,
      last_updated TEXT NOT NULL,
      deleted INTEGER NOT NULL,
      json TEXT NOT NULL,
      PRIMARY KEY (type, id)
    )`,
    // search's default order (_lastUpdated, then _id) and _lastUpdated ranges within a type
    `CREATE INDEX resource_current_type_last_updated ON resource_current (type, last_updated, id)`,
    `CREATE TABLE idx_token (
      type TEXT NOT NULL,
      id TEXT NOT NULL,
      param TEXT NOT NULL,
      system TEXT,
      code TEXT NOT NULL
    )`,
    // identifier=system|value and identifier=value look up by code first (most selective)
    `CREATE INDEX idx_token_code ON idx_token (type, param, code, system)`,
    // identifier=system| (any code of a system)
    `CREATE INDEX idx_token_system ON idx_token (type, param, system)`,
    // rewrite on every write of the resource
    `CREATE INDEX idx_token_resource ON idx_token (type, id)`,
  ],
};
