/**
 * Shared string rows. Among R4's string parameters several index the same values: Patient `name`
 * (Patient.name: every part of every HumanName) holds what `family` (Patient.name.family) and `given` hold,
 * `phonetic` has the very expression of `name`, and `address` holds what `address-city`,
 * `address-postalcode`, `address-country` and `address-state` hold. Written naively a Patient with one name
 * (family, two given) and one address stores 16 string rows; shared, it stores 7. Index rows are the cost
 * of a write (about 8 µs each in SQLite here), so this is a third of a Patient create's index work.
 *
 * How: a "whole" parameter (a single branch `T.x` whose parts other parameters index, such as name) writes
 * one row per part under the key `name#family`, `name#given`, ...; the parameters that index exactly one
 * part (family: `T.name.family`) and the ones with the whole parameter's expression (phonetic) write no rows
 * and search the keys of their part or of the whole. `keysOf(type, code)` is the list a search matches
 * `param` against (an IN list in SQL, ../store/sql/indexes/param-table.ts; a Set in ./match.ts); it starts
 * with the parameter's own code, so rows written before this sharing existed (under `name`, `family`) are
 * still found until the resource is written again or reindexed.
 *
 * Only parameters shipped with the server share (R4 and the bundled no-basis ones), and only while no
 * SearchParameter stored on the server replaces one of them: a replaced parameter and its group go back to
 * rows of their own code, so a stored parameter never depends on rows another definition wrote.
 */
import { registryVersion, r4SearchParameter, searchParamsOf } from './registry.ts';

/** The string parts of HumanName and Address that ./extract.ts indexes (search.html#string) */
export const PARTS: Record<'HumanName' | 'Address', readonly string[]> = {
  HumanName: ['family', 'given', 'prefix', 'suffix', 'text'],
  Address: ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text'],
};
const ALL_PARTS = new Set([...PARTS.HumanName, ...PARTS.Address]);

interface TypeSharing {
  /** whole parameter code -> the key prefix its part rows use (the canonical code of its group) */
  whole: Map<string, string>;
  /** parameters that write no rows of their own */
  silent: Set<string>;
  /** code -> the keys a search on it matches */
  keys: Map<string, string[]>;
}

let cache = new Map<string, TypeSharing>();
let cacheVersion = -1;

const branchesOf = (type: string, expression: string): string[] =>
  expression.split('|').map((b) => b.trim()).filter((b) => b.startsWith(`${type}.`));

/**
 * The groups come from the built-in definitions alone, so the keys of a built-in parameter do not change
 * when a stored SearchParameter replaces another one; what does change is who writes: a parameter replaced
 * by a stored one writes and searches rows of its own code only, and a part parameter writes its own rows
 * again while its whole is replaced (rows written before stay findable under the shared keys).
 */
function sharingOf(type: string): TypeSharing {
  if (cacheVersion !== registryVersion) {
    cache = new Map();
    cacheVersion = registryVersion;
  }
  let s = cache.get(type);
  if (s) return s;
  s = { whole: new Map(), silent: new Set(), keys: new Map() };
  cache.set(type, s);
  const effective = searchParamsOf(type);
  const builtIn = (code: string) => {
    const def = r4SearchParameter(type, code);
    return def !== undefined && effective.get(code) === def;
  };
  const single = new Map<string, string[]>();
  for (const code of effective.keys()) {
    const def = r4SearchParameter(type, code);
    if (!def || def.type !== 'string' || !def.expression) continue;
    const branches = branchesOf(type, def.expression);
    if (branches.length !== 1 || branches[0].includes('(')) continue;
    single.set(branches[0], [...(single.get(branches[0]) ?? []), code].sort());
  }
  const share = (code: string, keys: string[], silentIf: boolean) => {
    if (!builtIn(code)) return; // a stored replacement: rows and searches of its own code
    s.keys.set(code, keys);
    if (silentIf) s.silent.add(code);
  };
  for (const [branch, codes] of single) {
    const canonical = codes[0];
    const parts = [...single.keys()].filter((b) => b.startsWith(`${branch}.`) && ALL_PARTS.has(b.slice(branch.length + 1)));
    if (parts.length === 0) {
      // Only aliases (one expression, several codes: Person phonetic and name): the first writes the rows
      for (const code of codes.slice(1)) share(code, [code, canonical], builtIn(canonical));
      continue;
    }
    const names = parts.map((b) => b.slice(branch.length + 1));
    const kind = names.some((n) => !PARTS.HumanName.includes(n)) ? PARTS.Address : PARTS.HumanName;
    for (const code of codes) {
      share(code, [code, ...kind.map((p) => `${canonical}#${p}`)], code !== canonical && builtIn(canonical));
      if (code === canonical && builtIn(code)) s.whole.set(code, canonical);
    }
    for (const b of parts) {
      const part = b.slice(branch.length + 1);
      for (const code of single.get(b)!) share(code, [code, `${canonical}#${part}`], builtIn(canonical));
    }
  }
  return s;
}

/** The `param` values of the rows a search on (type, code) matches */
export function keysOf(type: string, code: string): readonly string[] {
  return sharingOf(type).keys.get(code) ?? [code];
}

/** Whether the parameter writes no rows of its own (its values are another parameter's part rows) */
export function isSilent(type: string, code: string): boolean {
  return sharingOf(type).silent.has(code);
}

/** For a whole parameter, the key of one part's rows (`name#family`); undefined for any other */
export function partKey(type: string, code: string, part: string): string | undefined {
  const canonical = sharingOf(type).whole.get(code);
  return canonical === undefined ? undefined : `${canonical}#${part}`;
}
