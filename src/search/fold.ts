/**
 * String folding and the Norwegian sort key, defined here once so every store (memory, SQLite, PostgreSQL)
 * matches and orders strings identically: stores only compare the stored folded text and sort keys as
 * plain code-point (binary) strings, never with their own collations.
 *
 * Matching (https://hl7.org/fhir/R4/search.html#string: "case-insensitive and accent-insensitive"):
 *   fold(s) = lower-case after Unicode canonical decomposition (NFD) with the combining marks removed.
 *   So Å -> a and é -> e, while æ and ø, which Unicode does not decompose, stay letters of their own:
 *   name=ase and name=åse both find Åse; name=øst finds Østby but name=ost does not.
 *
 * Ordering (_sort on a string parameter): Norwegian alphabetical order, case-insensitive, accents ignored
 * except that the three Norwegian letters come after z in the order æ, ø, å (Språkrådet; also Swedish
 * ä/ö sort as æ/ø in Norwegian dictionaries). The key maps those letters to the three code points that
 * follow 'z' ('{', '|', '}'), so a binary comparison of keys is Norwegian order.
 */

const MARKS = /\p{M}+/gu;

export function fold(s: string): string {
  // Fast path: plain ASCII only needs lower-casing.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  return s.normalize('NFD').replace(MARKS, '').toLowerCase();
}

const AFTER_Z: Record<string, string> = { æ: '{', ä: '{', ø: '|', ö: '|', å: '}' };

export function sortKey(s: string): string {
  const lower = s.normalize('NFC').toLowerCase();
  let out = '';
  for (const ch of lower) {
    const mapped = AFTER_Z[ch];
    out += mapped ?? ch;
  }
  return fold(out);
}

/** The smallest string greater than every string that starts with `prefix` (for an index range scan:
 * prefix <= x < upperBound(prefix)); undefined when no such bound is needed (empty prefix). */
export function prefixUpperBound(prefix: string): string | undefined {
  if (prefix.length === 0) return undefined;
  const cps = [...prefix];
  const last = cps.pop()!.codePointAt(0)!;
  return cps.join('') + String.fromCodePoint(last + 1);
}
