/**
 * Schema version 2: one index table per search parameter type (DESIGN.md house rule 5), beside idx_token
 * from version 1. Each holds rows (type, id, param, <value columns>) for current, non-deleted versions,
 * rewritten in the transaction that writes the resource. Indexes lead with (type, param, value) so a
 * filter is a range scan, and end in id so the scan is covering (no table lookup per row); plus (type, id)
 * for the rewrite. Two indexes per table at most: every index costs each write a B-tree insert per row
 * (measured: write throughput is what indexing costs; see the search issue's closing note). After the DDL every current resource is
 * indexed again (`reindex`): idx_token held only `identifier` rows before this version.
 * Composite parameters (https://hl7.org/fhir/R4/search.html#composite) have no table of their own: component i
 * of parameter p is a row of its type's table with param 'p$i', and the rows of one element share `grp`.
 * Text columns compare as bytes (SQLite BINARY; a PostgreSQL dialect must declare them COLLATE "C"),
 * which is what the folded values and Norwegian sort keys are built for (src/search/fold.ts).
 */
import type { Migration } from './index.ts';

const table = (name: string, columns: string) => `CREATE TABLE ${name} (
      type TEXT NOT NULL,
      id TEXT NOT NULL,
      param TEXT NOT NULL,
      ${columns},
      grp INTEGER
    )`;

export const searchIndexes: Migration = {
  version: 2,
  name: 'index tables for every search parameter type',
  reindex: true,
  statements: [
    // grp: composite parameters store each component as its own row; rows of one element share grp
    `ALTER TABLE idx_token ADD COLUMN grp INTEGER`,
    // system-only token searches (code=http://loinc.org|) are rare: they scan the parameter's rows instead
    `DROP INDEX idx_token_system`,
    // covering (id last): a common code (30,000 Observations with one LOINC code) is an index-only scan
    `DROP INDEX idx_token_code`,
    `CREATE INDEX idx_token_code ON idx_token (type, param, code, system, id)`,
    table('idx_text', 'text TEXT NOT NULL'),
    `CREATE INDEX idx_text_value ON idx_text (type, param, text, id)`,
    `CREATE INDEX idx_text_resource ON idx_text (type, id)`,
    // :exact searches the folded range too and then compares value, so one value index serves all modes
    table('idx_string', 'value TEXT NOT NULL, folded TEXT NOT NULL, sort TEXT NOT NULL'),
    `CREATE INDEX idx_string_folded ON idx_string (type, param, folded, id)`,
    `CREATE INDEX idx_string_resource ON idx_string (type, id)`,
    table('idx_date', 'low TEXT NOT NULL, high TEXT NOT NULL'),
    `CREATE INDEX idx_date_range ON idx_date (type, param, low, high, id)`,
    `CREATE INDEX idx_date_resource ON idx_date (type, id)`,
    table('idx_number', 'value REAL NOT NULL'),
    `CREATE INDEX idx_number_value ON idx_number (type, param, value, id)`,
    `CREATE INDEX idx_number_resource ON idx_number (type, id)`,
    table('idx_quantity', 'value REAL NOT NULL, system TEXT, code TEXT, unit TEXT, canonical_value REAL, canonical_code TEXT'),
    `CREATE INDEX idx_quantity_canonical ON idx_quantity (type, param, canonical_code, canonical_value, id)`,
    `CREATE INDEX idx_quantity_resource ON idx_quantity (type, id)`,
    table('idx_reference', 'target_type TEXT, target_id TEXT, url TEXT'),
    // also serves _has and _revinclude, which ask "which (type, param) rows point at these ids"
    `CREATE INDEX idx_reference_target ON idx_reference (type, param, target_id, target_type, id)`,
    `CREATE INDEX idx_reference_url ON idx_reference (type, param, url) WHERE url IS NOT NULL`,
    `CREATE INDEX idx_reference_resource ON idx_reference (type, id)`,
    table('idx_uri', 'value TEXT NOT NULL'),
    `CREATE INDEX idx_uri_value ON idx_uri (type, param, value, id)`,
    `CREATE INDEX idx_uri_resource ON idx_uri (type, id)`,
  ],
};
