/**
 * The executable form of a search (DESIGN.md house rule 4: parse -> plan -> execute). Stores receive only a
 * SearchPlan; they never see the URL. Values arrive normalised: strings folded, dates as instant ranges,
 * `ap` already widened to its range, quantities converted to UCUM-canonical form where they can be, and
 * reference values split into type/id or url, so every store applies the same small rules (written out
 * in ./match.ts for the memory store and in src/store/sql/indexes/ for SQL).
 *
 * Spec: https://hl7.org/fhir/R4/search.html
 */
import type { TokenRow } from './rows.ts';

export type { TokenRow };

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';
/** @deprecated alias kept for the core's _lastUpdated code */
export type DatePrefix = Prefix;

/** A token value: system|code. `system` undefined means any system; '' means "no system" (|code). */
export interface TokenValue {
  system?: string;
  code?: string;
}

/** A date value as the half-open instant range [low, high) it denotes (ISO instants in UTC); for `ap` the
 * range is already widened (https://hl7.org/fhir/R4/search.html#prefix) */
export interface DateValue {
  prefix: Prefix;
  low: string;
  high: string;
}

/** A number: the exact value, and [low, high) its precision denotes (for eq/ne), or the `ap` range */
export interface NumberValue {
  prefix: Prefix;
  value: number;
  low: number;
  high: number;
}

/** A quantity: the number part, plus how units are matched. With `canonicalCode` the stored canonical
 * value is compared (number parts converted already); otherwise system/code (code also matches unit when
 * no system was given: `5.4||mg`). */
export interface QuantityValue extends NumberValue {
  system?: string;
  code?: string;
  canonicalCode?: string;
}

/** A reference value: a local Type/id (type undefined = any type), or an absolute/canonical url */
export type ReferenceValue = { type?: string; id: string } | { url: string };

export interface NearValue {
  lat: number;
  long: number;
  km: number;
}

export type StringMode = 'prefix' | 'exact' | 'contains';
export type UriMode = 'exact' | 'above' | 'below';

export type Filter =
  /** OR over the ids */
  | { kind: 'id'; values: string[] }
  /** OR over the values, against meta.lastUpdated */
  | { kind: 'lastUpdated'; values: DateValue[] }
  /** OR over the values; `negate` (:not) matches resources with no matching value */
  | { kind: 'token'; param: string; values: TokenValue[]; negate?: boolean }
  /** :text on a token: folded prefixes */
  | { kind: 'text'; param: string; values: string[] }
  /** values folded for prefix/contains, as given for exact */
  | { kind: 'string'; param: string; mode: StringMode; values: string[] }
  | { kind: 'date'; param: string; values: DateValue[] }
  | { kind: 'number'; param: string; values: NumberValue[] }
  | { kind: 'quantity'; param: string; values: QuantityValue[] }
  | { kind: 'reference'; param: string; values: ReferenceValue[] }
  | { kind: 'uri'; param: string; mode: UriMode; values: string[] }
  /** special `near`: within km of a WGS84 point (OR over the values) */
  | { kind: 'near'; param: string; values: NearValue[] }
  /** :missing; `table` names the index rows that hold the parameter */
  | { kind: 'missing'; param: string; table: IndexTableName; missing: boolean }
  /** Chained parameter: `param` (a reference) points to a `targetType` resource matching `filter` */
  | { kind: 'chain'; param: string; targetTypes: string[]; filter: Filter }
  /** _has: some `sourceType` resource whose reference `param` points here matches `filter` */
  | { kind: 'has'; sourceType: string; param: string; filter: Filter }
  /** OR over alternative filters (a chain over several target types, _type searches) */
  | { kind: 'any'; filters: Filter[] }
  /** Composite: every component filter (params `<code>$<i>`) matches rows of one and the same element */
  | { kind: 'composite'; param: string; components: Filter[] }
  /** Deferred (resolved by the FHIR layer before a store sees the plan, src/fhir/search-resolve.ts):
   * _list=<List id> becomes an id filter; token :in / :not-in a ValueSet becomes a token filter */
  | { kind: 'list'; listId: string }
  | { kind: 'valueSet'; param: string; url: string; negate: boolean };

export type IndexTableName = 'token' | 'string' | 'date' | 'number' | 'quantity' | 'reference' | 'uri' | 'position';

export interface SortKey {
  /** '_id', '_lastUpdated' or a search parameter code */
  param: string;
  descending: boolean;
  /** The index rows the parameter lives in (absent for _id and _lastUpdated) */
  table?: IndexTableName;
}

export interface SearchPlan {
  resourceType: string;
  /** AND over the filters */
  filters: Filter[];
  sort: SortKey[];
  count: number;
  offset: number;
  /** Whether the store should count the matches */
  total: boolean;
  /** Count at most this many: past it the total is left out (undefined: count them all, _total=accurate) */
  totalLimit?: number;
  /**
   * Keyset paging in the default order (by id; never with sort keys or an offset): `after`, the page is
   * the first `count` matches with a greater id; `before`, the last `count` matches with a smaller id (in
   * id order). The total still counts every match.
   */
  cursor?: { after: string } | { before: string };
}
