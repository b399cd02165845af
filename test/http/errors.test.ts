// Every error path answers a coded OperationOutcome with the request id. Spec: https://hl7.org/fhir/R4/http.html
// (status codes) and https://hl7.org/fhir/R4/operationoutcome.html
import t from 'tap';
import { call, errorCode, makeApp, patient } from './helpers.ts';

t.test('malformed JSON is 400 FHIR_INVALID_JSON', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { method: 'POST', url: '/fhir/Patient', body: '{"resourceType": "Patient", ' });
  t.equal(res.statusCode, 400);
  t.equal(errorCode(res), 'FHIR_INVALID_JSON');
  t.equal(res.json().resourceType, 'OperationOutcome');
});

t.test('a body whose type does not match the URL is 400 FHIR_TYPE_MISMATCH', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { method: 'POST', url: '/fhir/Patient', body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } });
  t.equal(res.statusCode, 400);
  t.equal(errorCode(res), 'FHIR_TYPE_MISMATCH');
});

t.test('update: an id in the body that differs from the URL is 400; a missing id is 400', async (t) => {
  const app = await makeApp(t);
  const mismatch = await call(app, { method: 'PUT', url: '/fhir/Patient/a', body: { ...patient(), id: 'b' } });
  t.equal(mismatch.statusCode, 400);
  t.equal(errorCode(mismatch), 'FHIR_ID_MISMATCH');
  const missing = await call(app, { method: 'PUT', url: '/fhir/Patient/a', body: patient() });
  t.equal(missing.statusCode, 400);
  t.equal(errorCode(missing), 'FHIR_ID_MISSING');
});

t.test('If-Match with a stale version is 412 and writes nothing', async (t) => {
  const app = await makeApp(t);
  const id = (await call(app, { method: 'POST', url: '/fhir/Patient', body: patient() })).json().id;
  await call(app, { method: 'PUT', url: `/fhir/Patient/${id}`, body: { ...patient(), id } });
  const stale = await call(app, { method: 'PUT', url: `/fhir/Patient/${id}`, body: { ...patient({ gender: 'male' }), id }, headers: { 'if-match': 'W/"1"' } });
  t.equal(stale.statusCode, 412);
  t.equal(errorCode(stale), 'FHIR_PRECONDITION_FAILED');
  const now = (await call(app, { url: `/fhir/Patient/${id}` })).json();
  t.equal(now.meta.versionId, '2');
  t.equal(now.gender, 'female');
  const ok = await call(app, { method: 'PUT', url: `/fhir/Patient/${id}`, body: { ...patient(), id }, headers: { 'if-match': 'W/"2"' } });
  t.equal(ok.statusCode, 200);
  const staleDelete = await call(app, { method: 'DELETE', url: `/fhir/Patient/${id}`, headers: { 'if-match': 'W/"1"' } });
  t.equal(staleDelete.statusCode, 412);
});

t.test('unknown resource type is 404 FHIR_UNKNOWN_TYPE; an unknown path is 404 FHIR_ROUTE_NOT_FOUND', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { url: '/fhir/Pasient/1' });
  t.equal(res.statusCode, 404);
  t.equal(errorCode(res), 'FHIR_UNKNOWN_TYPE');
  const route = await call(app, { url: '/nothing-here' });
  t.equal(route.statusCode, 404);
  t.equal(errorCode(route), 'FHIR_ROUTE_NOT_FOUND');
  t.equal(errorCode(await call(app, { url: '/fhir/Patient/1/_history/1/extra' })), 'FHIR_ROUTE_NOT_FOUND');
  t.equal(errorCode(await call(app, { url: '/fhir/Patient/$everything' })), 'FHIR_OPERATION_UNKNOWN');
});

t.test('a malformed id in the URL is 400 FHIR_ID_INVALID', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { url: `/fhir/Patient/${'x'.repeat(65)}` });
  t.equal(res.statusCode, 400);
  t.equal(errorCode(res), 'FHIR_ID_INVALID');
});

t.test('a method the path does not support is 405', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { method: 'POST', url: '/fhir/Patient/1', body: patient() });
  t.equal(res.statusCode, 405);
  t.equal(errorCode(res), 'FHIR_METHOD_NOT_ALLOWED');
});

