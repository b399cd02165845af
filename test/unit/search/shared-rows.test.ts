// Shared string rows (src/search/shared-rows.ts): Patient name, family, given, phonetic and the address
// parameters index the same HumanName/Address parts (their R4 expressions: Patient.name, Patient.name.family,
// Patient.address, Patient.address.city, ...), so each part is stored once and every parameter finds it.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import Database from 'better-sqlite3';
import { extractRows } from '../../../src/search/extract.ts';
import { parseSearch } from '../../../src/search/parse.ts';
import { setCustomParameters } from '../../../src/search/registry.ts';
import { isSilent, keysOf } from '../../../src/search/shared-rows.ts';
import { MemoryRepository } from '../../../src/store/memory/repository.ts';
import { SqliteRepository } from '../../../src/store/sqlite/repository.ts';

const kari = {
  resourceType: 'Patient',
  id: 'kari',
  name: [{ family: 'Ødegård', given: ['Kari', 'Anne'] }],
  address: [{ line: ['Storgata 1'], city: 'Tromsø', postalCode: '9008', country: 'NO' }],
} as Resource;

t.test('a Patient stores each name and address part once', async (t) => {
  const rows = extractRows(kari).string.map((r) => `${r.param}=${r.value}`);
  t.same(rows.sort(), [
    'address#city=Tromsø', 'address#country=NO', 'address#line=Storgata 1', 'address#postalCode=9008',
    'name#family=Ødegård', 'name#given=Anne', 'name#given=Kari',
  ], '7 rows, where one row per parameter and value would be 16');
  t.ok(isSilent('Patient', 'family') && isSilent('Patient', 'phonetic') && isSilent('Patient', 'address-city'));
  t.notOk(isSilent('Patient', 'name'));
  t.same(keysOf('Patient', 'family'), ['family', 'name#family'], 'its own code first: rows written before sharing');
  t.same(keysOf('Patient', 'birthdate'), ['birthdate'], 'other parameters are their code');
});

t.test('every parameter finds its values, on both stores, also in rows written before sharing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-shared-'));
  const file = join(dir, 's.db');
  const sqlite = await SqliteRepository.open({ file });
  const memory = new MemoryRepository();
  await sqlite.update(kari);
  await memory.update(kari);
  const ids = async (query: string) => {
    const { plan } = parseSearch('Patient', new URLSearchParams(query), { lenient: false, defaultCount: 10, maxCount: 10 });
    const [a, b] = [await sqlite.search(plan), await memory.search(plan)];
    t.same(a.entries.map((e) => e.id), b.entries.map((e) => e.id), `${query}: the stores agree`);
    return a.entries.map((e) => e.id);
  };
  const queries = ['family=ødeg', 'given=anne', 'name=anne', 'name=tromsø', 'phonetic=kari', 'address=tromsø', 'address=9008', 'address-city=tromsø',
    'address-postalcode=9008', 'family:exact=Ødegård', 'family:missing=false', 'address-state:missing=true', '_sort=family'];
  for (const q of queries) t.same(await ids(q), q === 'name=tromsø' ? [] : ['kari'], q);
  await sqlite.close();
  // Rows as this store wrote them before sharing: one per parameter and value
  const db = new Database(file);
  db.exec(`DELETE FROM idx_string WHERE id = 'kari'`);
  const legacy = db.prepare(`INSERT INTO idx_string (type, id, param, value, folded, sort, grp) VALUES ('Patient', 'kari', ?, ?, ?, ?, NULL)`);
  for (const [param, value] of [['name', 'Ødegård'], ['name', 'Kari'], ['family', 'Ødegård'], ['given', 'Kari'], ['phonetic', 'Kari'], ['address', 'Tromsø'], ['address-city', 'Tromsø'], ['address', '9008'], ['address-postalcode', '9008']]) {
    legacy.run(param, value, value.toLowerCase(), value.toLowerCase());
  }
  db.close();
  const reopened = await SqliteRepository.open({ file });
  t.teardown(async () => {
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const q of ['family=ødeg', 'given=kari', 'name=kari', 'phonetic=kari', 'address-city=tromsø', 'address=9008']) {
    const { plan } = parseSearch('Patient', new URLSearchParams(q), { lenient: false, defaultCount: 10, maxCount: 10 });
    t.same((await reopened.search(plan)).entries.map((e) => e.id), ['kari'], `${q}: found in a legacy row`);
  }
});

t.test('a stored SearchParameter that replaces a shared one writes and searches rows of its own', async (t) => {
  t.teardown(() => setCustomParameters([]));
  setCustomParameters([{ url: 'http://helsebro.test/sp/family', code: 'family', base: ['Patient'], type: 'string', expression: 'Patient.name.given' }]);
  t.notOk(isSilent('Patient', 'family'), 'the replacement writes its own rows');
  t.same(keysOf('Patient', 'family'), ['family'], 'and searches only them');
  t.ok(isSilent('Patient', 'given'), 'name is still built in: given stays shared');
  const rows = extractRows(kari).string.map((r) => `${r.param}=${r.value}`);
  t.ok(rows.includes('family=Kari') && rows.includes('name#family=Ødegård'), 'name still stores every part; family stores what its expression finds');
});
