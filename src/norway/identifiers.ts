/**
 * Norwegian identifiers and their check rules (../shared/NORWAY.md §1.4 and §2; sources: HIS 1001:2010
 * "Identifikatorer for personer", Skatteetaten's 2032 rule (nyttfnr2032), NHN's SyntPop and FH-nummer,
 * Brønnøysundregistrene for organisasjonsnummer).
 *
 * Person numbers, 11 digits `DDMMYY III K1K2`:
 *   - K2 = the second mod-11 check digit, unchanged since 1964;
 *   - K1 under the legacy rule: (weighted sum + K1) mod 11 = 0; under the rule for numbers issued from 2032:
 *     (weighted sum + K1) mod 11 in {0, 1, 2, 3}. Both are accepted now (2032-style numbers exist in test data);
 *   - fødselsnummer: a calendar date, the century from the individnummer (legacy), 20yy when only the 2032
 *     rule holds (no century can be read from it);
 *   - D-nummer: day + 40; H-nummer: month + 40; synthetic test persons: month + 80 (Test-Norge/Tenor) or
 *     month + 65 (NHN SyntPop), also with day + 40;
 *   - FH-nummer (felles hjelpenummer): first digit 8 or 9, no date, the same check digits.
 * Organisasjonsnummer: 9 digits, weights 3 2 7 6 5 4 3 2, mod 11 (10 is never issued).
 * HPR-nummer, HER-id, RESH-id: digits only; no public check digit exists for them.
 */
import { forEachObject } from '../fhir/validation/object-walk.ts';

const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const ORG = [3, 2, 7, 6, 5, 4, 3, 2];

export type PersonStructure = 'fødselsnummer' | 'D-nummer' | 'H-nummer' | 'FH-nummer';

export interface PersonNumber {
  valid: boolean;
  structure?: PersonStructure;
  /** Test persons: month + 80 (Test-Norge/Tenor) or + 65 (NHN SyntPop) */
  synthetic?: '+80' | '+65';
  /** Which K1 rule the number meets */
  legacyRule: boolean;
  rule2032: boolean;
  /** YYYY-MM-DD, when the number carries a date */
  birthDate?: string;
  /** Why it is not valid, one line each */
  problems: string[];
}

const digitsOf = (s: string): number[] => [...s].map(Number);

/** The two check-digit rules on an 11-digit number */
export function personChecksum(n: string): { legacy: boolean; rule2032: boolean } {
  const d = digitsOf(n);
  const s1 = W1.reduce((a, w, i) => a + w * d[i], 0);
  const r1 = (s1 + d[9]) % 11;
  const s2 = W2.reduce((a, w, i) => a + w * d[i], 0);
  const k2 = (s2 + d[10]) % 11 === 0;
  return { legacy: r1 === 0 && k2, rule2032: r1 <= 3 && k2 };
}

/** The century of a legacy number from its individnummer (HIS 1001 / Skatteetaten), or undefined */
function century(individ: number, yy: number): number | undefined {
  if (individ <= 499) return 1900;
  if (individ >= 500 && individ <= 749 && yy >= 54) return 1800;
  if (individ >= 900 && yy >= 40) return 1900;
  if (individ >= 500 && yy < 40) return 2000;
  return undefined;
}

const isDate = (y: number, m: number, d: number): boolean => {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
};

export function checkPersonNumber(n: string): PersonNumber {
  if (!/^\d{11}$/.test(n)) return { valid: false, legacyRule: false, rule2032: false, problems: [`'${n}' is not 11 digits`] };
  const { legacy, rule2032 } = personChecksum(n);
  const problems: string[] = [];
  if (!legacy && !rule2032) problems.push('the check digits do not match (mod 11, neither the legacy nor the 2032 rule)');
  const d = digitsOf(n);
  if (d[0] >= 8) {
    return { valid: problems.length === 0, structure: 'FH-nummer', legacyRule: legacy, rule2032, problems };
  }
  let day = d[0] * 10 + d[1];
  let month = d[2] * 10 + d[3];
  const yy = d[4] * 10 + d[5];
  let structure: PersonStructure = 'fødselsnummer';
  let synthetic: PersonNumber['synthetic'];
  if (day > 40) {
    day -= 40;
    structure = 'D-nummer';
  }
  if (month > 80) {
    month -= 80;
    synthetic = '+80';
  } else if (month > 65) {
    month -= 65;
    synthetic = '+65';
  } else if (month > 40) {
    month -= 40;
    structure = structure === 'D-nummer' ? 'D-nummer' : 'H-nummer';
  }
  const individ = d[6] * 100 + d[7] * 10 + d[8];
  // a number valid only under the 2032 rule carries no century: Skatteetaten reads it as 20yy
  // an individnummer outside the issued ranges (synthetic numbers use them freely) gives no century either:
  // then the date must exist in 19yy or 20yy
  const c = legacy ? century(individ, yy) : 2000;
  const year = c !== undefined ? c + yy : [1900 + yy, 2000 + yy].find((y) => isDate(y, month, day));
  if (year === undefined || !isDate(year, month, day)) problems.push(`${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}.${String(yy).padStart(2, '0')} is not a date`);
  const birthDate = year !== undefined && isDate(year, month, day) ? `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` : undefined;
  return { valid: problems.length === 0, structure, ...(synthetic ? { synthetic } : {}), legacyRule: legacy, rule2032, ...(birthDate ? { birthDate } : {}), problems };
}

