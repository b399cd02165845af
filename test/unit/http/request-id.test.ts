import t from 'tap';
import { RequestIds } from '../../../src/http/request-id.ts';
import { ID_PATTERN } from '../../../src/store/serialise.ts';

t.test('server-made request ids are valid FHIR ids, unique within a process and across processes', async (t) => {
  const a = new RequestIds();
  const b = new RequestIds();
  const seen = new Set<string>();
  const invalid: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const id = a.next();
    if (!ID_PATTERN.test(id)) invalid.push(id);
    seen.add(id);
  }
  t.same(invalid, [], 'every id matches [A-Za-z0-9\\-.]{1,64}');
  t.equal(seen.size, 10_000, 'no repeats within one generator');
  t.not(a.next().split('-')[0], b.next().split('-')[0], 'two generators (two processes) draw different prefixes');
});

t.test('the counter part follows the prefix in base 36', async (t) => {
  const ids = new RequestIds('abc');
  t.equal(ids.next(), 'abc-1');
  for (let i = 2; i < 36; i++) ids.next();
  t.equal(ids.next(), 'abc-10', 'the 36th id is 10 in base 36');
});
