// The core search parameters: _id, _lastUpdated, identifier, with _count paging and strict/lenient handling.
// Spec: https://hl7.org/fhir/R4/search.html
import t from 'tap';
import { call, errorCode, FNR_SYSTEM, makeApp, patient, SYNTHETIC_FNR } from './helpers.ts';

for (const store of [{ kind: 'memory' as const }, { kind: 'sqlite' as const, file: ':memory:' }]) {
  t.test(`${store.kind}: _id, identifier (system|value, |value, value, system|), _lastUpdated`, async (t) => {
    const app = await makeApp(t, { store });
    const a = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ identifier: [{ system: FNR_SYSTEM, value: SYNTHETIC_FNR[0] }] }) })).json();
    const b = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ identifier: [{ value: SYNTHETIC_FNR[1] }] }) })).json();
    const ids = (url: string) => call(app, { url }).then((r) => r.json().entry?.map((e: any) => e.resource.id).sort() ?? []);
    t.same(await ids(`/fhir/Patient?_id=${a.id}`), [a.id]);
    t.same(await ids(`/fhir/Patient?_id=${a.id},${b.id}`), [a.id, b.id].sort());
    t.same(await ids(`/fhir/Patient?identifier=${FNR_SYSTEM}|${SYNTHETIC_FNR[0]}`), [a.id]);
    t.same(await ids(`/fhir/Patient?identifier=${SYNTHETIC_FNR[1]}`), [b.id], 'value alone: any system');
    t.same(await ids(`/fhir/Patient?identifier=|${SYNTHETIC_FNR[1]}`), [b.id], '|value: no system');
    t.same(await ids(`/fhir/Patient?identifier=|${SYNTHETIC_FNR[0]}`), [], '|value does not match a value with a system');
    t.same(await ids(`/fhir/Patient?identifier=${FNR_SYSTEM}|`), [a.id], 'system|: any value in that system');
    t.same(await ids(`/fhir/Patient?_lastUpdated=gt${encodeURIComponent(a.meta.lastUpdated)}`), [b.id]);
    t.same(await ids(`/fhir/Patient?_lastUpdated=le${encodeURIComponent(a.meta.lastUpdated)}`), [a.id]);
    t.same(await ids(`/fhir/Patient?_lastUpdated=${a.meta.lastUpdated.slice(0, 4)}`), [a.id, b.id].sort(), 'a year covers both');
    t.same(await ids(`/fhir/Observation?_id=${a.id}`), [], 'ids are per type');
  });
}

t.test('_count pages with next and previous links; _summary=count returns only the total', async (t) => {
  const app = await makeApp(t);
  for (let i = 0; i < 5; i++) await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() });
  const first = (await call(app, { url: '/fhir/Patient?_count=2&_sort=_lastUpdated' })).json();
  t.equal(first.type, 'searchset');
  t.equal(first.total, 5);
  t.equal(first.entry.length, 2);
  t.equal(first.entry[0].search.mode, 'match');
  const seen = first.entry.map((e: any) => e.resource.id);
  let next = first.link.find((l: any) => l.relation === 'next')?.url;
  while (next) {
    const page = (await call(app, { url: next.replace('http://test', '') })).json();
    seen.push(...page.entry.map((e: any) => e.resource.id));
    t.ok(page.link.find((l: any) => l.relation === 'previous'), 'later pages link back');
    next = page.link.find((l: any) => l.relation === 'next')?.url;
  }
  t.equal(new Set(seen).size, 5, 'paging visits every match once');
  const count = (await call(app, { url: '/fhir/Patient?_summary=count' })).json();
  t.equal(count.total, 5);
  t.notOk(count.entry);
});

