/**
 * A fast path for the invariants of StructureDefinitions (https://hl7.org/fhir/R4/conformance-rules.html#constraints):
 * most are Boolean combinations of element paths and exists()/empty() (`dataAbsentReason.empty() or value.empty()`,
 * obs-6; `value.empty() or system.exists()`, cpt-2), and evaluating them through fhirpath.js costs 10-20 µs each
 * with the R4 model, which on a typical write is most of the base check (`node bench/validation.ts`). This module
 * evaluates that subset of FHIRPath N1 (http://hl7.org/fhirpath/N1/) directly on the JSON, and answers
 * `undefined` for anything else, so the caller asks fhirpath.js (../fhir/fhirpath.ts): it never guesses.
 *
 * The subset, with N1's semantics:
 *   - paths of element names on the JSON (arrays flatten; `value` finds `valueQuantity`, json.html#choice); a
 *     name whose `_name` (a primitive's extensions) is present is left to fhirpath.js, which merges them;
 *   - exists(), empty(), not(), hasValue(), count(), and startsWith(), endsWith(), contains() with a string literal
 *     (§5.1, §5.6, §6.5);
 *   - and, or, xor, implies with the three-valued logic of §6.5, short-circuited: `a or b` is true as soon as one
 *     side is true, even when the other is outside the subset (ref-1's `reference.startsWith('#').not() or ...`);
 *   - = and != between one value and a string, number or boolean literal (not dates, whose equality depends on
 *     precision); `x in c` and `c contains x` only where x is empty (then they are empty too);
 *   - on an empty input, the functions that return empty for it (where(), select(), substring()...), without
 *     looking at their arguments (§4.5: functions on an empty collection).
 * Everything else (other operators, literals, %variables, $this, indexers, type names) falls through.
 * test/unit/fhir/fhirpath-quick.test.ts compares the answers with fhirpath.js on every R4 core invariant over
 * the R4 examples.
 */

type Json = Record<string, unknown>;

/** An evaluated collection, or NO: not in the subset */
type Result = unknown[] | typeof NO;
const NO = Symbol('not in the subset');

type Expr =
  | { k: 'path'; name: string; ext: string; from?: Expr }
  | { k: 'call'; name: string; args: Expr[]; from?: Expr }
  | { k: 'lit'; value: string | number | boolean }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'other' };

const OTHER: Expr = { k: 'other' };

/** Functions that return empty on an empty input whatever their arguments (§4.5, §5) */
const EMPTY_ON_EMPTY = new Set(['where', 'select', 'first', 'last', 'tail', 'skip', 'take', 'single', 'distinct', 'intersect', 'exclude',
  'substring', 'startsWith', 'endsWith', 'contains', 'matches', 'replace', 'replaceMatches', 'indexOf', 'length', 'lower', 'upper',
  'toChars', 'toString', 'toInteger', 'toDecimal', 'resolve', 'ofType', 'as', 'trace', 'extension', 'children', 'descendants',
  'memberOf', 'htmlChecks', 'getValue']);

// ---- parsing (a full tokenizer; constructs outside the subset parse into OTHER so the structure around them holds)

interface Token { t: 'id' | 'str' | 'num' | 'op' | 'other'; v: string }

