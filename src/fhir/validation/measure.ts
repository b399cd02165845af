/**
 * Measure and MeasureReport rules beyond their StructureDefinitions (https://hl7.org/fhir/R4/measure.html,
 * https://hl7.org/fhir/R4/measurereport.html), the ones the HL7 Java validator applies
 * (org.hl7.fhir.validation.instance.type.MeasureValidator):
 *
 * Measure
 *   - a stratifier criteria in CQL (text/cql, text/cql.identifier) names a definition in one of the
 *     Measure's libraries: there is a library; `Lib.Name` picks the library whose name is Lib (exactly one),
 *     an unqualified name needs exactly one library; the library carries compiled ELM (application/elm+xml,
 *     or application/elm+json) and its statements have a def of that name. As in the Java validator only
 *     stratifier criteria are checked (population criteria are not). A library that cannot be resolved is
 *     left out (Java gives a hint), so a CQL criterion then finds no library;
 *   - warnings: a Measure with no group; groups, populations and stratifiers without a code where there is
 *     more than one of them (a MeasureReport can only be matched to them by code).
 * MeasureReport (against the Measure it names, contained '#id' or by canonical url; unknown: a warning)
 *   - groups: one report group against one Measure group may be anonymous, but codes given on both must
 *     match; otherwise every report group has a code matching a distinct Measure group, and every Measure
 *     group is reported (unless the report type is data-collection);
 *   - populations and stratifiers likewise within a group (measure-observation populations need not be
 *     reported); a stratifier also matches on code.text when neither side has a coding;
 *   - population count: for subject-list reports the count equals the subjects listed (the entries of a
 *     contained List, otherwise the subjectResults given, as the Java validator counts); other reports list no
 *     subjectResults and should give a count;
 *   - measureScore by scoring (the group's cqm-scoring extension, else Measure.scoring): none for cohort
 *     measures or data-collection reports; required for proportion (a unitless value 0..1), ratio and
 *     continuous-variable (with the unit the Measure fixes in the questionnaire-unit extension, if any).
 */
import type { CodeableConcept, Coding, Expression, Library, List, Measure, MeasureGroup, MeasureGroupPopulation, MeasureGroupStratifier, MeasureReport, MeasureReportGroup } from '@medplum/fhirtypes';
import { XMLParser } from 'fast-xml-parser';
import type { Definitions, ProfileIssue } from './profile.ts';

type Json = Record<string, unknown>;
const RULE = 'measure';
const POPULATION = 'http://terminology.hl7.org/CodeSystem/measure-population';
const CQM_SCORING = 'http://hl7.org/fhir/uv/cqm/StructureDefinition/cqm-scoring';
const UNIT = 'http://hl7.org/fhir/StructureDefinition/questionnaire-unit';

/** The Measures and MeasureReports in a resource: itself, or the entries of a Bundle (recursively) */
export function validateMeasures(resource: unknown, defs: Definitions): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const visit = (r: Json, at: string): void => {
    if (r.resourceType === 'Measure') out.push(...validateMeasure(r as unknown as Measure, defs, at));
    else if (r.resourceType === 'MeasureReport') out.push(...validateMeasureReport(r as unknown as MeasureReport, defs, at));
    else if (r.resourceType === 'Bundle') {
      ((r.entry ?? []) as Json[]).forEach((e, i) => {
        if (e?.resource && typeof e.resource === 'object') visit(e.resource as Json, `${at}.entry[${i}].resource`);
      });
    }
  };
  if (resource !== null && typeof resource === 'object' && !Array.isArray(resource)) visit(resource as Json, String((resource as Json).resourceType));
  return out;
}

const error = (expression: string, message: string): ProfileIssue => ({ severity: 'error', expression, rule: RULE, message });
const warning = (expression: string, message: string): ProfileIssue => ({ severity: 'warning', expression, rule: RULE, message });

// ---------------------------------------------------------------------------------------------------- Measure

interface Compiled { url?: string; name?: string; elm?: Set<string> | string }

