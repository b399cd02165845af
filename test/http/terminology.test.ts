/**
 * Terminology operations (https://hl7.org/fhir/R4/terminology-service.html) on the bundled R4 terminology and
 * on resources the server holds. Expected values: the R4 definitions (administrative-gender has exactly male,
 * female, other and unknown; ConceptMap cm-contact-point-use-v3 maps home to v3 H, equal) and a synthetic
 * care-level code system written here (hierarchy: nivaa > {spesialist > dms, kommune > {kad, hjemmetjeneste}}).
 */
import t from 'tap';
import { call, errorCode, makeApp } from './helpers.ts';

const CS = 'http://helsebro.test/CodeSystem/omsorgsniva';
const codeSystem = {
  resourceType: 'CodeSystem', url: CS, name: 'Omsorgsniva', status: 'active', content: 'complete', hierarchyMeaning: 'is-a',
  concept: [{ code: 'nivaa', display: 'Omsorgsnivå', concept: [
    { code: 'spesialist', display: 'Spesialisthelsetjenesten', concept: [{ code: 'dms', display: 'Distriktsmedisinsk senter' }] },
    { code: 'kommune', display: 'Kommunehelsetjenesten', concept: [{ code: 'kad', display: 'Kommunal akutt døgnenhet' }, { code: 'hjemmetjeneste', display: 'Hjemmetjenester' }] },
  ] }],
};
const kommunal = { resourceType: 'ValueSet', url: 'http://helsebro.test/ValueSet/kommunal', status: 'active',
  compose: { include: [{ system: CS, filter: [{ property: 'concept', op: 'descendent-of', value: 'kommune' }] }] } };
const params = (res: { json: () => any }) => Object.fromEntries(res.json().parameter.map((p: any) => [p.name, p.valueString ?? p.valueBoolean ?? p.valueCode]));

async function app(t: Parameters<typeof makeApp>[0]) {
  const a = await makeApp(t);
  t.equal((await call(a, { method: 'POST', url: '/fhir/CodeSystem', body: codeSystem })).statusCode, 201);
  t.equal((await call(a, { method: 'POST', url: '/fhir/ValueSet', body: kommunal })).statusCode, 201);
  return a;
}

t.test('$expand of a bundled value set (GET) and of a held one with a hierarchy filter', async (t) => {
  const a = await app(t);
  const gender = await call(a, { url: '/fhir/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender' });
  t.equal(gender.statusCode, 200);
  t.same(gender.json().expansion.contains.map((c: any) => c.code).sort(), ['female', 'male', 'other', 'unknown']);
  t.equal(gender.json().expansion.total, 4);
  const mine = await call(a, { url: `/fhir/ValueSet/$expand?url=${kommunal.url}` });
  t.same(mine.json().expansion.contains.map((c: any) => c.code), ['kad', 'hjemmetjeneste'], 'descendent-of leaves kommune itself out');
  const paged = await call(a, { url: '/fhir/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&filter=ale&count=1&offset=1' });
  const e = paged.json().expansion;
  t.same([e.total, e.offset, e.contains.length], [2, 1, 1], 'filter (male, female), then the second page of one');
  const inline = await call(a, { method: 'POST', url: '/fhir/ValueSet/$expand', body: { resourceType: 'Parameters', parameter: [{ name: 'valueSet', resource: {
    resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: CS, filter: [{ property: 'concept', op: 'is-a', value: 'spesialist' }] }], exclude: [{ system: CS, concept: [{ code: 'spesialist' }] }] } } }] } });
  t.same(inline.json().expansion.contains.map((c: any) => c.code), ['dms'], 'is-a minus an exclude');
});