function tokenize(src: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') { const end = src.indexOf('*/', i + 2); if (end < 0) return undefined; i = end + 2; continue; }
    if (/[A-Za-z_]/.test(c)) { let j = i + 1; while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++; out.push({ t: 'id', v: src.slice(i, j) }); i = j; continue; }
    if (c === '`') { const end = src.indexOf('`', i + 1); if (end < 0) return undefined; out.push({ t: 'id', v: src.slice(i + 1, end) }); i = end + 1; continue; }
    if (c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== "'") {
        if (src[j] === '\\') return undefined; // escapes: left to fhirpath.js
        s += src[j++];
      }
      if (j >= src.length) return undefined;
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c)) { let j = i + 1; while (j < src.length && /[0-9.]/.test(src[j])) j++; out.push({ t: 'num', v: src.slice(i, j) }); i = j; continue; }
    const two = src.slice(i, i + 2);
    if (['!=', '<=', '>=', '!~'].includes(two)) { out.push({ t: 'op', v: two }); i += 2; continue; }
    if ('.()[],=<>|+-*/&~{}'.includes(c)) { out.push({ t: 'op', v: c }); i++; continue; }
    // %variables, $this, @dates and anything else: one opaque token (with its name, so it parses as a term)
    if (c === '%' || c === '$' || c === '@') {
      let j = i + 1;
      if (src[j] === "'" || src[j] === '`') { const q = src[j]; const end = src.indexOf(q, j + 1); if (end < 0) return undefined; j = end + 1; }
      else while (j < src.length && /[A-Za-z0-9_\-:.TZ+]/.test(src[j]) && !(c !== '@' && src[j] === '.')) j++;
      out.push({ t: 'other', v: src.slice(i, j) });
      i = j;
      continue;
    }
    return undefined;
  }
  return out;
}

/** Binary operators by precedence, lowest first (N1 §10) */
const LEVELS: readonly (readonly string[])[] = [['implies'], ['or', 'xor'], ['and'], ['in', 'contains'], ['=', '~', '!=', '!~'], ['<', '>', '<=', '>='], ['|'], ['is', 'as'], ['+', '-', '&'], ['*', '/', 'div', 'mod']];

class Parser {
  #i = 0;
  readonly toks: Token[];
  constructor(toks: Token[]) {
    this.toks = toks;
  }

  parse(): Expr | undefined {
    const e = this.#level(0);
    return this.#i === this.toks.length ? e : undefined;
  }

  #peek(): Token | undefined { return this.toks[this.#i]; }
  #isOp(v: string): boolean { const t = this.#peek(); return t !== undefined && (t.t === 'op' || t.t === 'id') && t.v === v; }

