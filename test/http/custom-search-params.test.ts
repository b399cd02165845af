// SearchParameter resources created at run time (issue 4, item 1; https://hl7.org/fhir/R4/searchparameter.html):
// pending (FHIR_PARAM_NOT_READY) until $reindex has indexed the resources stored before them, then searchable;
// the bundled no-basis middlename parameter is built in. The registry is per process: codes here are unique.
import t from 'tap';
import { call, errorCode, makeApp, patient } from './helpers.ts';

const COLOUR = 'http://helsebro.test/StructureDefinition/favourite-colour';
const param = (code: string, expression: string) => ({
  resourceType: 'SearchParameter', url: `http://helsebro.test/SearchParameter/${code}`, name: code, status: 'active',
  description: 'test', code, base: ['Patient'], type: 'string', expression,
});

for (const store of ['memory', 'sqlite'] as const) {
  t.test(`${store}: a new SearchParameter is refused as not ready until $reindex, then finds old and new resources`, async (t) => {
    const app = await makeApp(t, store === 'sqlite' ? { store: { kind: 'sqlite', file: ':memory:' } } : {});
    const code = `colour-${store}`;
    const before = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ extension: [{ url: COLOUR, valueString: 'Blå' }] }) });
    t.equal(before.statusCode, 201);
    t.equal((await call(app, { url: `/fhir/Patient?${code}=bla` })).statusCode, 400, 'unknown before the SearchParameter exists');
    const sp = await call(app, { method: 'POST', url: '/fhir/SearchParameter', body: param(code, `Patient.extension.where(url='${COLOUR}').value`) });
    t.equal(sp.statusCode, 201);
    const early = await call(app, { url: `/fhir/Patient?${code}=bla` });
    t.equal(early.statusCode, 409);
    t.equal(errorCode(early), 'FHIR_PARAM_NOT_READY', 'not ready rather than a wrong (empty) answer');

    const re = await call(app, { method: 'POST', url: '/fhir/$reindex' });
    t.equal(re.statusCode, 200);
    const out = re.json();
    t.equal(out.resourceType, 'Parameters');
    t.ok(out.parameter.find((p: any) => p.name === 'count').valueInteger >= 1);
    t.ok(out.parameter.some((p: any) => p.name === 'ready' && p.valueUri === `http://helsebro.test/SearchParameter/${code}`));

    const after = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ extension: [{ url: COLOUR, valueString: 'blåbær' }] }) });
    const found = await call(app, { url: `/fhir/Patient?${code}=bla` });
    t.equal(found.statusCode, 200);
    t.same(found.json().entry.map((e: any) => e.resource.id).sort(), [before.json().id, after.json().id].sort(), 'the resource from before (reindexed) and the one written after');
    t.equal((await call(app, { url: `/fhir/Patient?${code}:exact=Blå` })).json().total, 1, 'string modifiers apply');

    // Changing the expression makes it pending again
    const changed = await call(app, { method: 'PUT', url: `/fhir/SearchParameter/${sp.json().id}`, body: { ...param(code, `Patient.extension.where(url='${COLOUR}x').value`), id: sp.json().id } });
    t.equal(changed.statusCode, 200);
    t.equal(errorCode(await call(app, { url: `/fhir/Patient?${code}=bla` })), 'FHIR_PARAM_NOT_READY');
    // Deleting it removes the parameter
    await call(app, { method: 'DELETE', url: `/fhir/SearchParameter/${sp.json().id}` });
    t.equal(errorCode(await call(app, { url: `/fhir/Patient?${code}=bla` })), 'FHIR_PARAM_UNKNOWN');
  });
}

t.test('the no-basis middlename parameter is built in (profiles/no-basis)', async (t) => {
  const app = await makeApp(t);
  const mid = 'http://hl7.no/fhir/StructureDefinition/no-basis-middlename';
  const p = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ name: [{ family: 'Nordmann', given: ['Kari'], extension: [{ url: mid, valueString: 'Løvlien' }] }] }) });
  t.equal(p.statusCode, 201);
  const res = await call(app, { url: '/fhir/Patient?middlename=lovl' });
  t.equal(res.statusCode, 200);
  t.equal(res.json().total, 0, 'ø is a letter of its own: lovl does not find Løvlien');
  t.same((await call(app, { url: '/fhir/Patient?middlename=l%C3%B8vl' })).json().entry.map((e: any) => e.resource.id), [p.json().id]);
});

t.test('$reindex takes type parameters and refuses unknown types', async (t) => {
  const app = await makeApp(t);
  await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() });
  const res = await call(app, { method: 'POST', url: '/fhir/$reindex', body: { resourceType: 'Parameters', parameter: [{ name: 'type', valueCode: 'Patient' }] } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().parameter[0].valueInteger, 1);
  t.equal((await call(app, { method: 'POST', url: '/fhir/$reindex?type=Nope' })).statusCode, 400);
  t.equal((await call(app, { method: 'POST', url: '/fhir/$nope' })).statusCode, 404);
});

t.test('a SearchParameter written in a transaction Bundle is known afterwards; other Bundles do not reload the parameters', async (t) => {
  const app = await makeApp(t, { store: { kind: 'sqlite', file: ':memory:' } });
  const code = 'colour-bundle';
  const tx = (entries: object[]) => call(app, { method: 'POST', url: '/fhir', body: { resourceType: 'Bundle', type: 'transaction', entry: entries } });
  t.equal((await tx([{ resource: patient(), request: { method: 'POST', url: 'Patient' } }])).statusCode, 200);
  t.equal(errorCode(await call(app, { url: `/fhir/Patient?${code}=bla` })), 'FHIR_PARAM_UNKNOWN');
  const res = await tx([{ resource: param(code, `Patient.extension.where(url='${COLOUR}').value`), request: { method: 'POST', url: 'SearchParameter' } }]);
  t.equal(res.statusCode, 200);
  t.equal(errorCode(await call(app, { url: `/fhir/Patient?${code}=bla` })), 'FHIR_PARAM_NOT_READY', 'known (pending) right after the Bundle');
});
