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
 * not), false rejects (we found an error, Java did not), and steps not run yet (profile steps, and base steps
 * whose resource claims a profile, until profile validation exists). XML instances are read the way the
 * server reads an XML body (src/fhir/xml) and validated in their JSON form. The target of the validation
 * issue is agreement on at least 95% of all steps (base and profile together), so steps not run count against it.
 * Every step that does not agree, with Java's errors beside ours, goes to
 * conformance-results/validator-failures.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ResourceValidator } from '../../src/fhir/validation/index.ts';
import { fromXml } from '../../src/fhir/xml/from-xml.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIR = resolve(ROOT, '..', 'shared', 'fhir-test-cases', 'validator');
const OUT_DIR = join(ROOT, 'conformance-results');

interface Expected { errorCount: number; errors: string[] }
interface Case {
  name: string;
  file: string;
  module?: string;
  format: 'json' | 'xml';
  profile?: { source: string };
  expected: { base: Expected; profile?: Expected };
}

type Verdict = { run: false; why: string } | { run: true; valid: boolean; errors: string[] };
interface Step { c: Case; step: 'base' | 'profile'; java: Expected; ours: Verdict }

const validator = new ResourceValidator({ level: 'full' });

function base(c: Case): Verdict {
  let resource: unknown;
  const text = readFileSync(join(DIR, c.file), 'utf8');
  try {
    // XML is read the way the server reads an XML body (src/fhir/xml): into the JSON form, then validated
    resource = c.format === 'xml' ? fromXml(text) : JSON.parse(text);
  } catch (e) {
    // a body the parser refuses is an error for the server as well (json.html, xml.html)
    return { run: true, valid: false, errors: [`not ${c.format === 'xml' ? 'FHIR XML' : 'JSON'}: ${(e as Error).message}`] };
  }
  const claims = (resource as { meta?: { profile?: unknown } })?.meta?.profile;
  const errors = validator.validate(resource).issues
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => `${i.expression?.[0] ?? ''}: ${i.message}`);
  if (errors.length === 0 && Array.isArray(claims) && claims.length > 0) {
    // meta.profile is part of the base step; without profile validation a "valid" here is not a verdict
    return { run: false, why: `claims ${claims.length} profile(s): profile validation is not implemented yet` };
  }
  return { run: true, valid: errors.length === 0, errors };
}

function profileStep(c: Case): Verdict {
  return { run: false, why: `validation against ${c.profile!.source}: profile validation is not implemented yet` };
}

const cases = (JSON.parse(readFileSync(join(DIR, 'manifest-r4.json'), 'utf8')) as { 'test-cases': Case[] })['test-cases'];
const steps: Step[] = [];
for (const c of cases) {
  steps.push({ c, step: 'base', java: c.expected.base, ours: base(c) });
  if (c.profile && c.expected.profile) steps.push({ c, step: 'profile', java: c.expected.profile, ours: profileStep(c) });
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
