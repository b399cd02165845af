/**
 * UCUM canonical forms for quantity search: https://hl7.org/fhir/R4/search.html#quantity
 * A search for 5.4|http://unitsofmeasure.org|mg must find a stored 0.0054 g, so every UCUM quantity is also
 * indexed as (canonical value, canonical code), and the search value is converted the same way. Two quantities
 * are comparable iff their canonical codes are equal.
 *
 * Conversion is done by @lhncbc/ucum-lhc (NLM, https://github.com/lhncbc/ucum-lhc), pinned to an exact version
 * because this module reads two fields of its parsed units (moleExp_, equivalentExp_; see below). Licence: the
 * NLM/LHNCBC terms in node_modules/@lhncbc/ucum-lhc/LICENSE.md (BSD-style; free commercial and non-commercial
 * use, redistributions keep the owner notice and disclaimer) plus the UCUM licence (https://ucum.org/license;
 * UCUM table and codes (c) Regenstrief Institute and the UCUM Organization, free use).
 *
 * The canonical code is a UCUM expression over the library's base units (g, m, s, K, C, cd, rad) plus mol and eq,
 * with exponents, in a fixed order: 'g' for every mass, 'g.m-3' for mass concentration, 'mol.m-3' for substance
 * concentration, 'g.m-1.s-2' for pressure, '1' for dimensionless. It is valid UCUM itself, so
 * canonical(c.value, c.code) returns c. The base unit of mass is the gram (as in UCUM), so 1 kPa is 1e6 g.m-1.s-2.
 *
 * Choices, each deliberate:
 * - mol and eq stay dimensions of their own. UCUM defines mol as 6.0221367e23 (a pure number), and the library's
 *   convertToBaseUnits reports mmol/L as m-3, the same as 10*9/L or /uL; its own convertUnitTo refuses mmol/L ->
 *   10*9/L and meq/L -> mmol/L, and so does this module (5 mmol/L is 5 mol.m-3, 1 meq/L is 1 eq.m-3).
 * - Special units (Cel, [degF], [degRe], [pH], dB, Np, B[...], bit_s, %[slope], ...) are not proportional to their
 *   base units: canonical() returns undefined and such quantities compare only by their own value and code.
 * - Arbitrary units ([iU], [IU], [arb'U], [CFU], ...) cannot be converted (UCUM; the library refuses even
 *   [iU]/L -> [iU]/mL and [iU] -> [IU]): the canonical code is the code itself, as given, with factor 1.
 * - Annotations are ignored, as UCUM says: {cells}/uL is /uL, and {score}, %, [ppm] and 1 are all dimensionless
 *   and comparable (so are mmol/mol and %, the two HbA1c units, which UCUM relates by a plain factor of 0.1).
 * - Values are rounded to 15 significant digits after conversion (and factors are rounded the same way), so that
 *   5.4 mg and 0.0054 g give the same canonical value despite binary floating point.
 * - The library prints to console.log (stdout) when its parser throws (e.g. on '()'); that output is suppressed
 *   during conversions, and codes outside UCUM's character set (ASCII 33-126) never reach the parser.
 *
 * Results are memoised per unit code (bounded: the map is cleared past MEMO_MAX entries), so the hot path is one
 * Map lookup, one multiplication and the rounding. The library itself is loaded on the first cache miss.
 */
import { createRequire } from 'node:module';

export interface Canonical {
  value: number;
  code: string;
}

/** The parts of @lhncbc/ucum-lhc used here (the package has no type declarations) */
interface LibUnit {
  isArbitrary_: boolean;
  isSpecial_: boolean;
  cnv_: string | null;
  /** power of mol in the unit (mol, osm, kat and U count as mol) */
  moleExp_?: number;
  /** power of eq in the unit */
  equivalentExp_?: number;
}
interface LibUtils {
  getSpecifiedUnit(code: string, mode: 'validate'): { status: string; unit?: LibUnit | null };
  convertToBaseUnits(
    code: string,
    value: number,
  ): { status: string; magnitude?: number; unitToExp?: Record<string, number>; fromUnitIsSpecial?: boolean };
}
interface LibPackage {
  UcumLhcUtils: { getInstance(): LibUtils };
  UnitTables: { getInstance(): { getUnitByCode(code: string): { magnitude_: number } | null } };
}

