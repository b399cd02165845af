/**
 * Search URL -> SearchPlan for the parameters the core server supports: _id, _lastUpdated, identifier, and
 * the result parameters _count, _offset, _sort, _total, _summary=count. https://hl7.org/fhir/R4/search.html
 * Unknown or unsupported parameters are an error unless the client asked for lenient handling, and then they
 * are returned so the Bundle can report them (DESIGN.md house rule 4).
 */
import { FhirError } from '../errors/fhir-error.ts';
import { ID_PATTERN } from '../store/serialise.ts';
import { IDENTIFIER_TYPES } from '../fhir/r4-resource-types.ts';
import { parseDateRange } from './date.ts';
import { r4SearchParameter } from './registry.ts';
import type { DatePrefix, Filter, SearchPlan, SortKey, TokenValue } from './plan.ts';

export interface ParseOptions {
  lenient: boolean;
  defaultCount: number;
  maxCount: number;
}

export interface ParsedSearch {
  plan: SearchPlan;
  /** Parameters ignored under lenient handling: [name, reason] */
  ignored: { param: string; reason: string }[];
  /** The applied parameters, for the self link */
  applied: [string, string][];
}

/** Parameters handled by the HTTP layer, not by search */
const TRANSPORT_PARAMS = new Set(['_format', '_pretty']);
/** The search parameters this build supports, per resource type ('*' = all types). Source of truth for the
 * CapabilityStatement too. */
export const SUPPORTED_SEARCH_PARAMS = [
  { name: '_id', type: 'token', documentation: 'Logical id of the resource' },
  { name: '_lastUpdated', type: 'date', documentation: 'meta.lastUpdated, with prefixes eq ne gt lt ge le sa eb ap' },
  { name: 'identifier', type: 'token', documentation: 'Resource.identifier as system|value (types that have identifier)' },
] as const;

const PREFIXES = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

export function parseSearch(type: string, query: URLSearchParams, opts: ParseOptions): ParsedSearch {
  const filters: Filter[] = [];
  const ignored: ParsedSearch['ignored'] = [];
  const applied: [string, string][] = [];
  let count = opts.defaultCount;
  let offset = 0;
  let total = true;
  let sort: SortKey[] = [];

  const reject = (param: string, reason: string, code: 'FHIR_PARAM_UNKNOWN' | 'FHIR_PARAM_INVALID') => {
    if (opts.lenient) ignored.push({ param, reason });
    else throw new FhirError(code, { param, type, detail: reason, expression: param });
  };

  for (const [key, value] of query) {
    if (TRANSPORT_PARAMS.has(key)) continue;
    const [name, modifier] = key.split(':', 2);
    if (modifier !== undefined) {
      reject(key, `modifier ':${modifier}' is not supported`, 'FHIR_PARAM_UNKNOWN');
      continue;
    }
    switch (name) {
      case '_id': {
        const ids = value.split(',');
        if (ids.some((id) => !ID_PATTERN.test(id))) { reject(key, `'${value}' is not a list of ids`, 'FHIR_PARAM_INVALID'); break; }
        filters.push({ kind: 'id', values: ids });
        applied.push([key, value]);
        break;
      }
      case 'identifier': {
        if (!hasIdentifier(type)) { reject(key, `${type} has no identifier element`, 'FHIR_PARAM_UNKNOWN'); break; }
        const values = splitOr(value).map(parseToken);
        if (values.some((v) => v === undefined)) { reject(key, `'${value}' is not system|value`, 'FHIR_PARAM_INVALID'); break; }
        filters.push({ kind: 'token', param: 'identifier', values: values as TokenValue[] });
        applied.push([key, value]);
        break;
      }
      case '_lastUpdated': {
        const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(value)!;
        const prefix = (m[1] ?? 'eq') as DatePrefix;
        const range = PREFIXES.has(prefix) ? parseDateRange(m[2]) : undefined;
        if (!range) { reject(key, `'${value}' is not a FHIR date such as ge2026-01-01`, 'FHIR_PARAM_INVALID'); break; }
        filters.push({ kind: 'lastUpdated', values: [{ prefix, low: range.low, high: range.high }] });
        applied.push([key, value]);
        break;
      }
      case '_count': {
        const n = Number(value);
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) { reject(key, 'must be a non-negative integer', 'FHIR_PARAM_INVALID'); break; }
        count = Math.min(n, opts.maxCount);
        break;
      }
      case '_offset': {
        if (!/^\d+$/.test(value)) { reject(key, 'must be a non-negative integer', 'FHIR_PARAM_INVALID'); break; }
        offset = Number(value);
        break;
      }
      case '_total': {
        if (value === 'none') total = false;
        else if (value === 'accurate' || value === 'estimate') total = true;
        else { reject(key, "must be none, estimate or accurate", 'FHIR_PARAM_INVALID'); break; }
        applied.push([key, value]);
        break;
      }
      case '_summary': {
        if (value !== 'count') { reject(key, "only _summary=count is supported", 'FHIR_PARAM_UNKNOWN'); break; }
        count = 0;
        total = true;
        applied.push([key, value]);
        break;
      }
      case '_sort': {
        const keys: SortKey[] = [];
        for (const s of value.split(',')) {
          const desc = s.startsWith('-');
          const p = desc ? s.slice(1) : s;
          if (p !== '_id' && p !== '_lastUpdated') { keys.length = 0; reject(key, `cannot sort by '${p}'`, 'FHIR_PARAM_UNKNOWN'); break; }
          keys.push({ param: p, descending: desc });
        }
        if (keys.length > 0) { sort = keys; applied.push([key, value]); }
        break;
      }
      default: {
        const def = r4SearchParameter(type, name);
        reject(key, def ? `an R4 ${def.type} parameter of ${type} that this server does not support yet` : `not a search parameter of ${type}`, 'FHIR_PARAM_UNKNOWN');
      }
    }
  }
  return { plan: { resourceType: type, filters, sort, count, offset, total }, ignored, applied };
}

/** Splits on commas not escaped with a backslash (https://hl7.org/fhir/R4/search.html#escaping) */
function splitOr(value: string): string[] {
  return value.split(/(?<!\\),/).map((v) => v.replace(/\\([,|$\\])/g, '$1'));
}

function parseToken(v: string): TokenValue | undefined {
  const bar = v.search(/(?<!\\)\|/);
  if (bar < 0) return v ? { code: v } : undefined;
  const system = v.slice(0, bar);
  const code = v.slice(bar + 1);
  if (!system && !code) return undefined;
  return { system, code: code || undefined };
}

function hasIdentifier(type: string): boolean {
  return IDENTIFIER_TYPES.has(type);
}
