/**
 * FHIRPath Patch: a Parameters resource of `operation` parameters (type add | insert | delete | replace |
 * move, path, name, value, index, source, destination). https://hl7.org/fhir/R4/fhirpatch.html
 *
 * Paths are the subset of FHIRPath that names elements: `Type.a.b`, indexers `[n]`, `.where(<expr>)`,
 * `.first()` and `.last()`; the `where` criteria are evaluated with @medplum/core's FHIRPath engine. This
 * covers the spec's examples and what clients send in practice; any other path is refused with a clear
 * FHIR_PATCH_INVALID rather than guessed at. Element cardinality (whether `add` creates an array) comes from
 * the R4 definitions.
 */
import { evalFhirPath, tryGetDataType } from '@medplum/core';
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import { ensureDefinitionsIndexed } from '../validation/structure-definitions.ts';

type Json = Record<string, unknown>;
/** A located element: its parent container, the key in it, and (for arrays) the index */
interface Loc { parent: Json; key: string; index?: number; value: unknown; type: string }

export function isFhirPathPatch(body: unknown): body is Parameters {
  return !!body && typeof body === 'object' && (body as { resourceType?: unknown }).resourceType === 'Parameters';
}

export function applyFhirPathPatch(doc: Json, params: Parameters): Json {
  ensureDefinitionsIndexed();
  const ops = params.parameter ?? [];
  if (ops.length === 0) throw invalid('the Parameters resource has no operation');
  ops.forEach((op, i) => {
    if (op.name !== 'operation') throw invalid(`parameter ${i} is '${op.name}', expected 'operation'`);
    applyOne(doc, op, i);
  });
  return doc;
}

function applyOne(doc: Json, op: ParametersParameter, i: number): void {
  const part = (n: string) => op.part?.find((p) => p.name === n);
  const str = (n: string) => {
    const p = part(n);
    return p ? ((p.valueCode ?? p.valueString) as string | undefined) : undefined;
  };
  const type = str('type');
  const path = str('path');
  if (!type || !path) throw invalid(`operation ${i} needs type and path`);
  const root = doc.resourceType as string;
  switch (type) {
    case 'add': {
      const name = str('name');
      const value = valueOf(part('value'), i);
      if (!name) throw invalid(`operation ${i} (add) needs name`);
      const [target] = one(locate(doc, root, path), path, i);
      const container = target.value as Json;
      const info = elementInfo(target.type, name);
      const existing = container[name];
      if (Array.isArray(existing)) existing.push(value);
      else if (existing === undefined) container[name] = info?.isArray ? [value] : value;
      else throw failed(`operation ${i}: ${path}.${name} already has a value (use replace)`);
      return;
    }
    case 'insert': {
      const index = part('index')?.valueInteger;
      const value = valueOf(part('value'), i);
      const list = listAt(doc, root, path, i);
      if (index === undefined || index < 0 || index > list.length) throw failed(`operation ${i}: index ${index} is out of range`);
      list.splice(index, 0, value);
      return;
    }
    case 'delete': {
      const locs = locate(doc, root, path);
      if (locs.length === 0) return; // deleting what is not there is not an error (fhirpatch.html)
      const [loc] = one(locs, path, i);
      remove(loc);
      return;
    }
    case 'replace': {
      const value = valueOf(part('value'), i);
      const [loc] = one(locate(doc, root, path), path, i);
      if (loc.index !== undefined) (loc.parent[loc.key] as unknown[])[loc.index] = value;
      else loc.parent[loc.key] = value;
      return;
    }
    case 'move': {
      const source = part('source')?.valueInteger;
      const dest = part('destination')?.valueInteger;
      const list = listAt(doc, root, path, i);
      if (source === undefined || dest === undefined || source < 0 || source >= list.length || dest < 0 || dest >= list.length) {
        throw failed(`operation ${i}: source/destination out of range`);
      }
      const [item] = list.splice(source, 1);
      list.splice(dest, 0, item);
      return;
    }
    default:
      throw invalid(`operation ${i}: unknown type '${type}'`);
  }
}

