/**
 * Schema version 3: no DDL; the bundled no-basis search parameters (profiles/no-basis: middlename) are
 * indexed for the resources stored before them. The pattern for every later change to built-in
 * parameters: a migration with `reindex: true`.
 */
import type { Migration } from './index.ts';

export const noBasisParams: Migration = {
  version: 3,
  name: 'index the bundled no-basis search parameters',
  reindex: true,
  statements: [],
};
