/**
 * Norwegian identifier rules (src/norway/identifiers.ts) against ../shared/no-basis/test-identifiers.csv, whose
 * rows were checked by hand against the sources each names (HIS 1001:2010, Skatteetaten's foedselsnummer.csv and
 * nyttfnr2032, NHN, navikt/fnrvalidator): the legacy and the 2032 check-digit rules, the calendar date, the
 * structure (fødselsnummer, D, H, FH, synthetic +80/+65) and organisasjonsnummer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ResourceValidator } from '../../../src/fhir/validation/index.ts';
import { checkIdentifiers, checkOrganisationNumber, checkPersonNumber, personChecksum } from '../../../src/norway/identifiers.ts';

const CSV = fileURLToPath(new URL('../../../../shared/no-basis/test-identifiers.csv', import.meta.url));

t.test('every row of test-identifiers.csv', { skip: existsSync(CSV) ? false : `no ${CSV}` }, async (t) => {
  const rows = readFileSync(CSV, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  t.ok(rows.length >= 46, `${rows.length} rows`);
  for (const [n, structure, dateValid, legacy, rule2032, source] of rows) {
    if (structure === 'organisasjonsnummer') {
      t.equal(checkOrganisationNumber(n).length === 0, legacy === 'True', `${n} orgnr (${source})`);
      continue;
    }
    const sums = personChecksum(n);
    t.equal(sums.legacy, legacy === 'True', `${n} legacy rule (${source})`);
    t.equal(sums.rule2032, rule2032 === 'True', `${n} 2032 rule (${source})`);
    const r = checkPersonNumber(n);
    if (dateValid !== '') t.equal(!r.problems.some((p) => p.includes('not a date')), dateValid === 'True', `${n} date (${source})`);
    if (structure.startsWith('FH')) t.equal(r.structure, 'FH-nummer', `${n} structure`);
    if (structure.startsWith('D-nummer')) t.equal(r.structure, 'D-nummer', `${n} structure`);
    if (structure.startsWith('H-nummer')) t.equal(r.structure, 'H-nummer', `${n} structure`);
    if (structure.includes('+80')) t.equal(r.synthetic, '+80', `${n} synthetic`);
    if (structure.includes('+65')) t.equal(r.synthetic, '+65', `${n} synthetic`);
  }
});

t.test('birth dates and centuries (HIS 1001: individnummer ranges)', async (t) => {
  t.equal(checkPersonNumber('01015000232').birthDate, '1950-01-01');
  t.equal(checkPersonNumber('29020075838').birthDate, '2000-02-29', 'individnummer 758 with year 00: 2000, a leap year');
  t.equal(checkPersonNumber('01818000282').birthDate, '1980-01-01', 'synthetic +80: the month less 80');
  t.equal(checkPersonNumber('41018000200').birthDate, '1980-01-01', 'D-nummer: the day less 40');
  t.match(checkPersonNumber('29020105729').problems, [/29\.02\.01 is not a date/]);
  t.match(checkPersonNumber('1234').problems, [/not 11 digits/]);
});

t.test('identifiers are checked by their system, and named in the issue', async (t) => {
  const patient = {
    resourceType: 'Patient',
    identifier: [
      { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '01818000282' },
      { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '41018000200' },
      { system: 'urn:oid:2.16.578.1.12.4.1.4.2', value: '20036914712' },
      { system: 'http://example.org/mrn', value: '20036914712' },
    ],
    generalPractitioner: [{ identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: 'HPR-91' } }],
  };
  t.same(checkIdentifiers(patient).map((p) => `${p.expression} ${p.rule}: ${p.problems.join('; ')}`), [
    'Patient.identifier[1] fødselsnummer: it is a D-nummer, not a fødselsnummer',
    'Patient.identifier[2] D-nummer: the check digits do not match (mod 11, neither the legacy nor the 2032 rule)',
    'Patient.generalPractitioner[0].identifier HPR-nummer: a HPR-nummer is 1 to 9 digits',
  ]);
  const org = { resourceType: 'Organization', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: '915933148' }] };
  const issues = new ResourceValidator({ level: 'schema' }).validate(org).issues;
  t.same(issues.map((i) => [i.code, i.expression?.[0]]), [['FHIR_IDENTIFIER_INVALID', 'Organization.identifier[0]']]);
  t.match(issues[0].message, /915933148 \(urn:oid:2\.16\.578\.1\.12\.4\.1\.4\.101\) is not a valid organisasjonsnummer: the check digit does not match/);
});
