/**
 * Search URL -> SearchPlan (DESIGN.md house rule 4). https://hl7.org/fhir/R4/search.html
 *
 * Every R4 search parameter of the type is understood from its SearchParameter definition (./registry.ts):
 * number, date, string, token, reference, quantity and uri values with their prefixes and modifiers,
 * :missing on all of them, chains (subject:Patient.name, over several levels) and reverse chains (_has,
 * nested), plus _id, _lastUpdated, _tag, _profile, _security and _source. Result parameters: _count,
 * _offset, _sort (several keys, any sortable parameter), _total, _summary=count, _include and _revinclude
 * (with :iterate and *). Values are normalised here (folded strings, instant ranges, widened `ap`,
 * UCUM-canonical quantities) so stores only compare.
 *
 * Unknown or unsupported parameters and modifiers are an error unless the client asked for lenient
 * handling; then they are returned so the Bundle can report them, and they stay out of the self link. A
 * malformed value is an error either way.
 */
import { FhirError } from '../errors/fhir-error.ts';
import { ID_PATTERN } from '../store/serialise.ts';
import { R4_RESOURCE_TYPES } from '../fhir/r4-resource-types.ts';
import { parseDateRange } from './date.ts';
import { exactInstant, nextInstant } from '../store/sql/instant.ts';
import type { SubsetMode } from '../fhir/subset.ts';
import { compositeComponents, isNear } from './extract.ts';
import { DEFAULT_NEAR_KM } from './geo.ts';
import { fold } from './fold.ts';
import { referenceTarget } from './paths.ts';
import type { DateValue, Filter, IndexTableName, NearValue, NumberValue, Prefix, QuantityValue, ReferenceValue, SearchPlan, SortKey, TokenValue } from './plan.ts';
import { searchParameter as r4SearchParameter, searchParamsOf, type SearchParamDef } from './registry.ts';
import { canonical } from './ucum.ts';

export interface ParseOptions {
  lenient: boolean;
  defaultCount: number;
  maxCount: number;
  /** This server's base URL: an absolute reference on it is searched as the local Type/id */
  baseUrl?: string;
  /** The clock `ap` measures distance from (ms since the epoch) */
  now?: () => number;
}

/** _include / _revinclude: `sourceType:param[:targetType]`, or every reference parameter (`*`) */
export interface IncludeSpec {
  reverse: boolean;
  sourceType: string;
  param: string;
  targetType?: string;
  iterate: boolean;
}

export interface ParsedSearch {
  plan: SearchPlan;
  /** Parameters ignored under lenient handling: [name, reason] */
  ignored: { param: string; reason: string }[];
  /** The applied parameters, for the self link */
  applied: [string, string][];
  include: IncludeSpec[];
  /** _summary=true|text|data or _elements: what of each resource to return */
  subset?: SubsetMode;
}

/** Parameters handled by the HTTP layer, not by search */
const TRANSPORT_PARAMS = new Set(['_format', '_pretty']);
const PREFIXES = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);
const ROW_TABLE: Partial<Record<SearchParamDef['type'], IndexTableName>> = {
  string: 'string', token: 'token', date: 'date', number: 'number', quantity: 'quantity', reference: 'reference', uri: 'uri',
};
/** The index table of a parameter: its type's, or position for near (the one special parameter indexed) */
const tableOf = (def: SearchParamDef): IndexTableName | undefined => (isNear(def) ? 'position' : ROW_TABLE[def.type]);
const UCUM = 'http://unitsofmeasure.org';
/** Past this many matches a search without _total=accurate leaves Bundle.total out (counting 30,000
 * matches cost 150 ms on the 100,000-patient bench set; counting to 1,000 costs a few) */
export const TOTAL_LIMIT = 1000;
const TYPES = new Set<string>(R4_RESOURCE_TYPES);

/** A refusal: 'unknown' parameters may be ignored under lenient handling, 'invalid' values never */
class Refusal extends Error {
  readonly kind: 'unknown' | 'invalid';
  constructor(kind: 'unknown' | 'invalid', reason: string) {
    super(reason);
    this.kind = kind;
  }
}
const unknown = (reason: string) => new Refusal('unknown', reason);
const invalid = (reason: string) => new Refusal('invalid', reason);

