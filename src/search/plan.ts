/**
 * The executable form of a search (DESIGN.md house rule 4: parse -> plan -> execute). Stores receive only a
 * SearchPlan; they never see the URL. In the core issue the plan covers _id, _lastUpdated and identifier
 * (what conditional interactions need); the search-engine issue widens the filter union.
 *
 * Spec: https://hl7.org/fhir/R4/search.html
 */

export type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** A token value: system|code. `system` undefined means any system; '' means "no system" (|code). */
export interface TokenValue {
  system?: string;
  code?: string;
}

/** A date value as the half-open instant range [low, high) it denotes (ISO instants in UTC) */
export interface DateValue {
  prefix: DatePrefix;
  low: string;
  high: string;
}

export type Filter =
  /** OR over the ids */
  | { kind: 'id'; values: string[] }
  /** OR over the values; identifier is a token search on Resource.identifier */
  | { kind: 'token'; param: string; values: TokenValue[] }
  /** OR over the values, against meta.lastUpdated */
  | { kind: 'lastUpdated'; values: DateValue[] };

export interface SortKey {
  param: '_id' | '_lastUpdated';
  descending: boolean;
}

export interface SearchPlan {
  resourceType: string;
  /** AND over the filters */
  filters: Filter[];
  sort: SortKey[];
  count: number;
  offset: number;
  /** Whether the store should count all matches */
  total: boolean;
}

/** The token index rows of a resource for the parameters the core supports. */
export interface TokenRow {
  param: string;
  system: string | null;
  code: string;
}
