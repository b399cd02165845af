// String folding and the Norwegian sort key (src/search/fold.ts). Matching: https://hl7.org/fhir/R4/search.html#string
// ("case-insensitive and accent-insensitive"); the issue fixes å -> a while æ and ø stay letters. Order:
// Norwegian alphabet (Språkrådet), a-z then æ, ø, å.
import t from 'tap';
import { fold, prefixUpperBound, sortKey } from '../../../src/search/fold.ts';

t.test('fold: case and combining marks go, æ and ø stay letters', async (t) => {
  t.equal(fold('Åse'), 'ase', 'Å decomposes to A + ring above; the ring is dropped');
  t.equal(fold('José'), 'jose');
  t.equal(fold('Müller'), 'muller');
  t.equal(fold('Zoë'), 'zoe');
  t.equal(fold('Ærlig'), 'ærlig', 'æ has no decomposition: it stays');
  t.equal(fold('Ødegård'), 'ødegard', 'ø stays, å folds');
  t.equal(fold('NORDMANN'), 'nordmann');
  t.equal(fold('A\u030Asheim'), 'asheim', 'already decomposed input folds the same');
});

t.test('sortKey: Norwegian order, case-insensitive, accents ignored, æ < ø < å after z', async (t) => {
  const names = ['Åsheim', 'Ødegård', 'Ærlig', 'Zahl', 'aas', 'Bråten', 'Berg', 'Élise', 'Olsen', 'ole'];
  const sorted = [...names].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  t.same(sorted, ['aas', 'Berg', 'Bråten', 'Élise', 'ole', 'Olsen', 'Zahl', 'Ærlig', 'Ødegård', 'Åsheim']);
  t.ok(sortKey('Bråten') > sortKey('Braz'), 'inside a word too: å sorts after z (Bråten after Braz)');
  t.equal(sortKey('Ä'), sortKey('Æ'), 'Swedish ä sorts as æ');
  t.equal(sortKey('Ö'), sortKey('Ø'), 'Swedish ö sorts as ø');
});

t.test('prefixUpperBound: the first string after every extension of the prefix', async (t) => {
  t.equal(prefixUpperBound('ols'), 'olt');
  t.equal(prefixUpperBound('ø'), 'ù', 'ø (U+00F8) + 1 = U+00F9');
  t.equal(prefixUpperBound(''), undefined);
  for (const s of ['ols', 'olsen', 'olsz', 'ols\u00ff']) t.ok(s >= 'ols' && s < prefixUpperBound('ols')!, `${s} is inside [ols, olt)`);
  t.notOk('olt' < prefixUpperBound('ols')!, 'olt is outside');
});