export function validateMeasure(m: Measure, defs: Definitions, at = 'Measure'): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const libraries: Compiled[] = [];
  for (const url of m.library ?? []) {
    const lib = defs.resource?.(url);
    if (lib?.resourceType === 'Library') libraries.push(compiled(lib));
  }
  const groups = m.group ?? [];
  if (groups.length === 0) out.push(warning(at, 'The Measure has no groups'));
  groups.forEach((g, i) => {
    const gat = `${at}.group[${i}]`;
    if (groups.length > 1 && !g.code) out.push(warning(gat, 'A Measure with more than one group should give each group a code'));
    const pops = g.population ?? [];
    if (pops.length === 0) out.push(warning(gat, 'A Measure group should have at least one population'));
    pops.forEach((p, k) => {
      if (pops.length > 1 && !p.code) out.push(warning(`${gat}.population[${k}]`, 'A Measure group with more than one population should give each population a code'));
    });
    const strats = g.stratifier ?? [];
    strats.forEach((s, k) => {
      const sat = `${gat}.stratifier[${k}]`;
      if (strats.length > 1 && !s.code) out.push(warning(sat, 'A Measure group with more than one stratifier should give each stratifier a code'));
      if (s.criteria) out.push(...criteria(s.criteria, libraries, `${sat}.criteria`));
    });
  });
  return out;
}

/** A CQL criterion against the definitions of the Measure's libraries */
function criteria(c: Expression, libraries: Compiled[], at: string): ProfileIssue[] {
  // the R4 binding is extensible: text/cql.identifier (CQL IG) is used beside the three R4 codes
  const language = c.language as string | undefined;
  if (language !== 'text/cql' && language !== 'text/cql.identifier') {
    return language ? [warning(at, `The expression language ${language} is not checked here`)] : [];
  }
  if (libraries.length === 0) return [error(at, 'No CQL Libraries found on this Measure')];
  let name = String(c.expression ?? '');
  let lib: Compiled | undefined;
  const dot = name.indexOf('.');
  if (dot >= 0) {
    const namespace = name.slice(0, dot);
    name = name.slice(dot + 1);
    const named = libraries.filter((l) => l.name === namespace);
    if (named.length > 1) return [error(at, `Multiple matching libraries found for the namespace ${namespace}`)];
    if (named.length === 0) return [error(at, `No matching Library found for the namespace ${namespace}`)];
    lib = named[0];
  } else {
    if (libraries.length !== 1) return [error(at, 'If the CQL expression does not include a namespace, there can only be one Library for the measure')];
    lib = libraries[0];
  }
  if (lib.elm === undefined) return [error(at, `Error in ${lib.url}: No compiled version of CQL found`)];
  if (typeof lib.elm === 'string') return [error(at, `Error in ${lib.url}: '${lib.elm}'`)];
  if (!lib.elm.has(name)) return [error(at, `The function ${name} does not exist in the library ${lib.url}`)];
  return [];
}

const elmParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: false, parseTagValue: false, isArray: (n) => n.endsWith('def') });

/** A Library's url, name and the statement names of its compiled ELM (or why the ELM could not be read) */
function compiled(lib: Library): Compiled {
  const out: Compiled = { url: lib.url, name: lib.name };
  for (const att of lib.content ?? []) {
    if (att.contentType !== 'application/elm+xml' && att.contentType !== 'application/elm+json') continue;
    try {
      const text = Buffer.from(att.data ?? '', 'base64').toString('utf8');
      out.elm = att.contentType === 'application/elm+xml' ? elmXml(text) : elmJson(text);
    } catch (e) {
      out.elm = (e as Error).message;
    }
    if (out.elm instanceof Set) break;
  }
  return out;
}

function elmXml(text: string): Set<string> {
  if (/<!DOCTYPE/i.test(text)) throw new Error('the ELM has a DOCTYPE, which is not read');
  const doc = elmParser.parse(text) as Json;
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  const root = rootName ? (doc[rootName] as Json) : undefined;
  const [prefix, local] = rootName?.includes(':') ? rootName.split(':') : [undefined, rootName];
  const ns = root?.[prefix ? `@xmlns:${prefix}` : '@xmlns'];
  if (!root || local !== 'library' || ns !== 'urn:hl7-org:elm:r1') throw new Error('Compiled version of CQL is not valid');
  const p = prefix ? `${prefix}:` : '';
  const defs = ((root[`${p}statements`] as Json | undefined)?.[`${p}def`] ?? []) as Json[];
  return new Set(defs.map((d) => String(d['@name'])));
}

function elmJson(text: string): Set<string> {
  const doc = JSON.parse(text) as { library?: { statements?: { def?: { name?: string }[] } } };
  if (!doc.library) throw new Error('Compiled version of CQL is not valid');
  return new Set((doc.library.statements?.def ?? []).map((d) => String(d.name)));
}

// ---------------------------------------------------------------------------------------------- MeasureReport

