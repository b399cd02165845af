/**
 * Schema version 5: idx_position for the special parameter near (Location.position; ../indexes/position.ts).
 * Only Location resources are indexed again.
 */
import type { Migration } from './index.ts';

export const positions: Migration = {
  version: 5,
  name: 'positions for near',
  reindex: ['Location'],
  statements: [
    `CREATE TABLE idx_position (
      type TEXT NOT NULL,
      id TEXT NOT NULL,
      param TEXT NOT NULL,
      lat REAL NOT NULL,
      long REAL NOT NULL,
      x REAL NOT NULL,
      y REAL NOT NULL,
      z REAL NOT NULL,
      grp INTEGER
    )`,
    `CREATE INDEX idx_position_box ON idx_position (type, param, lat, long, id)`,
    `CREATE INDEX idx_position_resource ON idx_position (type, id)`,
  ],
};
