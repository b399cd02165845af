/**
 * The index tables and search indexes of the SQL stores, in one list (DESIGN.md house rule 5): the write
 * path rewrites every INDEX_TABLES entry in the transaction that writes the resource, and the search query
 * asks SEARCH_INDEXES which one serves a filter or a sort.
 */
import { DateIndex } from './date.ts';
import { HeadColumns } from './head-columns.ts';
import type { IndexTable, SearchIndex } from './index-table.ts';
import { NumberIndex } from './number.ts';
import { PositionIndex } from './position.ts';
import { QuantityIndex } from './quantity.ts';
import { ReferenceIndex } from './reference.ts';
import { StringIndex } from './string.ts';
import { TextIndex } from './text.ts';
import { TokenIndex } from './token.ts';
import { UriIndex } from './uri.ts';

export const REFERENCE_INDEX = new ReferenceIndex();
export const DATE_INDEX = new DateIndex();

export const INDEX_TABLES: readonly IndexTable[] = [
  new TokenIndex(), new TextIndex(), new StringIndex(), DATE_INDEX, new NumberIndex(), new QuantityIndex(), REFERENCE_INDEX, new UriIndex(), new PositionIndex(),
];

export const SEARCH_INDEXES: readonly SearchIndex[] = [new HeadColumns(), ...INDEX_TABLES];