export function validateMeasureReport(mr: MeasureReport, defs: Definitions, at = 'MeasureReport'): ProfileIssue[] {
  const url = mr.measure;
  if (!url) return [];
  const found = url.startsWith('#') ? mr.contained?.find((c) => `#${c.id}` === url) : defs.resource?.(url);
  if (found?.resourceType !== 'Measure') {
    return [warning(`${at}.measure`, `The Measure '${url}' could not be resolved, so no validation can be performed against the Measure`)];
  }
  return new Report(mr, found as Measure, at).check();
}

class Report {
  readonly out: ProfileIssue[] = [];
  readonly #mr: MeasureReport;
  readonly #m: Measure;
  readonly #at: string;

  constructor(mr: MeasureReport, m: Measure, at: string) {
    this.#mr = mr;
    this.#m = m;
    this.#at = at;
  }

  check(): ProfileIssue[] {
    const given = this.#mr.group ?? [];
    const defined = this.#m.group ?? [];
    if (given.length === 1 && defined.length === 1) {
      // one group each: it may be anonymous, but codes on both sides must agree
      const [g, d] = [given[0], defined[0]];
      const gat = `${this.#at}.group[0]`;
      if (d.code && g.code) {
        if (!(g.code.coding ?? []).some((c) => c.system && c.code)) {
          this.out.push(error(gat, 'None of the codes provided are usable for comparison - need both system and code on at least one code'));
        } else if (!codingsMatch(g.code, d.code)) {
          this.out.push(error(gat, `The code provided (${show(g.code)}) does not match the code defined for the group in the measure (${show(d.code)})`));
        }
      }
      this.#group(g, d, gat);
      return this.out;
    }
    const seen = new Set<MeasureGroup>();
    given.forEach((g, i) => {
      const gat = `${this.#at}.group[${i}]`;
      if (!g.code) return void this.out.push(error(gat, 'Group should have a code that matches the group definition in the measure'));
      const d = defined.find((x) => x.code && codingsMatch(g.code!, x.code));
      if (!d) return void this.out.push(error(gat, 'The code for this group has no match in the measure definition'));
      if (seen.has(d)) return void this.out.push(error(gat, 'The code for this group is duplicated with another group'));
      seen.add(d);
      this.#group(g, d, gat);
    });
    if (this.#mr.type !== 'data-collection') {
      for (const d of defined) if (!seen.has(d)) this.out.push(error(this.#at, `The MeasureReport does not include a group for the group with code '${show(d.code)}'`));
    }
    return this.out;
  }

  #group(g: MeasureReportGroup, d: MeasureGroup, at: string): void {
    this.#populations(g, d, at);
    this.#score(g, d, at);
    this.#stratifiers(g, d, at);
  }

  #populations(g: MeasureReportGroup, d: MeasureGroup, at: string): void {
    const seen = new Set<MeasureGroupPopulation>();
    (g.population ?? []).forEach((p, i) => {
      const pat = `${at}.population[${i}]`;
      if (!p.code) return void this.out.push(error(pat, 'Group should have a code that matches the group population definition in the measure'));
      const dp = (d.population ?? []).find((x) => x.code && codingsMatch(p.code!, x.code));
      if (!dp) return void this.out.push(error(pat, 'The code for this group population has no match in the measure definition'));
      if (seen.has(dp)) return void this.out.push(error(pat, 'The code for this group population is duplicated with another population'));
      seen.add(dp);
      const subjects = p.subjectResults;
      if (this.#mr.type === 'subject-list') {
        if (typeof p.count !== 'number') return;
        const list = subjects?.reference?.startsWith('#') ? this.#mr.contained?.find((c) => `#${c.id}` === subjects.reference && c.resourceType === 'List') : undefined;
        const listed = list ? (list as List).entry?.length ?? 0 : subjects ? 1 : 0;
        if (p.count !== listed) this.out.push(error(pat, `Mismatch between count ${p.count} and number of subjects ${listed}`));
      } else {
        if (subjects) this.out.push(error(pat, "Reports where type is not 'subject-list' don't have subjects listed"));
        if (p.count === undefined) this.out.push(warning(pat, "Count should be present for reports where type is not 'subject-list'"));
      }
    });
    for (const dp of d.population ?? []) {
      const observation = dp.code?.coding?.some((c) => c.system === POPULATION && c.code === 'measure-observation');
      if (!seen.has(dp) && !observation) this.out.push(error(at, `The MeasureReport does not include a population for the population with code '${show(dp.code)}'`));
    }
  }

