/**
 * The server entry point: options from the environment -> buildApp -> listen. The only place that listens.
 * Environment: HELSEBRO_PORT (8080), HELSEBRO_HOST (0.0.0.0), HELSEBRO_STORE (sqlite|memory),
 * HELSEBRO_DB (data/helsebro.db), HELSEBRO_SYNCHRONOUS (FULL|NORMAL), HELSEBRO_VALIDATION (schema|full),
 * HELSEBRO_REFERENTIAL_INTEGRITY (enforce|lenient), HELSEBRO_ENFORCE_PROFILES (on: writes must meet the profiles
 * they claim), HELSEBRO_BASE_URL, HELSEBRO_LOG_LEVEL (info),
 * HELSEBRO_COUNT_CACHE (on|off: search totals kept until the next commit, src/store/sql/count-cache.ts),
 * HELSEBRO_TERMINOLOGY_DIR (the code lists read at boot, src/terminology/folder.ts; default data/terminology when
 * that folder exists; a folder named here must exist; empty: none).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildApp } from './app.ts';
import { isFhirError } from './errors/fhir-error.ts';
import { terminologyDirFromEnv } from './terminology/folder.ts';
import { ResourceValidator } from './fhir/validation/index.ts';
import { DEFAULT_OPTIONS, type HelsebroOptions, type StoreOptions } from './config/options.ts';

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<HelsebroOptions> {
  const store: StoreOptions = env.HELSEBRO_STORE === 'memory'
    ? { kind: 'memory' }
    : {
      kind: 'sqlite',
      file: env.HELSEBRO_DB ?? 'data/helsebro.db',
      synchronous: env.HELSEBRO_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL',
      ...(env.HELSEBRO_COUNT_CACHE === 'off' ? { countCache: false } : {}),
    };
  const out: Partial<HelsebroOptions> = { store };
  if (env.HELSEBRO_VALIDATION === 'schema' || env.HELSEBRO_VALIDATION === 'full') out.validation = env.HELSEBRO_VALIDATION;
  if (env.HELSEBRO_REFERENTIAL_INTEGRITY === 'enforce' || env.HELSEBRO_REFERENTIAL_INTEGRITY === 'lenient') out.referentialIntegrity = env.HELSEBRO_REFERENTIAL_INTEGRITY;
  if (env.HELSEBRO_BASE_URL) out.baseUrl = env.HELSEBRO_BASE_URL.replace(/\/$/, '');
  if (env.HELSEBRO_ENFORCE_PROFILES === 'on') out.enforceProfiles = true;
  if (env.HELSEBRO_LOG_LEVEL) out.logLevel = env.HELSEBRO_LOG_LEVEL;
  if (env.HELSEBRO_BODY_LIMIT) out.bodyLimit = Number(env.HELSEBRO_BODY_LIMIT);
  const terminologyDir = terminologyDirFromEnv(env);
  if (terminologyDir !== undefined) out.terminologyDir = terminologyDir;
  return out;
}

export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const options = optionsFromEnv(env);
  if (options.store?.kind === 'sqlite' && options.store.file !== ':memory:') mkdirSync(dirname(options.store.file), { recursive: true });
  const app = await buildApp(options);
  // Pay the one-off schema compile and definition indexing before the first request, not during it.
  const warm = ResourceValidator.warmUp(['Patient', 'Observation', 'Encounter', 'Bundle'], options.validation ?? DEFAULT_OPTIONS.validation);
  app.log.info({ ...warm }, 'validator warmed up');
  // The conformance resources: shipped (profiles/no-basis), stored, and the bundled R4 terminology
  const t0 = performance.now();
  await app.fhir.deps.conformance.definitions();
  app.log.info({ ms: Math.round(performance.now() - t0) }, 'profiles and terminology loaded');
  const port = Number(env.HELSEBRO_PORT ?? 8080);
  const host = env.HELSEBRO_HOST ?? '0.0.0.0';
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
      app.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
  await app.listen({ port, host });
  app.log.info({ store: options.store?.kind ?? DEFAULT_OPTIONS.store.kind, validation: options.validation ?? DEFAULT_OPTIONS.validation }, 'Helsebro FHIR R4 server ready');
}

/** A boot that cannot go on: a coded error (a malformed terminology folder, ...) is one line; anything else a fault with its stack */
export function bootFailed(e: unknown): never {
  console.error(isFhirError(e) ? `helsebro: cannot start: ${e.message}` : e);
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) serve().catch(bootFailed);
