/**
 * `helsebro validate FILE... [--profile URL] [--ig PATH] [--unknown-extensions error|warning]`: validates FHIR resources in JSON or XML files with
 * $validate's own check (./conformance-checks.ts validateResource: the structure check of every write, then
 * profiles, extensions, Questionnaire answers, Measures, markdown and displays) and prints the issues the way
 * the HL7 Java validator's command line does:
 *
 *   -- patient.json ----------------------------------------------
 *   *FAILURE*: 1 errors, 0 warnings, 0 notes
 *     Error @ Patient.birthDate: ...
 *
 * (Success: ... when there are no errors). Exit status: 0 when no file has an error, 1 when one has, 2 for a
 * wrong command line or a file that cannot be read. A file's format is taken from its extension (.xml) or
 * its first character ('<'). Profiles: each one in meta.profile and every --profile is checked
 * (./profile.ts) when it is an R4 core profile, a no-basis one (shipped: profiles/no-basis), or one loaded with --ig (a JSON or XML file of conformance
 * resources, a Bundle of them, or a folder of such files); an unknown profile is a warning. Code lists: the
 * terminology folder the server would read (HELSEBRO_TERMINOLOGY_DIR, else data/terminology when it exists;
 * ../../terminology/folder.ts), so bindings to the imported Volven lists are checked here as on the server.
 * An extension whose definition is not held is a warning, as on the server; `--unknown-extensions error` makes it
 * an error (the Java validator's reading, for a sender that must use only the extensions it has published).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, issueOf, type ErrorIssue } from '../../errors/fhir-error.ts';
import { loadTerminologyFolder, terminologyDirFromEnv } from '../../terminology/folder.ts';
import { fromXml } from '../xml/from-xml.ts';
import { bundledConformance } from './bundled.ts';
import { validateResource, type ConformanceOptions } from './conformance-checks.ts';
import { definitionsWith } from './definitions.ts';
import { ResourceValidator } from './index.ts';
import type { Definitions } from './profile.ts';

export interface FileReport {
  file: string;
  issues: ErrorIssue[];
}

const LABEL: Record<ErrorIssue['severity'], string> = { fatal: 'Fatal', error: 'Error', warning: 'Warning', information: 'Information' };

/** The report of one file in the Java validator's layout */
export function formatReport(r: FileReport): string {
  const n = (s: ErrorIssue['severity'][]) => r.issues.filter((i) => s.includes(i.severity)).length;
  const errors = n(['fatal', 'error']);
  const lines = [
    `-- ${r.file} ${'-'.repeat(Math.max(3, 60 - r.file.length))}`,
    `${errors > 0 ? '*FAILURE*' : 'Success'}: ${errors} errors, ${n(['warning'])} warnings, ${n(['information'])} notes`,
  ];
  for (const i of r.issues) lines.push(`  ${LABEL[i.severity]}${i.expression?.length ? ` @ ${i.expression[0]}` : ''}: ${i.message}`);
  if (r.issues.length === 0) lines.push('  Information: All OK');
  return lines.join('\n');
}

function readResource(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  return file.toLowerCase().endsWith('.xml') || text.trimStart().startsWith('<') ? fromXml(text) : (JSON.parse(text) as Record<string, unknown>);
}

/** The conformance resources of --ig paths (files, Bundles, folders) */
export function loadIg(paths: readonly string[]): Resource[] {
  const out: Resource[] = [];
  const visit = (p: string): void => {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p)) if (/\.(json|xml)$/i.test(f)) visit(join(p, f));
      return;
    }
    const r = readResource(p) as unknown as Resource;
    if (r.resourceType === 'Bundle') for (const e of (r as { entry?: { resource?: Resource }[] }).entry ?? []) { if (e.resource) out.push(e.resource); }
    else out.push(r);
  };
  paths.forEach(visit);
  return out;
}

export function validateFile(file: string, validator: ResourceValidator, profiles: readonly string[], defs: Definitions = definitionsWith(), opts: Pick<ConformanceOptions, 'unknownExtensions'> = {}): FileReport {
  let resource: Record<string, unknown>;
  try {
    resource = readResource(file);
  } catch (e) {
    if (e instanceof FhirError) return { file, issues: e.issues };
    if ((e as { code?: string }).code === 'ENOENT') throw e;
    return { file, issues: [issueOf('FHIR_INVALID_JSON', { detail: (e as Error).message }, 'fatal')] };
  }
  return { file, issues: validateResource(validator, resource, defs, { profiles, ...opts }).issues };
}

const USAGE = 'helsebro validate FILE... [--profile URL] [--ig PATH] [--unknown-extensions error|warning]';

/** The command: returns the exit status */
export function runValidate(args: string[], out: (s: string) => void = (s) => console.log(s), err: (s: string) => void = (s) => console.error(s), env: NodeJS.ProcessEnv = process.env): number {
  const files: string[] = [];
  const profiles: string[] = [];
  const igs: string[] = [];
  let unknownExtensions: ConformanceOptions['unknownExtensions'];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--unknown-extensions') {
      const level = args[++i];
      if (level !== 'error' && level !== 'warning') {
        err('validate: --unknown-extensions needs error or warning');
        return 2;
      }
      unknownExtensions = level;
    } else if (args[i] === '--ig') {
      const path = args[++i];
      if (!path) {
        err('validate: --ig needs a file or folder');
        return 2;
      }
      igs.push(path);
    } else if (args[i] === '--profile') {
      const url = args[++i];
      if (!url) {
        err('validate: --profile needs a URL');
        return 2;
      }
      profiles.push(url);
    } else if (args[i].startsWith('--')) {
      err(`validate: unknown option ${args[i]}. Usage: ${USAGE}`);
      return 2;
    } else {
      files.push(args[i]);
    }
  }
  if (files.length === 0) {
    err(`Usage: ${USAGE}`);
    return 2;
  }
  let codeLists: readonly Resource[];
  try {
    const dir = terminologyDirFromEnv(env);
    codeLists = dir === undefined ? [] : loadTerminologyFolder(dir).resources;
  } catch (e) {
    err(`validate: ${(e as Error).message}`);
    return 2;
  }
  let defs: Definitions;
  try {
    defs = definitionsWith([...bundledConformance(), ...codeLists, ...loadIg(igs)], codeLists);
  } catch (e) {
    err(`validate: cannot read --ig ${igs.join(', ')}: ${(e as Error).message}`);
    return 2;
  }
  const validator = new ResourceValidator({ level: 'full' });
  let failed = false;
  for (const file of files) {
    let report: FileReport;
    try {
      report = validateFile(file, validator, profiles, defs, unknownExtensions ? { unknownExtensions } : {});
    } catch (e) {
      err(`validate: cannot read ${file}: ${(e as Error).message}`);
      return 2;
    }
    out(formatReport(report));
    failed ||= report.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
  }
  return failed ? 1 : 0;
}