interface Entry {
  factor: number;
  code: string;
}

const MEMO_MAX = 10_000;
/** Longer codes are not looked up at all (real ones are far shorter; this bounds the parser's work per request) */
const MAX_CODE_LENGTH = 200;
/** UCUM expressions use the printable ASCII characters 33-126 only (UCUM §1) */
const UCUM_CHARS = /^[\x21-\x7e]+$/;
/** A factor of zero ('0.g', 'g/0'): the library reads it as 1, which would be silently wrong */
const ZERO_FACTOR = /(?:^|[./(])0+(?=$|[./)])/;
/** Order of base units in canonical codes; any other base unit the library reports comes after, sorted */
const BASE_ORDER = ['mol', 'eq', 'g', 'm', 's', 'K', 'C', 'cd', 'rad'];

/** null: not convertible (memoised too) */
const memo = new Map<string, Entry | null>();
let lib: { utils: LibUtils; avogadro: number } | undefined;

function loadLibrary(): { utils: LibUtils; avogadro: number } {
  if (!lib) {
    const pkg = createRequire(import.meta.url)('@lhncbc/ucum-lhc') as LibPackage;
    const mol = pkg.UnitTables.getInstance().getUnitByCode('mol');
    const utils = pkg.UcumLhcUtils.getInstance();
    // UCUM's value (6.0221367e23), which is what the library multiplies every mol unit by
    lib = { utils, avogadro: mol ? mol.magnitude_ : 6.0221367e23 };
  }
  return lib;
}

const round = (v: number): number => Number(v.toPrecision(15));
const quiet = (): void => {};

function resolve(code: string): Entry | null {
  if (code.length === 0 || code.length > MAX_CODE_LENGTH || !UCUM_CHARS.test(code) || ZERO_FACTOR.test(code)) return null;
  const { utils, avogadro } = loadLibrary();
  const log = console.log;
  console.log = quiet;
  try {
    const spec = utils.getSpecifiedUnit(code, 'validate');
    const unit = spec.unit;
    // 'invalid' also comes with a unit when the library recognised a name ('gram' -> g): not a UCUM code
    if (spec.status !== 'valid' || !unit) return null;
    if (unit.isSpecial_ || unit.cnv_) return null;
    if (unit.isArbitrary_) return { factor: 1, code };
    const base = utils.convertToBaseUnits(code, 1);
    if (base.status !== 'succeeded' || base.fromUnitIsSpecial || !base.unitToExp || typeof base.magnitude !== 'number') return null;
    const moles = unit.moleExp_ ?? 0;
    const eqs = unit.equivalentExp_ ?? 0;
    const factor = round(base.magnitude / avogadro ** (moles + eqs));
    if (!Number.isFinite(factor) || factor <= 0) return null;
    const exps: Record<string, number> = { ...base.unitToExp, mol: moles, eq: eqs };
    const names = [...BASE_ORDER, ...Object.keys(exps).filter((k) => !BASE_ORDER.includes(k)).sort()];
    const parts: string[] = [];
    for (const name of names) {
      const exp = exps[name];
      if (exp) parts.push(exp === 1 ? name : `${name}${exp}`);
    }
    return { factor, code: parts.length ? parts.join('.') : '1' };
  } catch {
    return null;
  } finally {
    console.log = log;
  }
}

function lookup(code: string): Entry | null {
  let entry = memo.get(code);
  if (entry === undefined) {
    entry = resolve(code);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(code, entry);
  }
  return entry;
}

/**
 * value ucumCode as a value in canonical units, or undefined when the code is not valid UCUM (case-sensitive:
 * 'mg/dL', not 'MG/DL') or not proportional to its base units (Cel, [degF], [pH], ...), or value is not finite.
 */
export function canonical(value: number, ucumCode: string): Canonical | undefined {
  if (!Number.isFinite(value)) return undefined;
  const entry = lookup(ucumCode);
  return entry ? { value: round(value * entry.factor), code: entry.code } : undefined;
}

/** Both codes convertible and of the same dimension (equal canonical codes) */
export function sameDimension(a: string, b: string): boolean {
  const x = lookup(a);
  const y = lookup(b);
  return x !== null && y !== null && x.code === y.code;
}