t.test('an unknown parameter is 400; with Prefer handling=lenient it is reported in the Bundle and left out of the self link', async (t) => {
  const app = await makeApp(t);
  await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() });
  const strict = await call(app, { url: '/fhir/Patient?famliy=Ødegård' });
  t.equal(strict.statusCode, 400);
  t.equal(errorCode(strict), 'FHIR_PARAM_UNKNOWN');
  t.match(strict.json().issue[0].diagnostics, /famliy/);
  const lenient = await call(app, { url: '/fhir/Patient?famliy=x&_id=nobody', headers: { prefer: 'handling=lenient' } });
  t.equal(lenient.statusCode, 200);
  const bundle = lenient.json();
  const oo = bundle.entry.find((e: any) => e.search?.mode === 'outcome');
  t.equal(oo.resource.resourceType, 'OperationOutcome');
  t.equal(oo.resource.issue[0].severity, 'warning');
  const self = bundle.link.find((l: any) => l.relation === 'self').url;
  t.notMatch(self, /famliy/);
  t.match(self, /_id=nobody/);
  const invalid = await call(app, { url: '/fhir/Patient?_lastUpdated=gt2026-13-01' });
  t.equal(invalid.statusCode, 400);
  t.equal(errorCode(invalid), 'FHIR_PARAM_INVALID');
  // with microsecond digits (taken exactly) the date is still checked: no 500, no 31 February
  for (const v of ['gt2026-13-01T00:00:00.1234Z', 'gt2026-02-31T00:00:00.123456Z']) {
    const bad = await call(app, { url: `/fhir/Patient?_lastUpdated=${v}` });
    t.equal(bad.statusCode, 400, v);
    t.equal(errorCode(bad), 'FHIR_PARAM_INVALID', v);
  }
});

t.test('POST _search with a form body searches like GET', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
  const res = await app.inject({ method: 'POST', url: '/fhir/Patient/_search', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `_id=${id}` });
  t.equal(res.statusCode, 200);
  t.equal(res.json().total, 1);
});

t.test('an R4 parameter not supported yet is told apart from a misspelled one (both refused)', async (t) => {
  const app = await makeApp(t);
  const known = await call(app, { url: '/fhir/Patient?_content=Hansen' });
  t.equal(known.statusCode, 400);
  t.match(known.json().issue[0].diagnostics, /_content has no expression to index \(a special parameter\); not supported yet/);
  const typo = await call(app, { url: '/fhir/Patient?nmae=Hansen' });
  t.equal(typo.statusCode, 400);
  t.match(typo.json().issue[0].diagnostics, /not a search parameter of Patient/);
});

