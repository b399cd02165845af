/**
 * `npm run conformance:validator`: the server's validator against the HL7 Java validator on the 343 R4 cases
 * of the official validator test suite (../shared/fhir-test-cases/validator/manifest-r4.json; selection and
 * semantics in that folder's SOURCE.md and ../shared/VALIDATION.md §3).
 *
 * Each case has a base step (validate the instance against the core specification and the profiles its
 * meta.profile claims) and, for 100 of them, a profile step (validate again against `profile.source`). A
 * step's verdict is "valid" when it yields no issue of severity error or fatal; the Java verdict is the one
 * recorded in the manifest (`expected.base` / `expected.profile`, counted from the Java outcome).
 *
 * Printed per module and in all: agreement (same verdict as Java), false accepts (Java found an error, we did
 * not), false rejects (we found an error, Java did not), and steps not run (a profile source the validator
 * cannot use). XML instances are read the way the server reads an XML body (src/fhir/xml) and validated in
 * their JSON form. Each step is one call of $validate's own function (src/fhir/validation/conformance-checks.ts
 * validateResource, which $validate, profile enforcement on write and `helsebro validate` call too); this script
 * adds no check of its own, it only reads the case and judges the verdict. Profiles (meta.profile in the base
 * step, profile.source in the profile step) are looked up in the case's supporting files over the R4 core
 * definitions (src/fhir/validation/definitions.ts). The target of the validation
 * issue is agreement on at least 95% of all steps (base and profile together), so steps not run count against it.
 * Every step that does not agree, with Java's errors beside ours, goes to
 * conformance-results/validator-failures.md.
 *
 * The Java runner's options (ValidationTests) a case sets are passed to the option of ours that does the same:
 * `supporting` ImplementationGuides -> their global profiles (profileTargets), `bundle-param` -> a bundle rule,
 * `validateReference` CHECK_EXISTS* -> referenceExists with the runner's fetcher, `validateContains` IGNORE ->
 * contained 'ignore', `examples: false` -> example URLs and example-domain extensions are errors,
 * `noHtmlInMarkdown` -> HTML in markdown is an error, `language` -> the display check's languages; and always
 * the runner's reading of an extension whose definition is not found (an error; the server's default is a
 * warning) and of assumeValidRestReferences (off unless set; the server's default is on). A second score with
 * none of these options, what $validate itself answers, is printed beside.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ImplementationGuide, Resource } from '@medplum/fhirtypes';
import { join } from 'node:path';
import { OUT_DIR, ROOT, sharedDir } from './shared.ts';
import type { ErrorIssue } from '../../src/errors/fhir-error.ts';
import { ResourceValidator } from '../../src/fhir/validation/index.ts';
import { fromXml } from '../../src/fhir/xml/from-xml.ts';
import { definitionsWith } from '../../src/fhir/validation/definitions.ts';
import type { Definitions } from '../../src/fhir/validation/profile.ts';
import type { BundleRule } from '../../src/fhir/validation/profile-issues.ts';
import { validateResource, type ResourceValidationOptions } from '../../src/fhir/validation/conformance-checks.ts';

const DIR = sharedDir('conformance:validator', 'fhir-test-cases', 'validator');

interface Expected { errorCount: number; errors: string[] }
interface Case {
  name: string;
  file: string;
  module?: string;
  format: 'json' | 'xml';
  supporting?: string[];
  /** supporting files the Java runner loads as R5 content (no version conversion); R4-compatible here */
  supporting5?: string[];
  profiles?: string[];
  /** the Java runner's flag: judge the type a relative reference names */
  assumeValidRestReferences?: boolean;
  profile?: { source: string; supporting?: string[]; assumeValidRestReferences?: boolean };
  /** the Java runner's validator options, each passed to the same option of ours */
  'bundle-param'?: BundleRule;
  validateReference?: string;
  validateContains?: string;
  examples?: boolean;
  noHtmlInMarkdown?: boolean;
  language?: string;
  expected: { base: Expected; profile?: Expected };
}

type Verdict = { run: false; why: string } | { run: true; valid: boolean; errors: string[] };
/** `defaults`: the same step with $validate's defaults (none of the Java runner's options), printed beside */
interface Step { c: Case; step: 'base' | 'profile'; java: Expected; ours: Verdict; defaults: Verdict }

const validator = new ResourceValidator({ level: 'full' });

function load(file: string, definition = false): Record<string, unknown> {
  const text = readFileSync(join(DIR, file), 'utf8');
  // XML is read the way the server reads an XML body (src/fhir/xml): into the JSON form; supporting
  // definitions are read as the Java runner loads them, without judging element order
  return file.endsWith('.xml') ? fromXml(text, definition ? { elementOrder: 'lenient' } : {}) : (JSON.parse(text) as Record<string, unknown>);
}