  #level(n: number): Expr {
    if (n === LEVELS.length) return this.#unary();
    let l = this.#level(n + 1);
    for (;;) {
      const t = this.#peek();
      if (!t || !(t.t === 'op' || t.t === 'id') || !LEVELS[n].includes(t.v)) return l;
      this.#i++;
      // `is` and `as` take a type specifier
      const r = n === 7 ? this.#typeName() : this.#level(n + 1);
      l = { k: 'bin', op: t.v, l, r };
    }
  }

  #typeName(): Expr {
    this.#expect('id');
    while (this.#isOp('.')) { this.#i++; this.#expect('id'); }
    return OTHER;
  }

  #expect(t: Token['t']): Token {
    const tok = this.toks[this.#i++];
    if (!tok || tok.t !== t) throw new SyntaxError('unexpected token');
    return tok;
  }

  #unary(): Expr {
    if (this.#isOp('-') || this.#isOp('+')) { this.#i++; this.#unary(); return OTHER; }
    let e = this.#term();
    for (;;) {
      if (this.#isOp('.')) {
        this.#i++;
        const id = this.#expect('id');
        e = this.#isOp('(') ? { k: 'call', name: id.v, args: this.#args(), from: e } : { k: 'path', name: id.v, ext: `_${id.v}`, from: e };
      } else if (this.#isOp('[')) {
        this.#i++;
        this.#level(0);
        if (!this.#isOp(']')) throw new SyntaxError('] expected');
        this.#i++;
        e = OTHER;
      } else return e;
    }
  }

  #args(): Expr[] {
    this.#i++; // (
    const args: Expr[] = [];
    if (this.#isOp(')')) { this.#i++; return args; }
    for (;;) {
      args.push(this.#level(0));
      if (this.#isOp(',')) { this.#i++; continue; }
      if (this.#isOp(')')) { this.#i++; return args; }
      throw new SyntaxError(') expected');
    }
  }

  #term(): Expr {
    const t = this.toks[this.#i++];
    if (!t) throw new SyntaxError('term expected');
    if (t.t === 'str') return { k: 'lit', value: t.v };
    if (t.t === 'num') return t.v.includes('.') ? OTHER : { k: 'lit', value: Number(t.v) };
    if (t.t === 'other') return OTHER;
    if (t.t === 'op' && t.v === '(') {
      const e = this.#level(0);
      if (!this.#isOp(')')) throw new SyntaxError(') expected');
      this.#i++;
      return e;
    }
    if (t.t === 'op' && t.v === '{') {
      if (!this.#isOp('}')) throw new SyntaxError('} expected');
      this.#i++;
      return OTHER;
    }
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'false') return { k: 'lit', value: t.v === 'true' };
      if (this.#isOp('(')) return { k: 'call', name: t.v, args: this.#args() };
      return { k: 'path', name: t.v, ext: `_${t.v}` };
    }
    throw new SyntaxError('unexpected token');
  }
}

// ---- evaluation

const isObj = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

const isUpper = (c: number): boolean => c >= 65 && c <= 90;

function child(items: unknown[], name: string, ext: string): Result {
  let out: unknown[] | undefined;
  for (const x of items) {
    if (!isObj(x)) continue;
    let v = x[name];
    if (v === undefined) {
      if (x[ext] !== undefined) return NO; // a primitive with only extensions: fhirpath.js merges them
      // a choice element by its name without the type (json.html#choice); `_valueString`: its extensions
      for (const k in x) {
        const offset = k.charCodeAt(0) === 95 /* _ */ ? 1 : 0;
        if (k.length > name.length + offset && k.startsWith(name, offset) && isUpper(k.charCodeAt(name.length + offset))) {
          if (offset === 1 || x[`_${k}`] !== undefined) return NO;
          v = x[k];
          break;
        }
      }
    } else if (x[ext] !== undefined) return NO;
    if (v === undefined || v === null) continue;
    out ??= [];
    if (Array.isArray(v)) {
      for (const y of v) if (y !== null) out.push(y);
    } else out.push(v);
  }
  return out ?? EMPTY;
}

const EMPTY: unknown[] = [];

/** Shared results (never changed after they are made) */
const T: unknown[] = [true];
const F: unknown[] = [false];

/** A collection as a Boolean (N1 §4.5 singleton evaluation): true, false, empty ([]), or NO */
function truth(r: Result): boolean | [] | typeof NO {
  if (r === NO) return NO;
  if (r.length === 0) return [];
  if (r.length > 1) return NO;
  return typeof r[0] === 'boolean' ? r[0] : true;
}

const wrap = (b: boolean | []): unknown[] => (b === true ? T : b === false ? F : EMPTY);

function logic(op: string, e: Expr & { k: 'bin' }, focus: unknown[]): Result {
  const a = truth(evaluate(e.l, focus));
  if (op === 'or' && a === true) return T;
  if (op === 'and' && a === false) return F;
  if (op === 'implies' && a === false) return T;
  const b = truth(evaluate(e.r, focus));
  if (op === 'or') {
    if (b === true) return T;
    if (a === NO || b === NO) return NO;
    return a === false && b === false ? F : EMPTY;
  }
  if (op === 'and') {
    if (b === false) return F;
    if (a === NO || b === NO) return NO;
    return a === true && b === true ? T : EMPTY;
  }
  if (a === NO || b === NO) return NO;
  if (op === 'implies') return a === true ? wrap(b) : b === true ? [true] : []; // a is true or empty here
  return a === true || a === false ? (b === true || b === false ? [a !== b] : []) : []; // xor
}

function equality(op: string, e: Expr & { k: 'bin' }, focus: unknown[]): Result {
  const lit = e.r.k === 'lit' ? e.r.value : e.l.k === 'lit' ? e.l.value : undefined;
  if (lit === undefined) return NO;
  const other = evaluate(e.r.k === 'lit' ? e.l : e.r, focus);
  if (other === NO || other.length > 1) return NO;
  if (other.length === 0) return [];
  const v = other[0];
  if (typeof v !== typeof lit) return NO; // a date against a string, a code against a Coding: fhirpath.js's business
  if (typeof v === 'string' && /^\d{4}/.test(v)) return NO; // perhaps a date: precision rules
  return [op === '=' ? v === lit : v !== lit];
}

function call(e: Expr & { k: 'call' }, focus: unknown[]): Result {
  const input = e.from ? evaluate(e.from, focus) : focus;
  if (input === NO) return NO;
  switch (e.name) {
    case 'exists': return e.args.length === 0 ? (input.length > 0 ? T : F) : NO;
    case 'empty': return input.length === 0 ? T : F;
    case 'count': return [input.length];
    case 'not': {
      const t = truth(input);
      return t === NO ? NO : t === true || t === false ? [!t] : [];
    }
    case 'hasValue': return [input.length === 1 && (typeof input[0] === 'string' || typeof input[0] === 'number' || typeof input[0] === 'boolean')];
    case 'startsWith':
    case 'endsWith':
    case 'contains': {
      if (input.length === 0) return [];
      const arg = e.args[0];
      if (input.length > 1 || e.args.length !== 1 || arg.k !== 'lit' || typeof arg.value !== 'string' || typeof input[0] !== 'string') return NO;
      const str = input[0];
      return [e.name === 'startsWith' ? str.startsWith(arg.value) : e.name === 'endsWith' ? str.endsWith(arg.value) : str.includes(arg.value)];
    }
  }
  return input.length === 0 && EMPTY_ON_EMPTY.has(e.name) ? [] : NO;
}

function evaluate(e: Expr, focus: unknown[]): Result {
  switch (e.k) {
    case 'path': {
      if (!e.from && isUpper(e.name.charCodeAt(0))) return NO; // a type name: fhirpath.js
      const from = e.from ? evaluate(e.from, focus) : focus;
      return from === NO ? NO : child(from, e.name, e.ext);
    }
    case 'call': return call(e, focus);
    case 'lit': return [e.value];
    case 'bin':
      if (e.op === 'or' || e.op === 'and' || e.op === 'xor' || e.op === 'implies') return logic(e.op, e, focus);
      if (e.op === '=' || e.op === '!=') return equality(e.op, e, focus);
      // §6.4.2: `x in c` is empty when x is, `c contains x` when x is
      if (e.op === 'in' || e.op === 'contains') {
        const x = evaluate(e.op === 'in' ? e.l : e.r, focus);
        return x !== NO && x.length === 0 ? [] : NO;
      }
      return NO;
    default: return NO;
  }
}

/** `enabled: false` sends every expression to fhirpath.js (the differential test and the bench compare both) */
export const quickOptions = { enabled: true };

const parsed = new Map<string, Expr | null>();

function parse(expression: string): Expr | null {
  let e = parsed.get(expression);
  if (e === undefined) {
    try {
      const toks = tokenize(expression);
      e = toks ? new Parser(toks).parse() ?? null : null;
    } catch {
      e = null;
    }
    parsed.set(expression, e);
  }
  return e;
}

/**
 * Whether invariant `expression` holds on `value` (true when it evaluates to true or empty, false when to
 * false), or undefined when the expression or this value leads outside the subset
 */
export function quickInvariant(expression: string, value: unknown): boolean | undefined {
  if (!quickOptions.enabled) return undefined;
  const e = parse(expression);
  if (!e) return undefined;
  const r = evaluate(e, value === undefined || value === null ? [] : [value]);
  if (r === NO) return undefined;
  if (r.length === 0) return true;
  if (r.length > 1 || typeof r[0] !== 'boolean') return undefined;
  return r[0];
}
