// A request's log lines carry the request id and never the search values or the body.
import t from 'tap';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.ts';
import { patient, FNR_SYSTEM, SYNTHETIC_FNR } from './helpers.ts';

t.test('log lines at info have the request id and no patient data', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const app = await buildApp({ store: { kind: 'memory' }, logger: { stream }, logLevel: 'info' });
  t.teardown(() => app.close());
  await app.inject({ method: 'POST', url: '/fhir/Patient', headers: { 'content-type': 'application/fhir+json', 'x-request-id': 'req-42' }, payload: JSON.stringify(patient({ identifier: [{ system: FNR_SYSTEM, value: SYNTHETIC_FNR[0] }] })) });
  await app.inject({ method: 'GET', url: `/fhir/Patient?identifier=${FNR_SYSTEM}|${SYNTHETIC_FNR[0]}`, headers: { 'x-request-id': 'req-43' } });
  const all = lines.join('');
  const access = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
  t.same(access.map((l) => [l.reqId, l.req.method, l.status]), [['req-42', 'POST', 201], ['req-43', 'GET', 200]], 'one access line per request');
  t.notMatch(all, new RegExp(SYNTHETIC_FNR[0]), 'the fødselsnummer is in no log line');
  t.notMatch(all, /Ødegård/, 'no resource content is logged');
  t.match(all, /"reqId":"req-42"/);
  t.match(all, /identifier=\*\*\*/);
});

t.test('at warn, a successful request writes no log line at all', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const app = await buildApp({ store: { kind: 'memory' }, logger: { stream }, logLevel: 'warn' });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/fhir/metadata' });
  t.equal(res.statusCode, 200);
  const bad = await app.inject({ method: 'GET', url: '/fhir/Patient/x' });
  t.equal(bad.statusCode, 404);
  t.same(lines, [], 'nothing for a 200, nor for a client error (logged at info)');
});