/**
 * The Java runner's resource fetcher (ValidationTests.fetch): `Patient/test`, or a test file named after the
 * reference (`Patient/2` -> patient-2.json)
 */
const javaFetcher = (reference: string): boolean =>
  reference === 'Patient/test' || existsSync(join(DIR, `${reference.replace(/\//g, '-').toLowerCase()}.json`));

/** The ImplementationGuides among the files the Java runner loads as `supporting` (their global profiles apply) */
function guidesIn(files: readonly string[] = []): ImplementationGuide[] {
  const out: ImplementationGuide[] = [];
  for (const f of files) {
    if (!existsSync(join(DIR, f))) continue;
    try {
      const r = load(f, true) as unknown as Resource;
      if (r.resourceType === 'ImplementationGuide') out.push(r);
    } catch {
      // unreadable: as in definitionsFor
    }
  }
  return out;
}

/** The case's supporting files (profiles, extensions, value sets) over the core definitions */
function definitionsFor(c: Case): Definitions {
  const extra: Resource[] = [];
  for (const f of [...(c.supporting ?? []), ...(c.supporting5 ?? []), ...(c.profiles ?? []), ...(c.profile?.supporting ?? []), ...(c.profile ? [c.profile.source] : [])]) {
    if (!existsSync(join(DIR, f))) continue;
    try {
      const r = load(f, true) as unknown as Resource;
      if (r.resourceType === 'Bundle') for (const e of (r as { entry?: { resource?: Resource }[] }).entry ?? []) { if (e.resource) extra.push(e.resource); }
      else extra.push(r);
    } catch {
      // a supporting file we cannot read leaves its profile unknown: the validation then says so
    }
  }
  return definitionsWith(extra);
}

