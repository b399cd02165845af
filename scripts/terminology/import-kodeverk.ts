/**
 * `npm run terminology:import -- [--from DIR] [--out DIR]`: compiles HL7 Norway's kodeverk IG (the Volven code
 * lists as FHIR CodeSystems, https://github.com/HL7Norway/kodeverk, package hl7.fhir.no.kodeverk) with SUSHI,
 * offline, into the server's terminology folder, which the server reads at boot (src/terminology/folder.ts).
 *
 * Why an import and not a copy in the repo: the kodeverk repository has no licence file, so its content is not
 * ours to redistribute. The operator runs this on their own machine against their own copy of the source; the
 * output lands under data/ (gitignored) and is never committed or shipped.
 *
 *   --from DIR  the FSH project (a folder with sushi-config.yaml); default ../shared/no-basis/kodeverk-fsh
 *   --out DIR   where the compiled resources go; default $HELSEBRO_TERMINOLOGY_DIR/kodeverk, else
 *               data/terminology/kodeverk (relative to the working directory, like the server's data/helsebro.db)
 *
 * The out folder is replaced as a whole (written beside it, then renamed), so a failed import leaves the previous
 * one in place. It holds one JSON file per CodeSystem, ValueSet, ConceptMap and NamingSystem SUSHI writes (the
 * ImplementationGuide resource is left out: it describes the IG's web pages, not terminology) and
 * `_provenance.json`: source folder, repository and commit (from the SOURCE.md beside the source folder, as in
 * ../shared, or `git rev-parse HEAD` in it), package id and version (sushi-config.yaml), SUSHI version, date,
 * counts. SUSHI runs exactly as for our own profiles (../profiles/build.ts: the package cache of
 * ../profiles/fhir-cache.ts, no network; any unexpected SUSHI error or warning fails the import).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { sushi } from '../profiles/build.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const DEFAULT_FROM = resolve(ROOT, '..', 'shared', 'no-basis', 'kodeverk-fsh');
const KINDS = new Set(['CodeSystem', 'ValueSet', 'ConceptMap', 'NamingSystem']);

export interface ImportResult {
  out: string;
  counts: Record<string, number>;
  provenance: Record<string, unknown>;
}

/** `key: value` of a top-level line of sushi-config.yaml */
const yamlValue = (text: string, key: string): string | undefined => new RegExp(`^${key}:\\s*(\\S+)`, 'm').exec(text)?.[1];

/** Repository, commit and licence of the source: its row in the SOURCE.md beside it, else git */
function origin(from: string): Record<string, string | null> {
  const source = join(dirname(from), 'SOURCE.md');
  if (existsSync(source)) {
    const row = readFileSync(source, 'utf8').split('\n').find((l) => l.startsWith(`| \`${basename(from)}/\``));
    if (row) {
      const cells = row.split('|').slice(1, -1).map((c) => c.trim());
      return { repository: cells[1] ?? null, commit: /[0-9a-f]{40}/.exec(cells[3] ?? '')?.[0] ?? null, licence: cells[4] ?? null, recordedIn: source };
    }
  }
  const git = spawnSync('git', ['-C', from, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return { repository: null, commit: git.status === 0 ? git.stdout.trim() : null, licence: null, recordedIn: null };
}

export function importKodeverk(opts: { from?: string; out?: string; log?: (s: string) => void } = {}): ImportResult {
  const log = opts.log ?? ((s: string) => console.log(s));
  const from = resolve(opts.from ?? DEFAULT_FROM);
  const out = resolve(opts.out ?? join(process.env.HELSEBRO_TERMINOLOGY_DIR || 'data/terminology', 'kodeverk'));
  const config = join(from, 'sushi-config.yaml');
  if (!existsSync(config)) throw new Error(`${from} is not an FSH project (no sushi-config.yaml); name one with --from DIR`);
  const yaml = readFileSync(config, 'utf8');
  const compiled = sushi(from, log);

  const counts: Record<string, number> = {};
  const files: [string, string][] = [];
  for (const [f, text] of compiled) {
    const type = (JSON.parse(text) as { resourceType: string }).resourceType;
    if (!KINDS.has(type)) continue;
    counts[type] = (counts[type] ?? 0) + 1;
    files.push([f, text]);
  }
  const sushiVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'fsh-sushi', 'package.json'), 'utf8')) as { version: string }).version;
  const provenance = {
    source: from,
    ...origin(from),
    package: `${yamlValue(yaml, 'id') ?? '?'}#${yamlValue(yaml, 'version') ?? '?'}`,
    compiledWith: `fsh-sushi ${sushiVersion}`,
    importedAt: new Date().toISOString(),
    counts,
    note: 'Compiled on this machine by npm run terminology:import; not part of Helsebro and not to be redistributed with it.',
  };

  const next = `${out}.importing-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  try {
    for (const [f, text] of files) writeFileSync(join(next, f), text);
    writeFileSync(join(next, '_provenance.json'), `${JSON.stringify(provenance, null, 2)}\n`);
    rmSync(out, { recursive: true, force: true });
    renameSync(next, out);
  } finally {
    rmSync(next, { recursive: true, force: true });
  }
  return { out, counts, provenance };
}

function main(argv: string[]): number {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  try {
    const r = importKodeverk({ from: arg('--from'), out: arg('--out') });
    const what = Object.entries(r.counts).map(([type, n]) => `${n} ${type}`).join(', ');
    console.log(`terminology:import: ${what} from ${r.provenance.source} (${r.provenance.package}, commit ${String(r.provenance.commit ?? 'unknown')}) -> ${r.out}`);
    console.log('terminology:import: the server reads it at its next start (HELSEBRO_TERMINOLOGY_DIR, default data/terminology)');
    return 0;
  } catch (e) {
    console.error(`terminology:import: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
