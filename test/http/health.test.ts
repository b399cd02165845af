// /healthz answers 200 only when the store answers: the Docker HEALTHCHECK and load balancers rely on it.
import t from 'tap';
import { makeApp } from './helpers.ts';

t.test('healthz is 200 with a working store and 503 when the store fails', async (t) => {
  const app = await makeApp(t, { store: { kind: 'sqlite', file: ':memory:' } });
  const ok = await app.inject({ url: '/healthz' });
  t.equal(ok.statusCode, 200);
  t.same(ok.json(), { status: 'ok', store: 'sqlite' });
  app.repo.search = async () => { throw new Error('disk gone'); };
  const bad = await app.inject({ url: '/healthz' });
  t.equal(bad.statusCode, 503);
  t.equal(bad.json().status, 'unavailable');
});
