/**
 * Index rows: what a resource contributes to search, one row type per index table (DESIGN.md house rule
 * 5). Computed once per write by ./extract.ts and used by every store: the SQL stores write them to their
 * idx_* tables, the memory store keeps them beside the version and ./match.ts evaluates filters on them,
 * so both stores answer every search from the same values.
 * Spec: https://hl7.org/fhir/R4/search.html (one section per parameter type)
 */

/** token: system|code. system null = the value has no system. Also carries the derived parameters
 * `<param>:identifier` (Reference.identifier) and `<param>:of-type` (system = type-system|type-code). */
export interface TokenRow {
  param: string;
  /** Composite parameters: rows of one element (one component tuple) share a group number */
  grp?: number;
  system: string | null;
  code: string;
}

/** :text on a token parameter: CodeableConcept.text, Coding.display, Identifier.type.text, folded */
export interface TextRow {
  param: string;
  /** Composite parameters: rows of one element (one component tuple) share a group number */
  grp?: number;
  text: string;
}

/** string: the value as written (for :exact), folded (prefix, :contains) and its Norwegian sort key */
export interface StringRow {
  param: string;
  /** Composite parameters: rows of one element (one component tuple) share a group number */
  grp?: number;
  value: string;
  folded: string;
  sort: string;
}

/** date: the half-open instant range [low, high) the value denotes (UTC ISO with milliseconds) */
export interface DateRow {
  param: string;
  /** Composite parameters: rows of one element (one component tuple) share a group number */
  grp?: number;
  low: string;
  high: string;
}

export interface NumberRow {
  param: string;
  /** Composite parameters: rows of one element (one component tuple) share a group number */
  grp?: number;
  value: number;
}

/** quantity: value with its system/code/unit, plus the UCUM-canonical value and code when convertible */
export interface QuantityRow {
  param: string;
  /** Composite parameters: rows of one element (one component tuple) share a group number */
  grp?: number;
  value: number;
  system: string | null;
  code: string | null;
  unit: string | null;
  canonicalValue: number | null;
  canonicalCode: string | null;
}

/** reference: a relative literal reference as type and id; any other literal (absolute URL, canonical,
 * urn:uuid) as url. A reference with neither (identifier or display only) still has a row with both null,
 * so :missing sees it. */
export interface ReferenceRow {
  param: string;
  /** Composite parameters: rows of one element (one component tuple) share a group number */
  grp?: number;
  targetType: string | null;
  targetId: string | null;
  url: string | null;
}

export interface UriRow {
  param: string;
  /** Composite parameters: rows of one element (one component tuple) share a group number */
  grp?: number;
  value: string;
}

/** special `near` (Location.position): WGS84 degrees and the unit vector on the sphere (./geo.ts) */
export interface PositionRow {
  param: string;
  /** Composite parameters: rows of one element (one component tuple) share a group number */
  grp?: number;
  lat: number;
  long: number;
  x: number;
  y: number;
  z: number;
}

export interface IndexRows {
  token: TokenRow[];
  text: TextRow[];
  string: StringRow[];
  date: DateRow[];
  number: NumberRow[];
  quantity: QuantityRow[];
  reference: ReferenceRow[];
  uri: UriRow[];
  position: PositionRow[];
}

export const emptyRows = (): IndexRows => ({ token: [], text: [], string: [], date: [], number: [], quantity: [], reference: [], uri: [], position: [] });

/** Instants bounding open-ended ranges (a Period without start or end) */
export const MIN_INSTANT = '0001-01-01T00:00:00.000Z';
export const MAX_INSTANT = '9999-12-31T23:59:59.999Z';
