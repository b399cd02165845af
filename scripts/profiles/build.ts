/**
 * Compiles our FSH profiles (profiles/local/fsh) with SUSHI into the JSON the server ships (DESIGN.md house rule
 * 13: generated artefacts are committed and checked):
 *
 *   profiles/local/*.json           StructureDefinitions, ValueSets, CodeSystems, ConceptMaps (loaded at boot:
 *                                   src/fhir/validation/bundled.ts)
 *   profiles/local/examples/*.json  the FSH Instances with Usage #example (test data: test/unit/profiles)
 *
 *   node scripts/profiles/build.ts          rebuild (npm run profiles:build)
 *   node scripts/profiles/build.ts --check  rebuild into a temporary folder and fail when anything differs from
 *                                           the committed files (npm run profiles:check, .ci/run)
 *
 * Offline: SUSHI reads its dependencies (hl7.fhir.r4.core#4.0.1, hl7.fhir.no.basis#2.2.0) from the package
 * cache ./fhir-cache.ts builds, found through HOME; FPL_REGISTRY points at a closed local port, so the
 * automatic dependencies SUSHI asks for by 'latest' (hl7.fhir.uv.tools.r4, hl7.terminology.r4,
 * hl7.fhir.uv.extensions.r4) fail at once instead of trying packages.fhir.org. Those three warnings, the one
 * about id and name being unused with FSHOnly, and the one SUSHI prints when its newest-version check cannot
 * reach the npm registry are expected and not shown; any other SUSHI error or warning fails the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFhirCache, DEFAULT_CACHE } from './fhir-cache.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const LOCAL = join(ROOT, 'profiles', 'local');
const FSH = join(LOCAL, 'fsh');
const EXAMPLES = join(LOCAL, 'examples');
const SUSHI = join(ROOT, 'node_modules', 'fsh-sushi', 'dist', 'app.js');
const CONFORMANCE = new Set(['StructureDefinition', 'ValueSet', 'CodeSystem', 'ConceptMap', 'NamingSystem', 'SearchParameter', 'OperationDefinition']);
const EXPECTED_WARNING = new RegExp([
  /^warn\s+Failed to load automatically-provided hl7\.(fhir\.uv\.tools\.r4|terminology\.r4|fhir\.uv\.extensions\.r4)#latest/.source,
  // sushi-config.yaml keeps the package id and name for profiles:package; SUSHI says FSHOnly does not use them
  // SUSHI's own "is there a newer SUSHI" check (npm view, then registry.npmjs.org): fails without a network
  /^warn\s+Unable to determine the latest version of sushi/.source,
  /^warn\s+The FSHOnly property is set to true, so no output specific to IG creation will be generated\. The following properties are unused and only relevant for IG creation: id, name\./.source,
].join('|'));

export interface CompileOptions {
  /** the SUSHI project (default profiles/local/fsh) */
  project?: string;
  /** HOME for SUSHI, the folder holding .fhir/packages (default the cache ./fhir-cache.ts builds) */
  home?: string;
}

/** Runs SUSHI offline on an FSH project (a folder with sushi-config.yaml) into a fresh temporary folder; returns
 *  fsh-generated/resources/*.json by file name (also used by scripts/terminology/import-kodeverk.ts). `home`:
 *  a package cache of the caller's instead of the one ./fhir-cache.ts builds. */
export function sushi(project: string, log: (s: string) => void = (s) => console.log(s), home?: string): Map<string, string> {
  const cache = home ?? DEFAULT_CACHE;
  if (!home) buildFhirCache(cache, log);
  const out = mkdtempSync(join(tmpdir(), 'helsebro-sushi-'));
  try {
    const r = spawnSync(process.execPath, [SUSHI, 'build', project, '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, HOME: cache, FPL_REGISTRY: 'http://127.0.0.1:9', FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    const lines = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n');
    // SUSHI's log lines: "error ..." / "warn ..." followed by indented "File:" / "Line:" lines
    const problems: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!/^(error|warn)\s/.test(lines[i]) || EXPECTED_WARNING.test(lines[i])) continue;
      const detail = [lines[i]];
      while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1])) detail.push(lines[++i]);
      problems.push(detail.join('\n').slice(0, 600));
    }
    const summary = lines.find((l) => /\d+ Errors?\s+\d+ Warnings?/.test(l));
    if (r.status !== 0 || problems.length > 0) {
      throw new Error(`sushi failed (exit ${r.status}${summary ? `; ${summary.replace(/[|=]/g, '').trim()}` : ''}):\n${problems.join('\n') || lines.slice(-30).join('\n')}`);
    }
    const dir = join(out, 'fsh-generated', 'resources');
    const files = new Map<string, string>();
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const text = readFileSync(join(dir, f), 'utf8');
      files.set(f, text.endsWith('\n') ? text : `${text}\n`);
    }
    return files;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Compiles profiles/local/fsh (or opts.project); returns the compiled files by their target path (relative to profiles/local) */
export function compile(log: (s: string) => void = (s) => console.log(s), opts: CompileOptions = {}): Map<string, string> {
  const files = new Map<string, string>();
  for (const [f, text] of sushi(opts.project ?? FSH, log, opts.home)) {
    const type = (JSON.parse(text) as { resourceType: string }).resourceType;
    files.set(CONFORMANCE.has(type) ? f : join('examples', f), text);
  }
  return files;
}

/** The compiled files committed now, by path relative to profiles/local */
export function committed(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [dir, prefix] of [[LOCAL, ''], [EXAMPLES, 'examples']] as const) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) files.set(prefix ? join(prefix, f) : f, readFileSync(join(dir, f), 'utf8'));
  }
  return files;
}

function main(): number {
  const check = process.argv.includes('--check');
  let built: Map<string, string>;
  try {
    built = compile();
  } catch (e) {
    console.error(`profiles: ${(e as Error).message}`);
    return 1;
  }
  const now = committed();
  const changed = [...new Set([...built.keys(), ...now.keys()])].sort().filter((f) => built.get(f) !== now.get(f));
  if (check) {
    if (changed.length === 0) {
      console.log(`profiles:check: the ${built.size} compiled files in profiles/local match the FSH`);
      return 0;
    }
    for (const f of changed) console.error(`profiles:check: ${f}: ${!now.has(f) ? 'not committed' : !built.has(f) ? 'no longer compiled' : 'differs from the FSH'}`);
    console.error(`profiles:check: ${changed.length} file(s) differ; run npm run profiles:build and commit the result`);
    return 1;
  }
  for (const f of now.keys()) if (!built.has(f)) rmSync(join(LOCAL, f));
  mkdirSync(EXAMPLES, { recursive: true });
  for (const [f, text] of built) if (now.get(f) !== text) writeFileSync(join(LOCAL, f), text);
  console.log(`profiles:build: ${built.size} files in profiles/local (${changed.length} changed)`);
  return 0;
}

if (import.meta.main) process.exitCode = main();
