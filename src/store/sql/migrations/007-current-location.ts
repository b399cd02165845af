/**
 * Schema version 7: no DDL; the bundled search parameter Encounter current-location
 * (profiles/local/SearchParameter-encounter-current-location.json: the Location references of the active
 * Encounter.location entries), which the room board Location/$board joins on (../board.ts), is indexed for
 * the Encounters stored before it. Only Encounter resources are indexed again.
 */
import type { Migration } from './index.ts';

export const currentLocation: Migration = {
  version: 7,
  name: 'index Encounter current-location',
  reindex: ['Encounter'],
  statements: [],
};