const errorsOf = (issues: readonly ErrorIssue[]): string[] =>
  issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.[0] ?? ''}: ${i.message}`);

/** The case's instance, read once for both steps (or why it cannot be read) */
function instanceOf(c: Case): { resource: Record<string, unknown> } | { error: string } {
  try {
    return { resource: load(c.file) };
  } catch (e) {
    // a body the parser refuses is an error for the server as well (json.html, xml.html)
    return { error: `not ${c.format === 'xml' ? 'FHIR XML' : 'JSON'}: ${(e as Error).message}` };
  }
}

/**
 * The Java runner's options of the case, as the options of $validate's function that do the same; with
 * `runner` false none of them (what $validate and `helsebro validate` run with)
 */
function optionsOf(c: Case, assumeValidRestReferences: boolean | undefined, runner: boolean): ResourceValidationOptions {
  if (!runner) return {};
  return {
    ...(c.validateContains === 'IGNORE' ? { contained: 'ignore' as const } : {}),
    ...(c.validateReference?.startsWith('CHECK_EXISTS') ? { referenceExists: javaFetcher } : {}),
    implementationGuides: guidesIn(c.supporting),
    ...(c['bundle-param'] ? { bundleRules: [c['bundle-param']] } : {}),
    // off unless the case sets it (the server's default is on: a relative reference there names its type)
    assumeValidRestReferences: assumeValidRestReferences ?? false,
    // the Java validator's reading: an extension whose definition cannot be found is an error
    unknownExtensions: 'error',
    ...(c.examples === false ? { examples: false } : {}),
    ...(c.noHtmlInMarkdown ? { markdownHtml: 'error' as const } : {}),
    ...(c.language ? { languages: c.language.split(',').map((l) => l.trim()) } : {}),
  };
}

const verdict = (issues: readonly ErrorIssue[]): Verdict => {
  const errors = errorsOf(issues);
  return { run: true, valid: errors.length === 0, errors };
};

/** The base step: the instance against the core specification and the profiles it claims (or the context imposes) */
function base(c: Case, resource: Record<string, unknown>, defs: Definitions, runner = true): Verdict {
  return verdict(validateResource(validator, resource, defs, optionsOf(c, c.assumeValidRestReferences, runner)).issues);
}

/** The profile step: the same validation, against `profile.source` as well */
function profileStep(c: Case, resource: Record<string, unknown>, defs: Definitions, runner = true): Verdict {
  let source: { url?: string };
  try {
    source = load(c.profile!.source, true) as { url?: string };
  } catch (e) {
    return { run: false, why: `${c.profile!.source} cannot be read: ${(e as Error).message}` };
  }
  if (!source.url || !defs.structureDefinition(source.url)) return { run: false, why: `${c.profile!.source}: not a StructureDefinition the validator can use` };
  const opts = optionsOf(c, c.profile!.assumeValidRestReferences ?? c.assumeValidRestReferences, runner);
  return verdict(validateResource(validator, resource, defs, { ...opts, profiles: [source.url] }).issues);
}

const cases = (JSON.parse(readFileSync(join(DIR, 'manifest-r4.json'), 'utf8')) as { 'test-cases': Case[] })['test-cases'];
const steps: Step[] = [];
for (const c of cases) {
  const read = instanceOf(c);
  // the case's definitions are built once and serve both steps
  const defs = 'resource' in read ? definitionsFor(c) : undefined;
  const unread: Verdict = { run: true, valid: false, errors: 'error' in read ? [read.error] : [] };
  const stepOf = (run: (resource: Record<string, unknown>, runner: boolean) => Verdict) =>
    'resource' in read ? { ours: run(read.resource, true), defaults: run(read.resource, false) } : { ours: unread, defaults: unread };
  steps.push({ c, step: 'base', java: c.expected.base, ...stepOf((r, runner) => base(c, r, defs!, runner)) });
  if (c.profile && c.expected.profile) {
    steps.push({ c, step: 'profile', java: c.expected.profile, ...stepOf((r, runner) => profileStep(c, r, defs!, runner)) });
  }
}

const javaValid = (s: Step): boolean => s.java.errorCount === 0;
const agrees = (s: Step): boolean => s.ours.run && s.ours.valid === javaValid(s);
const falseAccept = (s: Step): boolean => s.ours.run && s.ours.valid && !javaValid(s);
const falseReject = (s: Step): boolean => s.ours.run && !s.ours.valid && javaValid(s);
const notRun = (s: Step): boolean => !s.ours.run;

const pct = (n: number, d: number): string => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
const modules = [...new Set(cases.map((c) => c.module ?? 'none'))].sort();
console.log('| module | cases | steps | agree | false accepts | false rejects | not run yet | agreement (of all steps) | agreement (of steps run) |');
console.log('|---|---|---|---|---|---|---|---|---|');
const row = (label: string, of: Step[], n: number): void => {
  const run = of.filter((s) => s.ours.run).length;
  const agree = of.filter(agrees).length;
  console.log(`| ${label} | ${n} | ${of.length} | ${agree} | ${of.filter(falseAccept).length} | ${of.filter(falseReject).length} | ${of.filter(notRun).length} | ${pct(agree, of.length)} | ${pct(agree, run)} |`);
};
for (const m of modules) row(m, steps.filter((s) => (s.c.module ?? 'none') === m), cases.filter((c) => (c.module ?? 'none') === m).length);
row('all', steps, cases.length);
const agree = steps.filter(agrees).length;
const run = steps.filter((s) => s.ours.run).length;
console.log(`conformance:validator: ${agree}/${steps.length} steps agree with the Java validator (${pct(agree, steps.length)}; ${pct(agree, run)} of the ${run} steps run), ` +
  `${steps.filter(falseAccept).length} false accepts, ${steps.filter(falseReject).length} false rejects, ${steps.filter(notRun).length} not run yet`);

const byDefault = steps.filter((s) => s.defaults.run && s.defaults.valid === javaValid(s)).length;
console.log(`conformance:validator: with $validate's defaults (none of the Java runner's options: unknown extensions a warning, ` +
  `no guides, bundle rules, reference fetcher or language) ${byDefault}/${steps.length} agree (${pct(byDefault, steps.length)})`);

mkdirSync(OUT_DIR, { recursive: true });
const file = join(OUT_DIR, 'validator-failures.md');
const lines = ['# Validator steps that do not agree with the Java validator (npm run conformance:validator)', ''];
for (const [title, pick] of [['False accepts', falseAccept], ['False rejects', falseReject], ['Not run yet', notRun]] as const) {
  const list = steps.filter(pick);
  lines.push(`## ${title} (${list.length})`, '');
  for (const s of list) {
    lines.push(`- **${s.c.name}** ${s.step} step (${s.c.module ?? 'none'}, ${s.c.file})`);
    if (!s.ours.run) lines.push(`  - not run: ${s.ours.why}`);
    else if (s.ours.errors.length) lines.push(...s.ours.errors.slice(0, 3).map((e) => `  - ours: ${e}`));
    lines.push(...s.java.errors.slice(0, 3).map((e) => `  - Java: ${e}`));
  }
  lines.push('');
}
writeFileSync(file, `${lines.join('\n')}\n`);
console.log(`conformance:validator: the steps that do not agree are listed in ${file.slice(ROOT.length + 1)}`);
