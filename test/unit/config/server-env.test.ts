// The server's options from its environment (src/server.ts optionsFromEnv), as the README lists them.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionsFromEnv } from '../../../src/server.ts';

t.test('store options from HELSEBRO_* variables', async (t) => {
  t.same(optionsFromEnv({}).store, { kind: 'sqlite', file: 'data/helsebro.db', synchronous: 'FULL' }, 'defaults: a SQLite file, FULL, count cache on');
  t.same(optionsFromEnv({ HELSEBRO_DB: '/tmp/x.db', HELSEBRO_SYNCHRONOUS: 'NORMAL', HELSEBRO_COUNT_CACHE: 'off' }).store,
    { kind: 'sqlite', file: '/tmp/x.db', synchronous: 'NORMAL', countCache: false });
  t.same(optionsFromEnv({ HELSEBRO_STORE: 'memory' }).store, { kind: 'memory' });
  t.equal(optionsFromEnv({ HELSEBRO_VALIDATION: 'schema' }).validation, 'schema');
});

t.test('HELSEBRO_TERMINOLOGY_DIR: the folder named; empty for none; else data/terminology when it exists', async (t) => {
  t.equal(optionsFromEnv({ HELSEBRO_TERMINOLOGY_DIR: '/srv/kodeverk' }).terminologyDir, '/srv/kodeverk');
  t.equal(optionsFromEnv({ HELSEBRO_TERMINOLOGY_DIR: '' }).terminologyDir, undefined, 'empty: no folder');
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'helsebro-env-'));
  t.teardown(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });
  process.chdir(dir);
  t.equal(optionsFromEnv({}).terminologyDir, undefined, 'no data/terminology here: none');
  mkdirSync(join(dir, 'data', 'terminology'), { recursive: true });
  t.equal(optionsFromEnv({}).terminologyDir, 'data/terminology', 'the default once it exists');
});