  #stratifiers(g: MeasureReportGroup, d: MeasureGroup, at: string): void {
    const seen = new Set<MeasureGroupStratifier>();
    (g.stratifier ?? []).forEach((s, i) => {
      const sat = `${at}.stratifier[${i}]`;
      const code = s.code?.[0];
      if (!code) return void this.out.push(error(sat, 'Group should have a code that matches the group stratifier definition in the measure'));
      const ds = (d.stratifier ?? []).find((x) => x.code && stratifierMatches(code, x.code));
      if (!ds) return void this.out.push(error(sat, 'The code for this stratifier has no match in the measure definition'));
      if (seen.has(ds)) return void this.out.push(error(sat, 'The code for this stratifier is duplicated with another stratifier'));
      seen.add(ds);
    });
    for (const ds of d.stratifier ?? []) {
      if (!seen.has(ds)) this.out.push(error(at, `The MeasureReport does not include a stratifier for the stratifier with code '${show(ds.code)}'${ds.id ? ` (id = '${ds.id}')` : ''}`));
    }
  }

  /** measureScore by the scoring of the group (cqm-scoring) or of the Measure */
  #score(g: MeasureReportGroup, d: MeasureGroup, at: string): void {
    const ms = g.measureScore;
    const sat = `${at}.measureScore`;
    const groupScoring = ((d.extension ?? []).find((e) => e.url === CQM_SCORING)?.valueCodeableConcept as CodeableConcept | undefined);
    const scoring = (groupScoring ?? this.#m.scoring)?.coding?.[0]?.code;
    if (this.#mr.type === 'data-collection') {
      if (ms) this.out.push(error(sat, "No measureScore when the type of the report is 'data-collection'"));
      return;
    }
    if (scoring === 'cohort') {
      if (ms) this.out.push(error(sat, "No measureScore when the scoring of the message is 'cohort'"));
      return;
    }
    if (scoring !== 'proportion' && scoring !== 'ratio' && scoring !== 'continuous-variable') return;
    if (!ms) return void this.out.push(error(at, `A measureScore is required when the Measure.scoring=${scoring}`));
    const alternate = (ms.extension ?? []).find((e) => e.url === 'http://hl7.org/fhir/us/davinci-deqm/StructureDefinition/extension-alternateScoreType');
    const value = ms.value ?? (alternate ? alternate.valueDecimal ?? alternate.valueInteger ?? alternate.valueString : undefined);
    if (scoring === 'proportion') {
      for (const k of ['unit', 'system', 'code'] as const) if (ms[k] !== undefined) this.out.push(error(`${sat}.${k}`, 'A measureScore for this Measure Scoring (proportion) should not have units'));
      if (value === undefined) return void this.out.push(error(sat, 'A value is required when the Measure.scoring = proportion'));
      if (typeof value === 'number' && (value < 0 || value > 1)) this.out.push(error(`${sat}.value`, 'The value is invalid - it must be between 0 and 1'));
      return;
    }
    if (value === undefined) return void this.out.push(error(sat, `A value is required when the Measure.scoring = ${scoring}`));
    const fixed = (this.#m.extension ?? []).find((e) => e.url === UNIT)?.valueCoding as Coding | undefined;
    if (ms.code !== undefined && fixed) {
      if (fixed.code !== ms.code) this.out.push(error(`${sat}.code`, `This value is fixed by the Measure to '${fixed.code}'`));
      if (fixed.system !== ms.system) this.out.push(error(sat, `This value is fixed by the Measure to '${fixed.system}'`));
    } else if (fixed) {
      this.out.push(error(sat, `This value is fixed by the Measure to '${fixed.system ?? ''}#${fixed.code ?? ''}'`));
    } else if (ms.code === undefined && scoring === 'ratio') {
      this.out.push(warning(sat, 'A unit should be present when the scoring type is ratio'));
    }
  }
}

/** Some coding (system and code) of the Measure's concept is among the report's */
function codingsMatch(given: CodeableConcept, defined: CodeableConcept): boolean {
  return (defined.coding ?? []).some((d) => (given.coding ?? []).some((g) => g.system === d.system && g.code === d.code));
}

/** As codingsMatch; stratifiers named by text only (no codings on either side) match on equal text */
function stratifierMatches(given: CodeableConcept, defined: CodeableConcept): boolean {
  if (codingsMatch(given, defined)) return true;
  return !given.coding?.length && !defined.coding?.length && given.text !== undefined && given.text === defined.text;
}

const show = (cc: CodeableConcept | undefined): string =>
  cc?.text ?? (cc?.coding ?? []).map((c) => `${c.system ?? ''}#${c.code ?? ''}`).join(', ');

