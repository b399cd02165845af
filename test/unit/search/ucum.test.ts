// UCUM canonical forms for quantity search: https://hl7.org/fhir/R4/search.html#quantity
// Every expected value below is worked out by hand from the UCUM definitions (https://ucum.org/ucum), not taken
// from the library: prefixes k = 1e3, m = 1e-3, u = 1e-6, c = 1e-2, d = 1e-1; L = dm3 = 1e-3 m3; h = 60 min =
// 3600 s; Pa = N/m2 = kg/(m.s2) = 1000 g.m-1.s-2; m[Hg] = 133.3220 kPa; % = 1e-2; 10*9 = 1e9; the base unit of
// mass is the gram. Only the last test compares this module with the library (it must agree on commensurability).
import { createRequire } from 'node:module';
import t from 'tap';
import { canonical, sameDimension } from '../../../src/search/ucum.ts';

t.test('masses canonicalise to grams', async (t) => {
  t.same(canonical(1, 'kg'), { value: 1000, code: 'g' }, '1 kg = 1e3 g');
  t.same(canonical(5.4, 'mg'), { value: 0.0054, code: 'g' }, '5.4 mg = 5.4e-3 g (5.4 * 0.001 is 0.0054000000000000005 before rounding)');
  t.same(canonical(5.4, 'mg'), canonical(0.0054, 'g'), 'the search value 5.4 mg finds a stored 0.0054 g');
  t.same(canonical(250, 'mg'), canonical(0.25, 'g'), '250 mg = 0.25 g');
  t.same(canonical(250, 'mg'), { value: 0.25, code: 'g' });
  t.same(canonical(1, 'ug'), { value: 0.000001, code: 'g' }, '1 ug = 1e-6 g');
});

t.test('substance concentration: mol stays a dimension of its own', async (t) => {
  t.same(canonical(5, 'mmol/L'), { value: 5, code: 'mol.m-3' }, '5 mmol/L = 5e-3 mol / 1e-3 m3 = 5 mol.m-3');
  t.same(canonical(5000, 'umol/L'), { value: 5, code: 'mol.m-3' }, '5000 umol/L = 5e-3 mol / 1e-3 m3');
  t.same(canonical(5, 'mmol/L'), canonical(5000, 'umol/L'));
  t.ok(sameDimension('mmol/L', 'nmol/mL'));
  t.notOk(sameDimension('mmol/L', 'mg/dL'), 'substance vs mass concentration: needs a molecular weight');
  t.notOk(sameDimension('mmol/L', '10*9/L'), 'mol is not a plain number here, although UCUM defines it as 6.0221367e23');
  t.notOk(sameDimension('meq/L', 'mmol/L'), 'equivalents need a charge');
  t.same(canonical(1, 'meq/L'), { value: 1, code: 'eq.m-3' }, '1 meq/L = 1e-3 eq / 1e-3 m3');
  t.same(canonical(1, 'ukat/L'), { value: 0.001, code: 'mol.m-3.s-1' }, 'kat = mol/s: 1 ukat/L = 1e-6 mol/s / 1e-3 m3');
  t.ok(sameDimension('U/L', 'ukat/L'), 'U = umol/min');
  t.same(canonical(60, 'U/L'), canonical(1, 'ukat/L'), '60 U/L = 60 umol/min/L = 1 umol/s/L');
});

t.test('mass concentration: mg/dL and g/L agree', async (t) => {
  t.same(canonical(1, 'mg/dL'), { value: 10, code: 'g.m-3' }, '1 mg/dL = 1e-3 g / 1e-4 m3 = 10 g.m-3');
  t.same(canonical(100, 'mg/dL'), canonical(1, 'g/L'), '100 mg/dL = 1 g/L');
  t.ok(sameDimension('mg/dL', 'g/L'));
});

t.test('length and time', async (t) => {
  t.same(canonical(1, 'm'), canonical(100, 'cm'), '1 m = 100 cm');
  t.same(canonical(100, 'cm'), { value: 1, code: 'm' });
  t.same(canonical(1, 'h'), { value: 3600, code: 's' }, '1 h = 60 min = 3600 s');
  t.same(canonical(120, '/min'), { value: 2, code: 's-1' }, '120 /min = 2 /s (1/60 is not exact in binary: rounding)');
});