/** Organisasjonsnummer: 9 digits, mod 11 with weights 3 2 7 6 5 4 3 2 */
export function checkOrganisationNumber(n: string): string[] {
  if (!/^\d{9}$/.test(n)) return [`'${n}' is not 9 digits`];
  const d = digitsOf(n);
  const r = 11 - (ORG.reduce((a, w, i) => a + w * d[i], 0) % 11);
  const k = r === 11 ? 0 : r;
  return r === 10 || k !== d[8] ? ['the check digit does not match (mod 11)'] : [];
}

/** The identifier systems checked, by OID and by the no-basis NamingSystem URI */
export interface IdentifierRule {
  name: string;
  check: (value: string) => string[];
}

const person = (want: PersonStructure[], name: string): IdentifierRule => ({
  name,
  check: (v) => {
    const r = checkPersonNumber(v);
    if (!r.valid) return r.problems;
    return r.structure && !want.includes(r.structure) ? [`it is a ${r.structure}, not a ${name}`] : [];
  },
});
const digits = (name: string, min: number, max: number): IdentifierRule => ({
  name,
  check: (v) => (new RegExp(`^\\d{${min},${max}}$`).test(v) ? [] : [`a ${name} is ${min === max ? min : `${min} to ${max}`} digits`]),
});

const FNR = person(['fødselsnummer'], 'fødselsnummer');
const DNR = person(['D-nummer'], 'D-nummer');
const FHNR = person(['FH-nummer'], 'FH-nummer');
const HPR = digits('HPR-nummer', 1, 9);
const ORGNR: IdentifierRule = { name: 'organisasjonsnummer', check: checkOrganisationNumber };
const HER = digits('HER-id', 1, 9);
const RESH = digits('RESH-id', 1, 9);

export const IDENTIFIER_RULES: ReadonlyMap<string, IdentifierRule> = new Map([
  ['urn:oid:2.16.578.1.12.4.1.4.1', FNR], ['http://hl7.no/fhir/NamingSystem/FNR', FNR],
  ['urn:oid:2.16.578.1.12.4.1.4.2', DNR], ['http://hl7.no/fhir/NamingSystem/DNR', DNR],
  ['urn:oid:2.16.578.1.12.4.1.4.3', FHNR], ['http://hl7.no/fhir/NamingSystem/FHNR', FHNR],
  ['urn:oid:2.16.578.1.12.4.1.4.4', HPR], ['http://hl7.no/fhir/NamingSystem/HPR', HPR],
  ['urn:oid:2.16.578.1.12.4.1.4.101', ORGNR], ['http://data.brreg.no/begrep/28155', ORGNR],
  ['urn:oid:2.16.578.1.12.4.1.2', HER], ['http://hl7.no/fhir/NamingSystem/HERid', HER],
  ['urn:oid:2.16.578.1.12.4.1.4.102', RESH], ['http://hl7.no/fhir/NamingSystem/RESHid', RESH],
]);

export interface IdentifierProblem {
  /** FHIRPath of the Identifier */
  expression: string;
  system: string;
  value: string;
  rule: string;
  problems: string[];
}

/** An object that is an Identifier whose system has a rule its value breaks (`pathOf`: where it sits, asked then) */
export function identifierProblem(o: Record<string, unknown>, pathOf: () => string): IdentifierProblem | undefined {
  const system = o.system;
  if (typeof system !== 'string' || typeof o.value !== 'string') return undefined;
  const rule = IDENTIFIER_RULES.get(system);
  if (!rule) return undefined;
  const problems = rule.check(o.value);
  return problems.length ? { expression: pathOf(), system, value: o.value, rule: rule.name, problems } : undefined;
}

/**
 * Every Identifier (at any depth, contained and Bundle resources included) whose system has a rule, checked: the
 * object walk of the structure check (src/fhir/validation/object-walk.ts), which builds a path only for an
 * identifier that breaks its rule. The structure check runs identifierProblem as a visitor of its own walk.
 */
export function checkIdentifiers(resource: unknown, at: string = String((resource as { resourceType?: string })?.resourceType ?? '')): IdentifierProblem[] {
  const out: IdentifierProblem[] = [];
  forEachObject(resource, at, [(o, path) => {
    const problem = identifierProblem(o, () => String(path));
    if (problem) out.push(problem);
  }]);
  return out;
}