function listAt(doc: Json, root: string, path: string, i: number): unknown[] {
  const locs = locate(doc, root, path);
  const first = locs[0];
  if (!first) throw failed(`operation ${i}: ${path} matches nothing`);
  const list = first.parent[first.key];
  if (!Array.isArray(list)) throw failed(`operation ${i}: ${path} is not a list`);
  return list;
}

function remove(loc: Loc): void {
  const v = loc.parent[loc.key];
  if (loc.index !== undefined && Array.isArray(v)) {
    v.splice(loc.index, 1);
    if (v.length === 0) delete loc.parent[loc.key]; // FHIR forbids empty arrays
  } else delete loc.parent[loc.key];
}

function one(locs: Loc[], path: string, i: number): [Loc] {
  if (locs.length !== 1) throw failed(`operation ${i}: ${path} matches ${locs.length} elements, expected exactly one`);
  return [locs[0]];
}

const STEP = /^\s*(?:\.)?([A-Za-z_][A-Za-z0-9_]*)(\(\s*\)|\((.*)\))?(?:\[(\d+)\])?/;

/** Evaluates the supported path subset, returning located elements. */
function locate(doc: Json, root: string, path: string): Loc[] {
  let rest = path.trim();
  if (!rest.startsWith(root)) throw invalid(`path '${path}' must start with ${root}`);
  rest = rest.slice(root.length);
  let current: Loc[] = [{ parent: { root: doc }, key: 'root', value: doc, type: root }];
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) throw invalid(`cannot read path '${path}' at '${rest}'`);
    const [whole, name, call, args, idx] = m;
    rest = rest.slice(whole.length);
    if (call !== undefined) {
      if (name === 'where' && args) current = current.filter((l) => isTrue(evalFhirPath(balanced(args, path), l.value)));
      else if (name === 'first' && !args) current = current.slice(0, 1);
      else if (name === 'last' && !args) current = current.slice(-1);
      else throw invalid(`function ${name}() is not supported in patch paths`);
    } else {
      const next: Loc[] = [];
      for (const l of current) {
        const obj = l.value as Json;
        if (!obj || typeof obj !== 'object') continue;
        const v = obj[name];
        const t = elementInfo(l.type, name)?.type ?? 'Element';
        if (Array.isArray(v)) v.forEach((item, index) => next.push({ parent: obj, key: name, index, value: item, type: t }));
        else if (v !== undefined) next.push({ parent: obj, key: name, value: v, type: t });
      }
      current = next;
    }
    if (idx !== undefined) current = current[Number(idx)] ? [current[Number(idx)]] : [];
  }
  return current;
}

function balanced(args: string, path: string): string {
  let depth = 0;
  for (const c of args) {
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) throw invalid(`unbalanced parentheses in '${path}'`);
  }
  return args;
}

function isTrue(result: unknown[]): boolean {
  return result.length === 1 && result[0] === true;
}

function elementInfo(type: string, name: string): { isArray: boolean; type: string } | undefined {
  const [base, ...inner] = type.split('#');
  const schema = tryGetDataType(base);
  if (!schema) return undefined;
  const key = inner.length ? `${inner.join('.')}.${name}` : name;
  const el = schema.elements[key];
  if (!el) return undefined;
  const code = el.type[0]?.code ?? 'Element';
  const isArray = el.isArray ?? el.max > 1;
  // Backbone elements are typed by their path inside the resource.
  return { isArray, type: code === 'BackboneElement' || code === 'Element' ? `${base}#${key}` : code };
}

function valueOf(p: ParametersParameter | undefined, i: number): unknown {
  if (!p) throw invalid(`operation ${i} needs a value`);
  const key = Object.keys(p).find((k) => k.startsWith('value'));
  if (key) return (p as unknown as Record<string, unknown>)[key];
  if (p.part && p.part.length > 0) {
    const out: Json = {};
    for (const sub of p.part) out[sub.name] = valueOf(sub, i);
    return out;
  }
  throw invalid(`operation ${i}: the value part is empty`);
}

const invalid = (detail: string) => new FhirError('FHIR_PATCH_INVALID', { detail });
const failed = (detail: string) => new FhirError('FHIR_PATCH_FAILED', { detail });