t.test('pressure: mm[Hg] in kPa', async (t) => {
  const mmHg = canonical(140, 'mm[Hg]');
  const kPa = canonical(1, 'kPa');
  t.ok(mmHg && kPa);
  t.equal(mmHg?.code, 'g.m-1.s-2', 'Pa = kg.m-1.s-2, in grams');
  t.equal(kPa?.value, 1e6, '1 kPa = 1e3 kg.m-1.s-2 = 1e6 g.m-1.s-2');
  // m[Hg] = 133.3220 kPa, so 140 mm[Hg] = 140 * 0.1333220 kPa = 18.66508 kPa
  t.ok(Math.abs(mmHg!.value / kPa!.value - 18.66508) < 1e-6, `140 mm[Hg] = ${mmHg!.value / kPa!.value} kPa`);
  t.ok(sameDimension('mm[Hg]', 'kPa'));
  t.ok(sameDimension('cm[H2O]', 'mm[Hg]'));
});

t.test('different dimensions and invalid codes', async (t) => {
  t.notOk(sameDimension('mg', 'mmol'));
  t.notOk(sameDimension('mg', 'mL'));
  t.notOk(sameDimension('mg', 'not a unit'));
  t.notOk(sameDimension('not a unit', 'not a unit'), 'an invalid code is not comparable even to itself');
  t.equal(canonical(1, 'not a unit'), undefined);
  t.equal(canonical(1, ''), undefined);
  t.equal(canonical(1, 'MG/DL'), undefined, 'UCUM codes are case-sensitive here (c/s form)');
  t.equal(canonical(1, 'mEq/L'), undefined, 'mEq is not UCUM (meq is)');
  t.equal(canonical(1, 'gram'), undefined, 'the library recognises the name "gram" but reports it invalid: not a code');
  t.equal(canonical(1, 'mmHg'), undefined);
  t.equal(canonical(1, 'mg/dL\n'), undefined, 'the library would accept a trailing newline');
  t.equal(canonical(1, '0.g'), undefined, 'a factor of 0: the library would read it as 1');
  t.equal(canonical(1, 'g/0'), undefined);
  t.equal(canonical(1, 'x'.repeat(1000)), undefined);
  t.equal(canonical(Number.NaN, 'mg'), undefined);
  t.equal(canonical(Number.POSITIVE_INFINITY, 'mg'), undefined);
});

t.test('the library does not print to stdout for a code its parser throws on', async (t) => {
  const log = console.log;
  const printed: unknown[] = [];
  console.log = (...args: unknown[]) => void printed.push(args);
  try {
    t.equal(canonical(1, '()'), undefined);
    t.equal(canonical(1, '(())'), undefined);
  } finally {
    console.log = log;
  }
  t.same(printed, []);
  t.equal(console.log, log, 'console.log restored');
});

t.test('special (non-proportional) units are not converted', async (t) => {
  // 37 Cel = 310.15 K is affine, not a factor: such quantities compare only by their own value and code
  t.equal(canonical(37, 'Cel'), undefined);
  t.equal(canonical(98.6, '[degF]'), undefined);
  t.equal(canonical(7.4, '[pH]'), undefined);
  t.equal(canonical(3, 'dB'), undefined);
  t.notOk(sameDimension('Cel', 'K'));
  t.same(canonical(310.15, 'K'), { value: 310.15, code: 'K' }, 'kelvin is a base unit');
});

t.test('dimensionless: %, 1, annotations', async (t) => {
  t.same(canonical(50, '%'), { value: 0.5, code: '1' }, '% = 1e-2');
  t.same(canonical(50, '%'), canonical(0.5, '1'));
  t.ok(sameDimension('%', '{score}'), 'an annotation alone is the unit 1');
  t.same(canonical(48, 'mmol/mol'), { value: 0.048, code: '1' }, 'mol/mol cancels: 48 mmol/mol = 4.8 % (NOT the IFCC-NGSP HbA1c relation)');
});

