// The server's options from its environment (src/server.ts optionsFromEnv), as the README lists them.
import t from 'tap';
import { optionsFromEnv } from '../../../src/server.ts';

t.test('store options from HELSEBRO_* variables', async (t) => {
  t.same(optionsFromEnv({}).store, { kind: 'sqlite', file: 'data/helsebro.db', synchronous: 'FULL' }, 'defaults: a SQLite file, FULL, count cache on');
  t.same(optionsFromEnv({ HELSEBRO_DB: '/tmp/x.db', HELSEBRO_SYNCHRONOUS: 'NORMAL', HELSEBRO_COUNT_CACHE: 'off' }).store,
    { kind: 'sqlite', file: '/tmp/x.db', synchronous: 'NORMAL', countCache: false });
  t.same(optionsFromEnv({ HELSEBRO_STORE: 'memory' }).store, { kind: 'memory' });
  t.equal(optionsFromEnv({ HELSEBRO_VALIDATION: 'schema' }).validation, 'schema');
});
