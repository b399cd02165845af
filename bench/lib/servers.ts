/**
 * The servers the core bench compares (and the naive reference it measures the machine with), as child-process specs, plus the facts about Helsebro's
 * storage the table header must state (SQLite journal mode and synchronous level: "durable" means
 * synchronous=FULL, every acknowledged write fsynced).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { trackDir } from './process.ts';
import type { ServerSpec } from './process.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const HELSEBRO_ENTRY = join(ROOT, 'src', 'server.ts');

export function helsebroAvailable(): boolean {
  return existsSync(HELSEBRO_ENTRY);
}

export interface HelsebroSpec extends ServerSpec {
  dbFile: string;
  cleanup(): Promise<void>;
}

/** Helsebro on a fresh SQLite file in its own temp directory (removed by cleanup()). */
export async function helsebroSpec(extraEnv: Record<string, string> = {}): Promise<HelsebroSpec> {
  const dir = await mkdtemp(join(tmpdir(), 'helsebro-bench-'));
  const dbFile = join(dir, 'bench.db');
  const untrack = trackDir(dir);
  return {
    ...helsebroSpecOn(dbFile, extraEnv),
    cleanup: async () => {
      await rm(dir, { recursive: true, force: true });
      untrack();
    },
  };
}

/**
 * Helsebro on an existing SQLite file (the search bench seeds the file itself, without HTTP). The caller owns
 * the file and its directory; there is nothing to clean up here.
 */
export function helsebroSpecOn(dbFile: string, extraEnv: Record<string, string> = {}): ServerSpec & { dbFile: string } {
  return {
    name: 'helsebro',
    file: HELSEBRO_ENTRY,
    env: { HELSEBRO_DB: dbFile, HELSEBRO_LOG_LEVEL: 'warn', ...extraEnv },
    portVar: 'HELSEBRO_PORT',
    hostVar: 'HELSEBRO_HOST',
    dbFile,
  };
}

export const PEER_SPEC: ServerSpec = {
  name: 'peer',
  file: join(ROOT, 'bench', 'servers', 'peer.ts'),
  env: {},
  portVar: 'BENCH_PORT',
  hostVar: 'BENCH_HOST',
};

export const CEILING_SPEC: ServerSpec = {
  name: 'ceiling',
  file: join(ROOT, 'bench', 'servers', 'ceiling.ts'),
  env: {},
  portVar: 'BENCH_PORT',
  hostVar: 'BENCH_HOST',
};

/** The machine's reference: the naive Fastify + better-sqlite3 server the core issue's targets were set beside */
export const NAIVE_SPEC: ServerSpec = {
  name: 'naive',
  file: join(ROOT, 'bench', 'servers', 'naive.ts'),
  env: {},
  portVar: 'BENCH_PORT',
  hostVar: 'BENCH_HOST',
};

export interface StorageFacts {
  synchronous: string;
  synchronousSource: string;
  validationDefault: string;
  journalMode?: string;
}

/**
 * synchronous is a per-connection setting that is not stored in the file, so it cannot be read from
 * outside the server: mirror src/server.ts (FULL unless HELSEBRO_SYNCHRONOUS=NORMAL), else the defaults.
 */
export async function storageFacts(): Promise<StorageFacts> {
  let synchronous = 'unknown';
  let validationDefault = 'unknown';
  let synchronousSource = 'src/config/options.ts not readable';
  try {
    const { DEFAULT_OPTIONS } = await import('../../src/config/options.ts');
    const store = DEFAULT_OPTIONS.store;
    if (store.kind === 'sqlite') synchronous = store.synchronous ?? 'FULL (SQLite default)';
    validationDefault = DEFAULT_OPTIONS.validation;
    synchronousSource = 'DEFAULT_OPTIONS in src/config/options.ts';
  } catch {
    // leave unknown
  }
  const override = process.env.HELSEBRO_SYNCHRONOUS;
  if (override) {
    synchronous = override === 'NORMAL' ? 'NORMAL' : 'FULL';
    synchronousSource = `HELSEBRO_SYNCHRONOUS=${override}; src/server.ts takes anything but NORMAL as FULL`;
  }
  return { synchronous, synchronousSource, validationDefault: process.env.HELSEBRO_VALIDATION ?? validationDefault };
}

/** journal_mode is stored in the file (WAL persists), so it can be read after the server stopped. */
export async function journalMode(dbFile: string): Promise<string | undefined> {
  if (!existsSync(dbFile)) return undefined;
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return String(db.pragma('journal_mode', { simple: true }));
    } finally {
      db.close();
    }
  } catch (err) {
    return `unreadable (${(err as Error).message})`;
  }
}