t.test('$lookup, $validate-code, $subsumes', async (t) => {
  const a = await app(t);
  const look = await call(a, { url: `/fhir/CodeSystem/$lookup?system=${CS}&code=kad` });
  t.equal(look.statusCode, 200);
  t.same(params(look).display, 'Kommunal akutt døgnenhet');
  t.ok(look.json().parameter.some((p: any) => p.name === 'property' && p.part[1].valueCode === 'kommune'), 'parent property');
  t.equal(errorCode(await call(a, { url: `/fhir/CodeSystem/$lookup?system=${CS}&code=sykehus` })), 'FHIR_CODE_UNKNOWN');
  const inVs = await call(a, { url: `/fhir/ValueSet/$validate-code?url=${kommunal.url}&system=${CS}&code=kad` });
  t.same(params(inVs).result, true);
  const notInVs = await call(a, { url: `/fhir/ValueSet/$validate-code?url=${kommunal.url}&system=${CS}&code=dms` });
  t.same([notInVs.statusCode, params(notInVs).result], [200, false]);
  const wrongDisplay = await call(a, { url: `/fhir/CodeSystem/$validate-code?url=${CS}&code=kad&display=Legevakt` });
  t.same(params(wrongDisplay).result, false);
  t.match(params(wrongDisplay).message, /is not the display/);
  const sub = async (x: string, y: string) => params(await call(a, { url: `/fhir/CodeSystem/$subsumes?system=${CS}&codeA=${x}&codeB=${y}` })).outcome;
  t.same([await sub('kommune', 'kad'), await sub('kad', 'kommune'), await sub('kad', 'kad'), await sub('kad', 'dms')], ['subsumes', 'subsumed-by', 'equivalent', 'not-subsumed']);
});

t.test('$translate with a bundled ConceptMap', async (t) => {
  const a = await app(t);
  const res = await call(a, { method: 'POST', url: '/fhir/ConceptMap/$translate', body: { resourceType: 'Parameters', parameter: [
    { name: 'url', valueUri: 'http://hl7.org/fhir/ConceptMap/cm-contact-point-use-v3' }, { name: 'system', valueUri: 'http://hl7.org/fhir/contact-point-use' }, { name: 'code', valueCode: 'home' }] } });
  t.equal(res.statusCode, 200);
  const match = res.json().parameter.find((p: any) => p.name === 'match');
  t.same(match.part.find((x: any) => x.name === 'concept').valueCoding, { system: 'http://terminology.hl7.org/CodeSystem/v3-AddressUse', code: 'H' });
  t.same(match.part.find((x: any) => x.name === 'equivalence').valueCode, 'equal');
  const none = await call(a, { url: '/fhir/ConceptMap/$translate?system=http://hl7.org/fhir/contact-point-use&code=nope' });
  t.same(params(none).result, false);
});

t.test('errors: a code system not held in full, a missing parameter, $validate by GET', async (t) => {
  const a = await app(t);
  const snomed = await call(a, { method: 'POST', url: '/fhir/ValueSet/$expand', body: { resourceType: 'Parameters', parameter: [{ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: 'http://snomed.info/sct' }] } } }] } });
  t.same([snomed.statusCode, errorCode(snomed)], [422, 'FHIR_TERMINOLOGY_UNAVAILABLE']);
  t.equal((await call(a, { url: '/fhir/ValueSet/$expand' })).statusCode, 400);
  t.equal((await call(a, { url: '/fhir/Patient/$validate' })).statusCode, 405);
  t.equal((await call(a, { url: '/fhir/Patient/$expand' })).statusCode, 404, '$expand is not an operation of Patient');
});

t.test('the CapabilityStatement lists each type\'s operations', async (t) => {
  const a = await makeApp(t);
  const cs = (await call(a, { url: '/fhir/metadata' })).json();
  const ops = (type: string) => cs.rest[0].resource.find((r: any) => r.type === type).operation.map((o: any) => o.name);
  t.same(ops('ValueSet'), ['validate', 'expand', 'validate-code']);
  t.same(ops('CodeSystem'), ['validate', 'lookup', 'validate-code', 'subsumes']);
  t.same(ops('ConceptMap'), ['validate', 'translate']);
  t.same(ops('Patient'), ['validate']);
});
