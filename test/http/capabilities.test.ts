// /metadata is generated from the route table. Spec: https://hl7.org/fhir/R4/capabilitystatement.html
import t from 'tap';
import { ROUTES } from '../../src/fhir/routes.ts';
import { R4_RESOURCE_TYPES } from '../../src/fhir/r4-resource-types.ts';
import { call, makeApp } from './helpers.ts';

t.test('the CapabilityStatement lists every R4 type with exactly the interactions the router has', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { url: '/fhir/metadata' });
  t.equal(res.statusCode, 200);
  const cs = res.json();
  t.equal(cs.resourceType, 'CapabilityStatement');
  t.equal(cs.fhirVersion, '4.0.1');
  t.equal(cs.kind, 'instance');
  const rest = cs.rest[0];
  t.equal(rest.resource.length, R4_RESOURCE_TYPES.length);
  t.equal(R4_RESOURCE_TYPES.length, 146, 'R4 4.0.1 has 146 concrete resource types');
  const typeCodes = new Set(ROUTES.flatMap((r) => (r.interaction?.level === 'type' ? [r.interaction.code] : [])));
  const patientRes = rest.resource.find((r: any) => r.type === 'Patient');
  t.same(new Set(patientRes.interaction.map((i: any) => i.code)), typeCodes);
  t.same(rest.interaction.map((i: any) => i.code).sort(), ['batch', 'history-system', 'search-system', 'transaction']);
  t.equal(patientRes.conditionalDelete, 'single');
  const names = patientRes.searchParam.map((p: any) => p.name);
  for (const n of ['_id', '_lastUpdated', '_tag', '_profile', 'identifier', 'name', 'family', 'birthdate', 'general-practitioner', 'address-city']) {
    t.ok(names.includes(n), `Patient declares ${n}`);
  }
  for (const n of ['_text', '_content', '_query']) t.notOk(names.includes(n), `special parameter ${n} is not claimed`);
  t.ok(rest.resource.find((r: any) => r.type === 'Location').searchParam.some((p: any) => p.name === 'near' && p.type === 'special'), 'Location declares near');
  t.same(rest.operation.map((o: any) => o.name), ['reindex'], 'the system operations the router dispatches');
  t.equal((await call(app, { method: 'POST', url: '/fhir/$reindex' })).statusCode, 200, '$reindex answers');
  t.same(patientRes.searchInclude, ['*']);
  const binary = rest.resource.find((r: any) => r.type === 'Binary');
  t.notOk(binary.searchParam.some((p: any) => p.name === 'identifier'), 'Binary has no identifier parameter');
});

t.test('every interaction the statement claims answers on the router (no 404/405)', async (t) => {
  const app = await makeApp(t);
  const probes: Record<string, { method: any; url: string }> = {
    read: { method: 'GET', url: '/fhir/Patient/x' },
    vread: { method: 'GET', url: '/fhir/Patient/x/_history/1' },
    update: { method: 'PUT', url: '/fhir/Patient/x' },
    patch: { method: 'PATCH', url: '/fhir/Patient/x' },
    delete: { method: 'DELETE', url: '/fhir/Patient/x' },
    'history-instance': { method: 'GET', url: '/fhir/Patient/x/_history' },
    'history-type': { method: 'GET', url: '/fhir/Patient/_history' },
    create: { method: 'POST', url: '/fhir/Patient' },
    'search-type': { method: 'GET', url: '/fhir/Patient' },
  };
  const cs = (await call(app, { url: '/fhir/metadata' })).json();
  for (const { code } of cs.rest[0].resource[0].interaction) {
    const p = probes[code];
    t.ok(p, `a probe for ${code}`);
    const res = await call(app, p);
    t.not(res.statusCode, 405, code);
    t.notOk(res.statusCode === 404 && res.json().issue?.[0]?.code === 'not-supported', `${code} is routed`);
  }
});
