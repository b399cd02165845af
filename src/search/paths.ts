/**
 * SearchParameter.expression compiled per resource type into small path walkers.
 *
 * R4 expressions are unions over many types (`AllergyIntolerance.code | Condition.code | ...`); for one
 * resource type only the branches that start with it matter. Nearly all branches use a tiny FHIRPath
 * subset: member navigation, `ofType(T)` / `as T`, `where(resolve() is T)` and `where(system='x')`
 * (checked over all 1,377 R4 parameters: `where` 107 times, `ofType` 145, anything else once), and, for our
 * Encounter current-location, `where(status='a' or status='b')` (equalities of one field or-ed). Those are
 * compiled to a walker that also knows each value's FHIR type from the StructureDefinitions, so values
 * are indexed by type (a Period as a range, an Identifier as system|value) without guessing from shape.
 * Branches outside the subset are evaluated by @medplum/core's FHIRPath engine instead.
 *
 * Why not evaluate every expression with the FHIRPath engine: indexing runs on every write for every
 * parameter of the type (about 40 for Observation), and the generic engine costs several microseconds per
 * expression. Spec: https://hl7.org/fhir/R4/fhirpath.html , https://hl7.org/fhir/R4/searchparameter.html
 */
import { evalFhirPathTyped, parseFhirPath, toTypedValue, tryGetDataType, type FhirPathAtom } from '@medplum/core';
import { ensureDefinitionsIndexed } from '../fhir/validation/structure-definitions.ts';

/** A value found by a path, with its FHIR type code (e.g. 'HumanName', 'date', 'Reference') */
export interface Typed {
  v: unknown;
  t: string;
}

type Step =
  | { kind: 'field'; name: string; choice: readonly { key: string; type: string }[] | undefined; type: string }
  | { kind: 'ofType'; type: string }
  | { kind: 'resolveIs'; type: string }
  /** where(f = 'a' [or f = 'b' ...]): the element's f is one of the values */
  | { kind: 'whereEq'; field: string; values: readonly string[] };

export interface CompiledPath {
  eval(resource: object): Typed[];
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** FHIRPath's System types as FHIR primitive codes (Medplum writes element types of `id` and `url` so) */
function normaliseType(code: string): string {
  return code.startsWith('http://hl7.org/fhirpath/System.') ? code.slice('http://hl7.org/fhirpath/System.'.length).toLowerCase() : code;
}

/** Splits at top-level occurrences of `sep` (outside parentheses and quotes) */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") quote = !quote;
    else if (!quote && c === '(') depth++;
    else if (!quote && c === ')') depth--;
    else if (!quote && depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(s.slice(start));
  return out.map((x) => x.trim());
}

const STEP_OFTYPE = /^ofType\(([A-Za-z]+)\)$/;
const STEP_AS = /^as\(([A-Za-z]+)\)$/;
const STEP_RESOLVE = /^where\(resolve\(\) is ([A-Za-z]+)\)$/;
const STEP_WHERE = /^where\((.*)\)$/;
const EQUALS = /^([a-z][A-Za-z]*) ?= ?'([^']*)'$/;

/** `f = 'a' or f = 'b'` -> the field and its values; undefined for anything else (another field, and, ...) */
function equalities(condition: string): { field: string; values: string[] } | undefined {
  const eqs = splitTop(condition, ' or ').map((c) => EQUALS.exec(c));
  if (eqs.some((m) => m === null || m[1] !== eqs[0]![1])) return undefined;
  return { field: eqs[0]![1], values: eqs.map((m) => m![2]) };
}
const STEP_FIELD = /^[a-z][A-Za-z0-9]*$/;

/** Compiles one union branch, or returns undefined when it is outside the subset */
function compileBranch(branch: string, resourceType: string): { root: string; steps: Step[] } | undefined {
  let text = branch.trim();
  // `(X).a.b` -> X with .a.b appended; `X as T` -> X.as(T)
  const paren = /^\((.*)\)((?:\.[A-Za-z]+)*)$/.exec(text);
  if (paren && splitTop(paren[1], '|').length === 1) text = paren[1] + paren[2];
  const asType = /^(.*) as ([A-Za-z]+)$/.exec(text);
  if (asType) text = `${asType[1]}.as(${asType[2]})`;
  const parts = splitTop(text, '.');
  const root = parts.shift()!;
  if (root !== resourceType && root !== 'Resource' && root !== 'DomainResource') return undefined;
  const steps: Step[] = [];
  let types: readonly string[] = [resourceType];
  for (const p of parts) {
    let m: RegExpExecArray | null;
    if ((m = STEP_OFTYPE.exec(p) ?? STEP_AS.exec(p))) {
      steps.push({ kind: 'ofType', type: m[1] });
      types = [m[1]];
    } else if ((m = STEP_RESOLVE.exec(p))) {
      steps.push({ kind: 'resolveIs', type: m[1] });
    } else if ((m = STEP_WHERE.exec(p)) && equalities(m[1])) {
      steps.push({ kind: 'whereEq', ...equalities(m[1])! });
    } else if (STEP_FIELD.test(p)) {
      if (types.length !== 1) return undefined;
      const schema = tryGetDataType(types[0]);
      const el = schema?.elements[p] ?? schema?.elements[`${p}[x]`];
      if (!el) return undefined;
      const codes = el.type.map((t) => normaliseType(t.code));
      const choice = schema!.elements[p] ? undefined : codes.map((c) => ({ key: p + cap(c), type: c }));
      steps.push({ kind: 'field', name: p, choice, type: codes[0] });
      types = codes;
    } else {
      return undefined;
    }
  }
  return { root, steps };
}