t.test('_summary and _elements return marked subsets (search.html#summary, #elements)', async (t) => {
  const app = await makeApp(t);
  await call(app, { method: 'PUT', url: '/fhir/Patient/p1', body: patient({ id: 'p1', maritalStatus: { text: 'gift' }, multipleBirthBoolean: false, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Åse</div>' } }) });
  await call(app, { method: 'PUT', url: '/fhir/Observation/o1', body: { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'Hb' }, subject: { reference: 'Patient/p1' }, valueQuantity: { value: 13 }, note: [{ text: 'x' }] } });
  const first = async (url: string) => (await call(app, { url })).json().entry[0].resource;
  const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

  // R4 Patient: identifier, name, gender, birthDate are isSummary; maritalStatus, multipleBirth[x] and text are not
  const summary = await first('/fhir/Patient?_id=p1&_summary=true');
  t.same(Object.keys(summary).sort(), ['birthDate', 'gender', 'id', 'identifier', 'meta', 'name', 'resourceType']);
  t.match(summary.meta.tag, [SUBSETTED], 'marked SUBSETTED');
  const text = await first('/fhir/Patient?_id=p1&_summary=text');
  t.same(Object.keys(text).sort(), ['id', 'meta', 'resourceType', 'text'], 'Patient has no mandatory elements');
  const data = await first('/fhir/Patient?_id=p1&_summary=data');
  t.notOk('text' in data);
  t.ok('maritalStatus' in data && 'multipleBirthBoolean' in data);
  // _elements keeps the listed elements and the mandatory ones (Observation.status and code are 1..1)
  const el = await first('/fhir/Observation?_id=o1&_elements=subject');
  t.same(Object.keys(el).sort(), ['code', 'id', 'meta', 'resourceType', 'status', 'subject']);
  const choice = await first('/fhir/Observation?_id=o1&_elements=value[x]');
  t.same(choice.valueQuantity, { value: 13 }, 'a choice element is named with [x]');
  const full = await first('/fhir/Observation?_id=o1');
  t.notOk(full.meta.tag, 'without _summary/_elements nothing is subsetted');
  t.equal((await call(app, { url: '/fhir/Patient?_summary=maybe' })).statusCode, 400);
});

t.test('paging links stay correct while other clients create, update and delete matching resources (keyset cursors in id order)', async (t) => {
  for (const store of ['memory', 'sqlite'] as const) {
    const app = await makeApp(t, store === 'sqlite' ? { store: { kind: 'sqlite', file: ':memory:' } } : {});
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ gender: 'other' }) })).json().id);
    ids.sort();
    const [updated, deleted] = [ids[6], ids[4]]; // both on pages not read yet when they change
    const created: string[] = [];
    const seen: string[] = [];
    let url: string | undefined = '/fhir/Patient?gender=other&_count=3';
    const pages: any[] = [];
    while (url) {
      const page: any = (await call(app, { url })).json();
      pages.push(page);
      seen.push(...page.entry.map((e: any) => e.resource.id));
      if (pages.length === 1) {
        // another client writes between the first and the second page request
        await call(app, { method: 'PUT', url: `/fhir/Patient/${updated}`, body: patient({ id: updated, gender: 'other', active: false }) });
        await call(app, { method: 'DELETE', url: `/fhir/Patient/${deleted}` });
        created.push((await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ gender: 'other' }) })).json().id);
      }
      url = page.link.find((l: any) => l.relation === 'next')?.url?.replace('http://test', '');
      t.ok(pages.length < 10, 'paging ends');
      if (pages.length >= 10) break;
    }
    const expected = [...ids.filter((id) => id !== deleted), ...created].sort();
    t.same(seen, expected, `${store}: every match exactly once in id order: the updated one in its place, the deleted one gone without a skip, the new one at the end`);
    t.equal(pages[0].total, 8, `${store}: the total of the first page`);
    t.match(pages[0].link.find((l: any) => l.relation === 'next').url, /_after=/, 'next is a keyset cursor');
    t.notOk(pages[0].link.find((l: any) => l.relation === 'previous'), 'the first page has no previous');
    // walk back from the last page with the previous links
    const back: string[] = [];
    let prev: string | undefined = pages.at(-1).link.find((l: any) => l.relation === 'previous')?.url?.replace('http://test', '');
    while (prev) {
      const page: any = (await call(app, { url: prev })).json();
      back.unshift(...page.entry.map((e: any) => e.resource.id));
      prev = page.link.find((l: any) => l.relation === 'previous')?.url?.replace('http://test', '');
      if (back.length > 20) break;
    }
    t.same([...back, ...pages.at(-1).entry.map((e: any) => e.resource.id)], expected, `${store}: previous links walk back over the same matches`);
    const bad = await call(app, { url: '/fhir/Patient?_after=x&_sort=birthdate' });
    t.equal(bad.statusCode, 400, 'a cursor with _sort is refused');
    t.equal(errorCode(bad), 'FHIR_PARAM_INVALID');
  }
});

t.test('concurrent searches and transactions on the SQLite store never collide on the shared reader (no 500)', async (t) => {
  const app = await makeApp(t, { store: { kind: 'sqlite', file: ':memory:' } });
  const bundle = (i: number) => ({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [0, 1, 2].map((k) => ({ fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i * 10 + k).padStart(12, '0')}`, resource: patient({ birthDate: `19${50 + k}-01-0${1 + (i % 9)}` }), request: { method: 'POST', url: 'Patient' } })),
  });
  const calls = [];
  for (let i = 0; i < 24; i++) {
    calls.push(call(app, { method: 'POST', url: '/fhir', body: bundle(i) }));
    calls.push(call(app, { url: '/fhir/Patient?birthdate=ge1950-01-01&birthdate=lt1960-01-01&_count=5' }));
    calls.push(call(app, { url: '/fhir/Patient?gender=female&_count=5' }));
  }
  const statuses = (await Promise.all(calls)).map((r) => r.statusCode);
  t.same([...new Set(statuses)], [200], 'every transaction and search answered 200');
  const count = (await call(app, { url: '/fhir/Patient?birthdate=ge1950-01-01&birthdate=lt1960-01-01&_summary=count' })).json();
  t.equal(count.total, 72, 'and every created Patient is found');
});