export function parseSearch(type: string, query: URLSearchParams, opts: ParseOptions): ParsedSearch {
  const filters: Filter[] = [];
  const ignored: ParsedSearch['ignored'] = [];
  const applied: [string, string][] = [];
  const include: IncludeSpec[] = [];
  let count = opts.defaultCount;
  let offset = 0;
  let total = true;
  // Bundle.total by default only while it is cheap: up to TOTAL_LIMIT matches (_total=accurate counts all)
  let totalLimit: number | undefined = TOTAL_LIMIT;
  let sort: SortKey[] = [];
  let cursor: SearchPlan['cursor'];
  let subset: SubsetMode | undefined;
  const now = opts.now ?? Date.now;

  for (const [key, value] of query) {
    if (TRANSPORT_PARAMS.has(key)) continue;
    try {
      switch (key) {
        case '_count': {
          if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw invalid('must be a non-negative integer');
          count = Math.min(Number(value), opts.maxCount);
          break;
        }
        case '_offset': {
          if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw invalid('must be a non-negative integer');
          offset = Number(value);
          break;
        }
        case '_after':
        case '_before': {
          // the keyset cursors of this server's own paging links (../fhir/interactions/search-type.ts)
          if (!ID_PATTERN.test(value)) throw invalid('must be a resource id');
          if (cursor) throw invalid('only one paging cursor (_after or _before)');
          cursor = key === '_after' ? { after: value } : { before: value };
          break;
        }
        case '_total': {
          if (value === 'none') total = false;
          else if (value === 'accurate') { total = true; totalLimit = undefined; }
          else if (value === 'estimate') total = true;
          else throw invalid('must be none, estimate or accurate');
          applied.push([key, value]);
          break;
        }
        case '_summary': {
          if (value === 'count') {
            count = 0;
            total = true;
            totalLimit = undefined;
          } else if (value === 'true' || value === 'text' || value === 'data') {
            subset = { kind: 'summary', mode: value };
          } else if (value !== 'false') {
            throw invalid('must be true, text, data, count or false');
          }
          applied.push([key, value]);
          break;
        }
        case '_elements': {
          const elements = value.split(',').map((e) => e.trim());
          if (elements.some((e) => !/^[a-z][A-Za-z0-9]*(\[x\])?$/.test(e))) throw invalid(`'${value}' is not a list of element names`);
          subset = { kind: 'elements', elements };
          applied.push([key, value]);
          break;
        }
        case '_sort': {
          sort = value.split(',').map((s) => sortKey(type, s));
          applied.push([key, value]);
          break;
        }
        case '_include':
        case '_include:iterate':
        case '_revinclude':
        case '_revinclude:iterate': {
          for (const v of value.split(',')) include.push(includeSpec(type, key, v));
          applied.push([key, value]);
          break;
        }
        default: {
          filters.push(filterFor(type, key, value, { ...opts, now }, 0));
          applied.push([key, value]);
        }
      }
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      if (e.kind === 'unknown' && opts.lenient) ignored.push({ param: key, reason: e.message });
      else throw new FhirError(e.kind === 'unknown' ? 'FHIR_PARAM_UNKNOWN' : 'FHIR_PARAM_INVALID', { param: key, type, detail: e.message, expression: key });
    }
  }
  if (cursor && (sort.length > 0 || offset > 0)) {
    throw new FhirError('FHIR_PARAM_INVALID', { param: '_after', type, detail: 'a paging cursor pages the default order: not with _sort or _offset', expression: '_after' });
  }
  return {
    plan: { resourceType: type, filters, sort, count, offset, total, ...(total && totalLimit !== undefined ? { totalLimit } : {}), ...(cursor ? { cursor } : {}) },
    ignored, applied, include, ...(subset ? { subset } : {}),
  };
}

/** The search parameters this build supports for a type: the source of truth for the CapabilityStatement */
export function supportedSearchParams(type: string): { name: string; definition: string; type: SearchParamDef['type'] }[] {
  const out: { name: string; definition: string; type: SearchParamDef['type'] }[] = [];
  for (const def of searchParamsOf(type).values()) {
    const indexed = (tableOf(def) && def.expression) || (def.type === 'composite' && compositeComponents(def));
    if (indexed || def.code === '_id' || def.code === '_lastUpdated') out.push({ name: def.code, definition: def.url, type: def.type });
  }
  return out;
}

type Opts = ParseOptions & { now: () => number };

const MAX_DEPTH = 4;

