/**
 * Semantic check of a FHIRPath expression against the R4 model, before it runs: the names an expression
 * navigates must exist on the types it navigates (FHIRPath N1 §4.1 and FHIR R4 fhirpath.html: "an
 * expression that refers to an element that cannot exist is an error"), and a choice element is named by
 * its base name (`Observation.value.ofType(Quantity)`), never by a concrete name such as
 * `Observation.valueQuantity`, which is not a path in FHIRPath for R4.
 *
 * Why our own: fhirpath.js evaluates any name (an unknown one is simply empty), so a typo in a profile's
 * invariant or a SearchParameter expression would silently never match. The check uses fhirpath.js's own
 * parse tree and R4 model tables (path2Type, choiceTypePaths, pathsDefinedElsewhere, type2Parent).
 *
 * It is deliberately partial: it follows chains of member names from the root, through type-preserving
 * functions (where, first, skip, ...), ofType()/as() and indexers, and stops checking (never guesses) at
 * anything else. A name it cannot decide is never reported.
 */
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';

interface Node { type: string; text?: string; atRoot?: number; children?: Node[] }
type TypeRef = { code: string } | string;

const model = r4 as unknown as {
  path2Type: Record<string, TypeRef>;
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
  type2Parent: Record<string, string>;
};

/** Functions whose result has the type of their input */
const SAME_TYPE = new Set(['where', 'first', 'last', 'tail', 'skip', 'take', 'single', 'distinct', 'trace', 'exclude', 'intersect', 'union', 'combine', 'sort']);

/** A position in the model: a type name (`HumanName`) or a backbone element's path (`Patient.contact`) */
type At = string | undefined;

const typeCode = (t: TypeRef): string => (typeof t === 'string' ? t : t.code);

function ancestors(type: string): string[] {
  const out: string[] = [];
  for (let t: string | undefined = type; t !== undefined; t = model.type2Parent[t]) out.push(t);
  return out;
}

const isResourceType = (name: string): boolean => ancestors(name).includes('Resource');

/**
 * The position reached by naming `name` at `at`, or an error text. A backbone element's own elements are
 * listed under its path; everything else under the type names of its ancestry.
 */
function member(at: string, name: string): { at: At } | { error: string } {
  const places = at.includes('.') ? [at, ...ancestors(typeCode(model.path2Type[at] ?? 'BackboneElement'))] : ancestors(at);
  for (const place of places) {
    const key = `${place}.${name}`;
    if (model.choiceTypePaths[key]) return { at: undefined }; // a choice: its type is known only after ofType()/as()
    const elsewhere = model.pathsDefinedElsewhere[key];
    if (elsewhere) return { at: elsewhere };
    const t = model.path2Type[key];
    if (t !== undefined) {
      const base = concreteChoiceBase(place, name);
      if (base) return { error: `${at}.${name}: a choice element is named ${base} (use ${base}.ofType(...)), not ${name}` };
      const code = typeCode(t);
      if (code === 'BackboneElement' || code === 'Element') return { at: key };
      return { at: code.startsWith('System.') ? undefined : code };
    }
  }
  return { error: `${at}.${name}: no such element` };
}

/** `valueQuantity` at Observation -> `value` when Observation.value[x] is a choice with a Quantity type */
function concreteChoiceBase(place: string, name: string): string | undefined {
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] < 'A' || name[i] > 'Z') continue;
    const base = name.slice(0, i);
    const types = model.choiceTypePaths[`${place}.${base}`];
    if (types && types.some((t) => t.toLowerCase() === name.slice(i).toLowerCase())) return base;
  }
  return undefined;
}

function typeNamed(spec: Node | undefined): At {
  const ids: string[] = [];
  const walk = (n: Node): void => {
    if (n.type === 'Identifier' && n.text) ids.push(n.text.replace(/^`|`$/g, ''));
    n.children?.forEach(walk);
  };
  if (spec) walk(spec);
  const name = ids.length === 2 && ids[0] === 'FHIR' ? ids[1] : ids.length === 1 ? ids[0] : undefined;
  return name !== undefined && model.type2Parent[name] !== undefined ? name : undefined;
}

