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