/** The type and id a literal reference points to ('Patient/1', '.../fhir/Patient/1/_history/2') */
export function referenceTarget(ref: string): { type: string; id: string } | undefined {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(ref);
  return m ? { type: m[1], id: m[2] } : undefined;
}

function walk(resource: object, steps: readonly Step[], rootType: string, out: Typed[]): void {
  visit(resource, rootType, steps, 0, out);
}

/** Depth-first over the steps without intermediate arrays: most parameters find nothing in a given
 * resource, and allocating per step was most of the cost of indexing */
function visit(v: unknown, t: string, steps: readonly Step[], i: number, out: Typed[]): void {
  if (i === steps.length) {
    out.push({ v, t });
    return;
  }
  const s = steps[i];
  switch (s.kind) {
    case 'field': {
      if (v === null || typeof v !== 'object') return;
      const o = v as Record<string, unknown>;
      if (s.choice) {
        for (const c of s.choice) {
          const x = o[c.key];
          if (x !== undefined && x !== null) each(x, c.type, steps, i + 1, out);
        }
      } else {
        const x = o[s.name];
        if (x !== undefined && x !== null) each(x, s.type, steps, i + 1, out);
      }
      return;
    }
    case 'ofType':
      if (t === s.type) visit(v, t, steps, i + 1, out);
      return;
    case 'resolveIs': {
      const ref = (v as { reference?: unknown } | null)?.reference;
      if (typeof ref === 'string' && referenceTarget(ref)?.type === s.type) visit(v, t, steps, i + 1, out);
      return;
    }
    case 'whereEq':
      if (v !== null && typeof v === 'object' && s.values.includes((v as Record<string, unknown>)[s.field] as string)) visit(v, t, steps, i + 1, out);
      return;
  }
}

function each(x: unknown, t: string, steps: readonly Step[], i: number, out: Typed[]): void {
  if (Array.isArray(x)) {
    for (const e of x) if (e !== undefined && e !== null) visit(e, t, steps, i, out);
  } else {
    visit(x, t, steps, i, out);
  }
}

/** Which branches of an expression take the fast walker (for tests and tuning) */
export function explain(expression: string, resourceType: string): { branch: string; fast: boolean }[] {
  ensureDefinitionsIndexed();
  return splitTop(expression, '|')
    .filter((b) => [resourceType, 'Resource', 'DomainResource'].includes(/^\(*([A-Za-z]+)/.exec(b)?.[1] ?? ''))
    .map((branch) => ({ branch, fast: compileBranch(branch, resourceType) !== undefined }));
}

const cache = new Map<string, CompiledPath>();

/** The compiled expression of a parameter for one resource type (cached per type and expression) */
export function compilePath(expression: string, resourceType: string): CompiledPath {
  const key = `${resourceType}\u0000${expression}`;
  let c = cache.get(key);
  if (c) return c;
  ensureDefinitionsIndexed();
  const fast: { root: string; steps: Step[] }[] = [];
  const slow: FhirPathAtom[] = [];
  for (const branch of splitTop(expression, '|')) {
    const head = /^\(*([A-Za-z]+)/.exec(branch)?.[1];
    if (head !== resourceType && head !== 'Resource' && head !== 'DomainResource') continue;
    const compiled = compileBranch(branch, resourceType);
    if (compiled) fast.push(compiled);
    else slow.push(parseFhirPath(branch));
  }
  // `X.exists() and X != false` (Patient-deceased): a boolean computed from the walk of X
  const existsNotFalse = /^(.+)\.exists\(\) and (.+) != false$/.exec(expression);
  const flag = existsNotFalse && existsNotFalse[1] === existsNotFalse[2] ? compileBranch(existsNotFalse[1], resourceType) : undefined;
  if (flag) {
    c = {
      eval(resource: object): Typed[] {
        const xs: Typed[] = [];
        walk(resource, flag.steps, resourceType, xs);
        return [{ v: xs.length > 0 && !(xs.length === 1 && xs[0].v === false), t: 'boolean' }];
      },
    };
    cache.set(key, c);
    return c;
  }
  c = {
    eval(resource: object): Typed[] {
      const out: Typed[] = [];
      for (const f of fast) walk(resource, f.steps, resourceType, out);
      if (slow.length > 0) {
        const input = [toTypedValue(resource)];
        for (const atom of slow) {
          for (const tv of evalFhirPathTyped(atom, input)) out.push({ v: tv.value, t: normaliseType(tv.type) });
        }
      }
      return out;
    },
  };
  cache.set(key, c);
  return c;
}