/** One parameter (key with its modifier or chain) of `type` as a filter */
export function filterFor(type: string, key: string, value: string, opts: Opts, depth: number): Filter {
  if (depth > MAX_DEPTH) throw unknown(`chains and _has nest at most ${MAX_DEPTH} levels`);
  if (key.startsWith('_has:')) return hasFilter(type, key, value, opts, depth);
  const dot = key.indexOf('.');
  if (dot > 0) return chainFilter(type, key.slice(0, dot), key.slice(dot + 1), value, opts, depth);

  const colon = key.indexOf(':');
  const name = colon < 0 ? key : key.slice(0, colon);
  const modifier = colon < 0 ? undefined : key.slice(colon + 1);
  if (name === '_id') {
    if (modifier !== undefined) throw unknown(`modifier ':${modifier}' is not supported on _id`);
    const ids = splitOr(value);
    if (ids.some((id) => !ID_PATTERN.test(id))) throw invalid(`'${value}' is not a list of ids`);
    return { kind: 'id', values: ids };
  }
  if (name === '_list') {
    if (modifier !== undefined) throw unknown(`modifier ':${modifier}' is not supported on _list`);
    if (!ID_PATTERN.test(value)) throw invalid(`'${value}' is not a List id`);
    return { kind: 'list', listId: value };
  }
  if (name === '_lastUpdated') {
    if (modifier !== undefined) throw unknown(`modifier ':${modifier}' is not supported on _lastUpdated`);
    return { kind: 'lastUpdated', values: splitOr(value).map((v) => lastUpdatedValue(v, opts)) };
  }
  const def = r4SearchParameter(type, name);
  if (!def) throw unknown(`not a search parameter of ${type}`);
  if (def.pending) throw new FhirError('FHIR_PARAM_NOT_READY', { param: name, type, detail: def.url });
  if (def.type === 'composite') return compositeFilter(def, modifier, value, opts);
  const table = tableOf(def);
  if (!table) throw unknown(`${def.type} parameters (${name}) are not supported yet`);
  if (!def.expression) throw unknown(`${name} has no expression to index (a special parameter); not supported yet`);

  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw invalid(':missing takes true or false');
    return { kind: 'missing', param: name, table, missing: value === 'true' };
  }
  const values = splitOr(value);
  if (values.some((v) => v === '')) throw invalid('an empty value');
  switch (def.type) {
    case 'string': {
      if (modifier !== undefined && modifier !== 'exact' && modifier !== 'contains') throw unknown(`modifier ':${modifier}' does not apply to string parameters`);
      const mode = modifier ?? 'prefix';
      return { kind: 'string', param: name, mode, values: mode === 'exact' ? values : values.map(fold) };
    }
    case 'token':
      return tokenFilter(name, modifier, values);
    case 'date':
      if (modifier !== undefined) throw unknown(`modifier ':${modifier}' does not apply to date parameters`);
      return { kind: 'date', param: name, values: values.map((v) => dateValue(v, opts)) };
    case 'number':
      if (modifier !== undefined) throw unknown(`modifier ':${modifier}' does not apply to number parameters`);
      return { kind: 'number', param: name, values: values.map(numberValue) };
    case 'quantity':
      if (modifier !== undefined) throw unknown(`modifier ':${modifier}' does not apply to quantity parameters`);
      return { kind: 'quantity', param: name, values: values.map(quantityValue) };
    case 'reference':
      return referenceFilter(def, modifier, values, opts);
    case 'uri': {
      if (modifier !== undefined && modifier !== 'above' && modifier !== 'below') throw unknown(`modifier ':${modifier}' does not apply to uri parameters`);
      return { kind: 'uri', param: name, mode: modifier ?? 'exact', values };
    }
    case 'special':
      if (modifier !== undefined) throw unknown(`modifier ':${modifier}' does not apply to near`);
      return { kind: 'near', param: name, values: values.map(nearValue) };
    default:
      throw unknown(`${def.type} parameters are not supported yet`);
  }
}

/**
 * near=[latitude]|[longitude]|[distance]|[units] (https://hl7.org/fhir/R4/location-search.html, Location-near):
 * WGS84 decimal degrees; the distance in the UCUM length unit given (km when omitted), or ./geo.ts
 * DEFAULT_NEAR_KM when there is no distance (server's discretion by the spec)
 */
