/**
 * The conformance resources the server holds (StructureDefinition, ValueSet, CodeSystem, Questionnaire,
 * ConceptMap, and the Measure and Library a MeasureReport or Measure is checked against), over the profiles
 * Helsebro ships (./bundled.ts: no-basis), the code lists of the terminology folder (src/terminology/folder.ts:
 * an operator's import, HELSEBRO_TERMINOLOGY_DIR) and the R4 core definitions, as the profile validator's lookup
 * (./definitions.ts). Loaded from the store on first use and
 * kept until a write touches one of those types (the router calls invalidate()), so a profile is read and its
 * snapshot built once, not on every validation (issue: validation, point 2).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';
import type { Terminology } from '../../terminology/service.ts';
import { bundledConformance } from './bundled.ts';
import { definitionsWith } from './definitions.ts';
import type { Definitions } from './profile.ts';

export const CONFORMANCE_TYPES: ReadonlySet<string> = new Set(['StructureDefinition', 'ValueSet', 'CodeSystem', 'Questionnaire', 'ConceptMap', 'Measure', 'Library']);
const PAGE = 500;

export class ConformanceRegistry {
  readonly #repo: Repository;
  readonly #codeLists: readonly Resource[];
  #loading: Promise<Definitions> | undefined;

  /** codeLists: the terminology folder's resources, read at boot (they sit between the shipped packages and the
   *  stored resources: a stored resource with the same url wins) */
  constructor(repo: Repository, codeLists: readonly Resource[] = []) {
    this.#repo = repo;
    this.#codeLists = codeLists;
  }

  /** The terminology service over the bundled R4 terminology and the server's own (src/terminology) */
  async terminology(): Promise<Terminology> {
    return (await this.definitions()).terminology!;
  }

  definitions(): Promise<Definitions> {
    this.#loading ??= this.#load().catch((e: unknown) => {
      this.#loading = undefined;
      throw e;
    });
    return this.#loading;
  }

  invalidate(): void {
    this.#loading = undefined;
  }

  async #load(): Promise<Definitions> {
    const held: Resource[] = [];
    for (const type of CONFORMANCE_TYPES) {
      for (let offset = 0; ; offset += PAGE) {
        const page = await this.#repo.search({ resourceType: type, filters: [], sort: [{ param: '_id', descending: false }], count: PAGE, offset, total: false });
        for (const e of page.entries) held.push(JSON.parse(e.raw) as Resource);
        if (page.entries.length < PAGE) break;
      }
    }
    return definitionsWith([...bundledConformance(), ...this.#codeLists, ...held], this.#codeLists);
  }
}