t.test('counts per volume: 10*9/L, {cells}/uL', async (t) => {
  t.same(canonical(5, '10*9/L'), { value: 5e12, code: 'm-3' }, '5 * 1e9 / 1e-3 m3');
  t.same(canonical(5, '10*9/L'), canonical(5000, '/uL'), '5e9/L = 5e6/mL = 5000/uL');
  t.same(canonical(5000, '{cells}/uL'), canonical(5000, '/uL'), 'annotations carry no meaning in UCUM');
  t.same(canonical(5, '10*9/L'), canonical(5000, '10*6/L'), '5e9 = 5000e6');
});

t.test('arbitrary units keep their own code', async (t) => {
  t.same(canonical(3, '[iU]'), { value: 3, code: '[iU]' });
  t.same(canonical(3, '[iU]/L'), { value: 3, code: '[iU]/L' });
  t.ok(sameDimension('[iU]/L', '[iU]/L'));
  t.notOk(sameDimension('[iU]/L', '[iU]/mL'), 'the library does not convert arbitrary units at all');
  t.notOk(sameDimension('[iU]', '[IU]'), 'nor [IU] to [iU], although UCUM defines [IU] as 1 [iU]');
  t.notOk(sameDimension('[iU]', '1'));
});

t.test('canonical codes are UCUM themselves: canonicalising again changes nothing', async (t) => {
  for (const [value, code] of [[1, 'kg'], [5, 'mmol/L'], [140, 'mm[Hg]'], [1, 'mg/dL'], [50, '%'], [5, '10*9/L'], [1, 'U/L'], [1, 'meq/L'], [2, 'mL/min/{1.73_m2}']] as const) {
    const c = canonical(value, code);
    t.ok(c, code);
    t.same(canonical(c!.value, c!.code), c, `${value} ${code} -> ${c!.value} ${c!.code}`);
  }
});

t.test('memoisation: repeated calls give identical, independent results', async (t) => {
  const first = canonical(5.4, 'mg');
  for (let i = 0; i < 5; i++) t.same(canonical(5.4, 'mg'), first);
  first!.value = 0;
  t.same(canonical(5.4, 'mg'), { value: 0.0054, code: 'g' }, 'a result is a fresh object');
  t.equal(canonical(1, 'Cel'), undefined);
  t.equal(canonical(1, 'Cel'), undefined, 'negative results are memoised too');
  for (let i = 0; i < 25_000; i++) canonical(1, `not a unit ${i}`); // past the bound: the memo is cleared, not grown
  t.same(canonical(5.4, 'mg'), { value: 0.0054, code: 'g' }, 'still right after the memo was cleared');
  t.same(canonical(-2, 'kg'), { value: -2000, code: 'g' });
  t.same(canonical(0, 'kg'), { value: 0, code: 'g' });
});

t.test('commensurability agrees with the library (which knows mol and eq) for convertible codes', async (t) => {
  interface Utils {
    convertUnitTo(from: string, value: number, to: string): { status: string; toVal: number | null };
  }
  const pkg = createRequire(import.meta.url)('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): Utils } };
  const utils = pkg.UcumLhcUtils.getInstance();
  const codes = ['g', 'mg', 'kg', 'mmol', 'mol', 'eq', 'meq', 'osm', 'mmol/L', 'umol/L', 'meq/L', 'mosm/kg', 'mmol/kg', 'mg/dL', 'g/L', '10*9/L', '/uL', '{cells}/uL', '%', '1', 'mmol/mol', 'm', 'cm', '[in_i]', 'h', 's', 'mm[Hg]', 'kPa', 'U/L', 'ukat/L', 'mL/min', 'L', 'kg/m2', '/min', 'Hz'];
  const disagree: string[] = [];
  for (const a of codes) {
    for (const b of codes) {
      const lib = utils.convertUnitTo(a, 7, b);
      if (sameDimension(a, b) !== (lib.status === 'succeeded')) disagree.push(`${a} ~ ${b}: library ${lib.status}`);
      else if (lib.status === 'succeeded') {
        const x = canonical(7, a)!;
        const y = canonical(lib.toVal!, b)!;
        if (Math.abs(x.value - y.value) > 1e-12 * Math.abs(x.value)) disagree.push(`7 ${a} = ${lib.toVal} ${b}: ${x.value} vs ${y.value}`);
      }
    }
  }
  t.same(disagree, [], `${codes.length ** 2} pairs`);
});