function nearValue(v: string): NearValue {
  const [latS, longS, distS, unitS] = v.split('|');
  const num = (x: string | undefined) => (x !== undefined && /^[-+]?\d+(\.\d+)?$/.test(x) ? Number(x) : NaN);
  const lat = num(latS);
  const long = num(longS);
  if (!(Math.abs(lat) <= 90) || !(Math.abs(long) <= 180)) throw invalid(`'${v}' is not latitude|longitude[|distance[|units]] in WGS84 degrees`);
  if (distS === undefined || distS === '') return { lat, long, km: DEFAULT_NEAR_KM };
  const dist = num(distS);
  if (!(dist >= 0)) throw invalid(`distance '${distS}' is not a non-negative number`);
  const metres = canonical(dist, unitS === undefined || unitS === '' ? 'km' : unitS);
  if (!metres || metres.code !== 'm') throw invalid(`'${unitS}' is not a UCUM unit of length`);
  return { lat, long, km: metres.value / 1000 };
}

function tokenFilter(name: string, modifier: string | undefined, values: string[]): Filter {
  if (modifier === 'in' || modifier === 'not-in') {
    if (values.length !== 1) throw invalid(`:${modifier} takes one ValueSet url`);
    return { kind: 'valueSet', param: name, url: values[0], negate: modifier === 'not-in' };
  }
  switch (modifier) {
    case undefined:
    case 'not':
      return { kind: 'token', param: name, values: values.map(tokenValue), ...(modifier === 'not' ? { negate: true } : {}) };
    case 'text':
      return { kind: 'text', param: name, values: values.map(fold) };
    case 'of-type':
      return {
        kind: 'token',
        param: `${name}:of-type`,
        values: values.map((v) => {
          const parts = splitUnescaped(v, '|');
          if (parts.length !== 3 || parts.some((p) => p === '')) throw invalid(`'${v}' is not type-system|type-code|value`);
          return { system: `${parts[0]}|${parts[1]}`, code: parts[2] };
        }),
      };
    case 'above':
    case 'below':
      throw unknown(`modifier ':${modifier}' needs terminology support that this build does not have yet`);
    default:
      throw unknown(`modifier ':${modifier}' does not apply to token parameters`);
  }
}

function referenceFilter(def: SearchParamDef, modifier: string | undefined, values: string[], opts: Opts): Filter {
  const name = def.code;
  if (modifier === 'identifier') return { kind: 'token', param: `${name}:identifier`, values: values.map(tokenValue) };
  if (modifier !== undefined && !TYPES.has(modifier)) throw unknown(`modifier ':${modifier}' does not apply to reference parameters`);
  if (modifier !== undefined && def.target && !def.target.includes(modifier)) throw invalid(`${name} cannot refer to a ${modifier}`);
  const base = opts.baseUrl ? `${opts.baseUrl.replace(/\/$/, '')}/` : undefined;
  const refs: ReferenceValue[] = values.map((v) => {
    if (modifier !== undefined) {
      if (!ID_PATTERN.test(v)) throw invalid(`'${v}' is not an id (with :${modifier} the value is the id alone)`);
      return { type: modifier, id: v };
    }
    const local = base && v.startsWith(base) ? v.slice(base.length) : v;
    if (/^[A-Z][A-Za-z]+\/[^/]+(\/_history\/[^/]+)?$/.test(local)) {
      const t = referenceTarget(local);
      if (!t || !TYPES.has(t.type)) throw invalid(`'${v}' is not a reference Type/id`);
      return { type: t.type, id: t.id };
    }
    if (ID_PATTERN.test(local) && !local.includes(':')) return { id: local };
    return { url: v };
  });
  return { kind: 'reference', param: name, values: refs };
}

/** Composite values: components joined by `$` (https://hl7.org/fhir/R4/search.html#composite), each parsed
 * as its component's type; a comma separates alternatives */
function compositeFilter(def: SearchParamDef, modifier: string | undefined, value: string, opts: Opts): Filter {
  const components = compositeComponents(def);
  if (!components) throw unknown(`composite parameter ${def.code} has components this build does not index`);
  if (modifier !== undefined) throw unknown(`modifier ':${modifier}' does not apply to composite parameters`);
  const alternatives: Filter[] = splitOr(value).map((alt) => {
    const parts = splitUnescaped(alt, '$');
    if (parts.length !== components.length || parts.some((p) => p === '')) {
      throw invalid(`'${alt}' needs ${components.length} components joined by $`);
    }
    return {
      kind: 'composite',
      param: def.code,
      components: parts.map((part, i) => componentFilter(components[i].def.type, `${def.code}$${i}`, part, opts)),
    };
  });
  return alternatives.length === 1 ? alternatives[0] : { kind: 'any', filters: alternatives };
}