/** Functions whose result depends on the order of their input (N1 §5.3, §6.6: "ordered") */
const ORDERED = new Set(['first', 'last', 'tail', 'skip', 'take', 'single']);
/** Functions whose result has no defined order */
const UNORDERED = new Set(['children', 'descendants']);

export interface CheckOptions {
  /** Report order-dependent functions applied to an unordered collection (children(), descendants()),
   *  the strict mode of the official suite's checkOrderedFunctions */
  orderedFunctions?: boolean;
}

/**
 * The errors of `expression` evaluated on a resource of type `contextType` (empty: nothing wrong was found).
 * A syntax error is reported as the parser's message.
 */
export function checkFhirPath(expression: string, contextType: string, opts: CheckOptions = {}): string[] {
  let tree: Node;
  try {
    tree = fhirpath.parse(expression) as Node;
  } catch (e) {
    return [`syntax: ${(e as Error).message.split('\n')[0]}`];
  }
  const errors: string[] = [];
  /** Inside a function's arguments names are relative to each item ($this): not followed */
  let inArguments = 0;
  /** Nodes whose result has no defined order */
  const unordered = new Set<Node>();

  /** The position an expression node reaches, or undefined when it cannot be followed */
  const reach = (n: Node): At => {
    switch (n.type) {
      case 'EntireExpression':
      case 'TermExpression':
      case 'InvocationTerm':
      case 'ParenthesizedTerm':
        return n.children?.length === 1 ? reach(n.children[0]) : visitAll(n);
      case 'MemberInvocation':
        return n.atRoot === 1 && inArguments === 0 ? root(n.text ?? '') : undefined;
      case 'IndexerExpression':
        visitAll({ type: '', children: n.children?.slice(1) });
        return reach(n.children![0]);
      case 'InvocationExpression': {
        const [left, right] = n.children!;
        const at = reach(left);
        if (opts.orderedFunctions) orderCheck(n, left, right);
        return step(at, right);
      }
      case 'TypeExpression': {
        const [left, spec] = n.children!;
        reach(left);
        return n.text === 'as' ? typeNamed(spec) : undefined;
      }
      default:
        return visitAll(n);
    }
  };
  const functionName = (n: Node): string | undefined =>
    n.type === 'FunctionInvocation' ? n.children?.[0]?.children?.[0]?.text : undefined;
  const orderCheck = (n: Node, left: Node, right: Node): void => {
    const fn = functionName(right);
    if (fn !== undefined && UNORDERED.has(fn)) unordered.add(n);
    else if (unordered.has(left) && fn !== undefined && ORDERED.has(fn)) errors.push(`${fn}(): the input has no defined order (it comes from children() or descendants())`);
    else if (unordered.has(left) && fn !== undefined && SAME_TYPE.has(fn)) unordered.add(n);
  };
  const visitAll = (n: Node): At => {
    n.children?.forEach((c) => void reach(c));
    return undefined;
  };
  const root = (name: string): At => {
    const bare = name.replace(/^`|`$/g, '');
    if (bare === contextType || ancestors(contextType).includes(bare)) return contextType;
    if (isResourceType(bare)) {
      errors.push(`${bare}: the expression is about ${bare}, but it is evaluated on a ${contextType}`);
      return undefined;
    }
    return follow(contextType, bare);
  };
  const follow = (at: At, name: string): At => {
    if (at === undefined) return undefined;
    const r = member(at, name.replace(/^`|`$/g, ''));
    if ('error' in r) {
      errors.push(r.error);
      return undefined;
    }
    return r.at;
  };
  const step = (at: At, right: Node): At => {
    if (right.type === 'MemberInvocation') return follow(at, right.text ?? '');
    if (right.type === 'FunctionInvocation') {
      const fn = right.children?.[0];
      const name = fn?.children?.[0]?.text ?? '';
      const params = fn?.children?.[1];
      if (name === 'ofType' || name === 'as') return typeNamed(params);
      if (params) {
        inArguments++;
        visitAll(params);
        inArguments--;
      }
      return SAME_TYPE.has(name) ? at : undefined;
    }
    visitAll(right);
    return undefined;
  };

  reach(tree);
  return errors;
}