t.test('an oversized body is 413 FHIR_BODY_TOO_LARGE', async (t) => {
  const app = await makeApp(t, { bodyLimit: 1024 });
  const res = await call(app, { method: 'POST', url: '/fhir/Patient', body: patient({ text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(2000)}</div>` } }) });
  t.equal(res.statusCode, 413);
  t.equal(errorCode(res), 'FHIR_BODY_TOO_LARGE');
});

t.test('an unsupported Content-Type is 415; an Accept we cannot produce is 406; an unknown _format is 400', async (t) => {
  const app = await makeApp(t);
  const ct = await call(app, { method: 'POST', url: '/fhir/Patient', body: 'name: Kari', headers: { 'content-type': 'application/yaml' } });
  t.equal(ct.statusCode, 415);
  t.equal(errorCode(ct), 'FHIR_UNSUPPORTED_MEDIA_TYPE');
  const acc = await call(app, { url: '/fhir/metadata', headers: { accept: 'text/turtle' } });
  t.equal(acc.statusCode, 406);
  t.equal(errorCode(acc), 'FHIR_NOT_ACCEPTABLE');
  const fmt = await call(app, { url: '/fhir/metadata?_format=yaml' });
  t.equal(fmt.statusCode, 400);
  t.equal(errorCode(fmt), 'FHIR_FORMAT_UNSUPPORTED');
  const plain = await call(app, { url: '/fhir/metadata', headers: { accept: 'application/json' } });
  t.match(plain.headers['content-type'], /^application\/json/, 'a client that asks for application/json gets it');
});

t.test('malformed or unsafe XML is 400 FHIR_INVALID_XML, answered in XML', async (t) => {
  const app = await makeApp(t);
  const xml = { 'content-type': 'application/fhir+xml', accept: 'application/fhir+xml' };
  for (const body of [
    '<Patient xmlns="http://hl7.org/fhir"><active value="true"/>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Patient xmlns="http://hl7.org/fhir"><id value="&e;"/></Patient>',
    '<Patient><active value="true"/></Patient>',
    '<Patient xmlns="http://hl7.org/fhir"><activ value="true"/></Patient>',
    '<Patient xmlns="http://hl7.org/fhir"><gender value="male"/><active value="true"/></Patient>',
  ]) {
    const res = await app.inject({ method: 'POST', url: '/fhir/Patient', payload: body, headers: xml });
    t.equal(res.statusCode, 400, body);
    t.match(res.headers['content-type'], /^application\/fhir\+xml/);
    t.match(res.body, /<OperationOutcome xmlns="http:\/\/hl7.org\/fhir">/);
    t.match(res.body, /FHIR_INVALID_XML/);
  }
});

t.test('a create without a body is 400 FHIR_BODY_REQUIRED; a JSON array is not a resource', async (t) => {
  const app = await makeApp(t);
  const empty = await call(app, { method: 'POST', url: '/fhir/Patient', headers: { 'content-type': 'application/fhir+json' } });
  t.equal(empty.statusCode, 400);
  t.equal(errorCode(empty), 'FHIR_BODY_REQUIRED');
  const arr = await call(app, { method: 'POST', url: '/fhir/Patient', body: [1, 2] });
  t.equal(arr.statusCode, 400);
  t.equal(errorCode(arr), 'FHIR_NOT_A_RESOURCE');
});

t.test('every OperationOutcome carries the request id, and a valid client X-Request-Id is kept', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { url: '/fhir/Patient/missing', headers: { 'x-request-id': 'trace-123' } });
  t.equal(res.statusCode, 404);
  t.equal(res.json().id, 'trace-123');
  t.equal(res.headers['x-request-id'], 'trace-123');
  const gen = await call(app, { url: '/fhir/Patient/missing', headers: { 'x-request-id': 'not valid!' } });
  t.match(gen.json().id, /^[0-9a-z]{1,13}-[0-9a-z]+$/, 'an invalid client id is replaced by a generated one');
  t.not(gen.json().id, 'not valid!');
  t.equal(gen.headers['x-request-id'], gen.json().id);
});

t.test('an uncoded error is a 500 with FHIR_INTERNAL, never a 400, and no internals leak', async (t) => {
  const app = await makeApp(t);
  app.fhir.repo.read = async () => { throw new TypeError('secret internal detail'); };
  const res = await call(app, { url: '/fhir/Patient/x' });
  t.equal(res.statusCode, 500);
  t.equal(errorCode(res), 'FHIR_INTERNAL');
  t.notMatch(res.body, /secret internal detail/);
});

t.test('a __proto__ key in a body is an unknown element, not a prototype change', async (t) => {
  const app = await makeApp(t);
  const res = await call(app, { method: 'POST', url: '/fhir/Patient', body: '{"resourceType":"Patient","__proto__":{"polluted":true}}' });
  t.equal(res.statusCode, 400);
  t.equal(errorCode(res), 'FHIR_STRUCTURE');
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
});