function componentFilter(type: SearchParamDef['type'], param: string, v: string, opts: Opts): Filter {
  switch (type) {
    case 'token': return { kind: 'token', param, values: [tokenValue(v)] };
    case 'quantity': return { kind: 'quantity', param, values: [quantityValue(v)] };
    case 'date': return { kind: 'date', param, values: [dateValue(v, opts)] };
    case 'number': return { kind: 'number', param, values: [numberValue(v)] };
    case 'string': return { kind: 'string', param, mode: 'prefix', values: [fold(v)] };
    case 'uri': return { kind: 'uri', param, mode: 'exact', values: [v] };
    case 'reference': {
      const t = referenceTarget(v);
      return { kind: 'reference', param, values: [t ? { type: t.type, id: t.id } : ID_PATTERN.test(v) ? { id: v } : { url: v }] };
    }
    default: throw unknown(`a ${type} component is not supported`);
  }
}

function chainFilter(type: string, head: string, rest: string, value: string, opts: Opts, depth: number): Filter {
  const [name, modifier] = head.split(':', 2);
  const def = r4SearchParameter(type, name);
  if (!def) throw unknown(`not a search parameter of ${type}`);
  if (def.type !== 'reference') throw invalid(`${name} is a ${def.type} parameter; only reference parameters can be chained`);
  if (modifier !== undefined && !TYPES.has(modifier)) throw unknown(`modifier ':${modifier}' cannot start a chain`);
  const next = /^[^.:]+/.exec(rest)?.[0] ?? rest;
  const candidates = modifier ? [modifier] : [...(def.target ?? [])];
  const targets = candidates.filter((t) => next.startsWith('_has:') || next === '_id' || next === '_lastUpdated' || r4SearchParameter(t, next));
  if (targets.length === 0) throw unknown(`none of the types ${name} refers to (${candidates.join(', ')}) has a parameter '${next}'`);
  const alternatives: Filter[] = targets.map((t) => ({ kind: 'chain', param: name, targetTypes: [t], filter: filterFor(t, rest, value, opts, depth + 1) }));
  return alternatives.length === 1 ? alternatives[0] : { kind: 'any', filters: alternatives };
}

function hasFilter(type: string, key: string, value: string, opts: Opts, depth: number): Filter {
  // _has:<sourceType>:<reference param of sourceType pointing here>:<parameter of sourceType, maybe another _has>
  const m = /^_has:([A-Za-z]+):([a-z0-9-]+):(.+)$/.exec(key);
  if (!m) throw invalid(`'${key}' is not _has:Type:reference-parameter:parameter`);
  const [, sourceType, param, rest] = m;
  if (!TYPES.has(sourceType)) throw unknown(`'${sourceType}' is not a resource type`);
  const def = r4SearchParameter(sourceType, param);
  if (!def || def.type !== 'reference') throw unknown(`${sourceType} has no reference parameter '${param}'`);
  if (def.target && !def.target.includes(type)) throw invalid(`${sourceType}.${param} cannot refer to a ${type}`);
  return { kind: 'has', sourceType, param, filter: filterFor(sourceType, rest, value, opts, depth + 1) };
}

function sortKey(type: string, s: string): SortKey {
  const descending = s.startsWith('-');
  const param = descending ? s.slice(1) : s;
  if (param === '_id' || param === '_lastUpdated') return { param, descending };
  const def = r4SearchParameter(type, param);
  const table = def ? ROW_TABLE[def.type] : undefined;
  if (!def || !table) throw unknown(`cannot sort by '${param}': ${def ? `a ${def.type} parameter` : `not a search parameter of ${type}`}`);
  return { param, descending, table };
}

function includeSpec(type: string, key: string, v: string): IncludeSpec {
  const reverse = key.startsWith('_revinclude');
  const iterate = key.endsWith(':iterate');
  if (v === '*') return { reverse, sourceType: reverse ? '*' : type, param: '*', iterate };
  const [sourceType, param, targetType, extra] = v.split(':');
  if (extra !== undefined || !param) throw invalid(`'${v}' is not Type:parameter[:targetType]`);
  if (!TYPES.has(sourceType)) throw unknown(`'${sourceType}' is not a resource type`);
  if (param !== '*') {
    const def = r4SearchParameter(sourceType, param);
    if (!def || def.type !== 'reference') throw unknown(`${sourceType} has no reference parameter '${param}'`);
  }
  if (targetType !== undefined && !TYPES.has(targetType)) throw unknown(`'${targetType}' is not a resource type`);
  if (!reverse && !iterate && sourceType !== type) throw invalid(`_include=${v} must start with ${type} (or use _include:iterate)`);
  return { reverse, sourceType, param, targetType, iterate };
}

