/**
 * Where the conformance scripts find ../shared (HELSEBRO_SHARED overrides) and write their failure lists.
 * A script whose data is missing says so and exits 0: CI always has ../shared beside the clone.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const OUT_DIR = join(ROOT, 'conformance-results');

/** The folder under ../shared, or the process ends with the reason printed */
export function sharedDir(label: string, ...parts: string[]): string {
  const dir = resolve(process.env.HELSEBRO_SHARED ?? resolve(ROOT, '..', 'shared'), ...parts);
  if (!existsSync(dir)) {
    console.log(`${label}: skipped: no ${dir} (../shared beside the repository, or HELSEBRO_SHARED)`);
    process.exit(0);
  }
  return dir;
}
