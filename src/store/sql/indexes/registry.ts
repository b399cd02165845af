/**
 * The index tables and search indexes of the SQL stores, in one list (DESIGN.md house rule 5). The search
 * issue adds idx_string, idx_date, idx_reference... here: the write path rewrites every INDEX_TABLES entry
 * in the transaction that writes the resource, and the search query asks SEARCH_INDEXES which one serves
 * a filter or a sort.
 */
import { HeadColumns } from './head-columns.ts';
import type { IndexTable, SearchIndex } from './index-table.ts';
import { TokenIndex } from './token.ts';

export const INDEX_TABLES: readonly IndexTable<unknown>[] = [new TokenIndex(['identifier'])];

export const SEARCH_INDEXES: readonly SearchIndex[] = [new HeadColumns(), ...INDEX_TABLES];