function splitPrefix(v: string): { prefix: Prefix; rest: string } {
  const p = v.slice(0, 2);
  return PREFIXES.has(p) && /^[0-9-]/.test(v.slice(2)) ? { prefix: p as Prefix, rest: v.slice(2) } : { prefix: 'eq', rest: v };
}

/**
 * _lastUpdated: as any date, except that an instant with more than three fractional digits denotes its own
 * microsecond. A stored lastUpdated shares its millisecond with other writes (../store/clock.ts), so a
 * client polling with `gt` + the meta.lastUpdated it last saw must not skip the rest of that millisecond.
 */
function lastUpdatedValue(v: string, opts: Opts): DateValue {
  // dateValue first: it refuses what is no date (month 13, 31 February) with a coded 400
  const d = dateValue(v, opts);
  const { rest } = splitPrefix(v);
  const exact = d.prefix !== 'ap' && /\.\d{4,}/.test(rest) ? exactInstant(rest) : undefined;
  return exact === undefined ? d : { prefix: d.prefix, low: exact, high: nextInstant(exact) };
}

function dateValue(v: string, opts: Opts): DateValue {
  const { prefix, rest } = splitPrefix(v);
  const range = parseDateRange(rest);
  if (!range) throw invalid(`'${v}' is not a FHIR date such as ge2026-01-01`);
  if (prefix !== 'ap') return { prefix, low: range.low, high: range.high };
  // ap: widened by 10% of the distance between the value and now (https://hl7.org/fhir/R4/search.html#prefix)
  const now = opts.now();
  const low = Date.parse(range.low);
  const high = Date.parse(range.high);
  return {
    prefix,
    low: new Date(low - 0.1 * Math.abs(now - low)).toISOString(),
    high: new Date(high + 0.1 * Math.abs(high - now)).toISOString(),
  };
}

const NUMBER = /^[-+]?(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/;

/** A number with the range its precision denotes: 100 -> [99.5, 100.5), 1e2 -> [50, 150), 5.40 -> [5.395, 5.405) */
function numberValue(v: string): NumberValue {
  const { prefix, rest } = splitPrefix(v);
  const m = NUMBER.exec(rest);
  if (!m) throw invalid(`'${v}' is not a number`);
  const value = Number(rest);
  if (prefix === 'ap') return { prefix, value, low: value - 0.1 * Math.abs(value), high: value + 0.1 * Math.abs(value) };
  const decimals = m[2]?.length ?? 0;
  const exponent = Number(m[3] ?? 0);
  const half = 0.5 * 10 ** (exponent - decimals);
  return { prefix, value, low: value - half, high: value + half };
}

function quantityValue(v: string): QuantityValue {
  const parts = splitUnescaped(v, '|');
  if (parts.length !== 1 && parts.length !== 3) throw invalid(`'${v}' is not number|system|code`);
  const n = numberValue(parts[0]);
  if (parts.length === 1) return n;
  const [, system, code] = parts;
  if (system === UCUM && code) {
    const c = canonical(n.value, code);
    const lo = canonical(n.low, code);
    const hi = canonical(n.high, code);
    if (c && lo && hi) return { prefix: n.prefix, value: c.value, low: lo.value, high: hi.value, canonicalCode: c.code };
  }
  return { ...n, ...(system ? { system } : {}), ...(code ? { code } : {}) };
}

function tokenValue(v: string): TokenValue {
  const parts = splitUnescaped(v, '|');
  if (parts.length === 1) return { code: parts[0] };
  if (parts.length !== 2 || (parts[0] === '' && parts[1] === '')) throw invalid(`'${v}' is not [system]|[code]`);
  return { system: parts[0], code: parts[1] || undefined };
}

/** Splits on commas not escaped with a backslash (https://hl7.org/fhir/R4/search.html#escaping) */
function splitOr(value: string): string[] {
  return value.split(/(?<!\\),/).map((v) => v.replace(/\\,/g, ','));
}

function splitUnescaped(value: string, sep: '|' | '$'): string[] {
  const re = sep === '|' ? /(?<!\\)\|/ : /(?<!\\)\$/;
  return value.split(re).map((v) => v.replace(/\\([,|$\\])/g, '$1'));
}
