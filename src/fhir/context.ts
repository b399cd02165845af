/**
 * What an interaction handler is given. Handlers receive the repository to use (the store, or a transaction's
 * repository when re-entered from a transaction Bundle) and never open storage themselves.
 */
import type { HelsebroOptions } from '../config/options.ts';
import type { Repository } from '../store/repository.ts';
import type { FhirRequest, FhirResponse } from './types.ts';
import type { ErrorIssue } from '../errors/fhir-error.ts';
import type { ReferenceSite } from './validation/index.ts';
import type { ConformanceRegistry } from './validation/registry.ts';

export type { ReferenceSite };

/** The structure check every write goes through (src/fhir/validation). */
export interface WriteValidator {
  assertValid(resource: unknown): ReferenceSite[];
  /** The same check without throwing: every issue, warnings included ($validate) */
  validate(resource: unknown): { issues: ErrorIssue[]; references: ReferenceSite[] };
}

export interface RouterDeps {
  validator: WriteValidator;
  options: HelsebroOptions;
  /** The profiles, value sets and code systems the server holds, for profile validation */
  conformance: ConformanceRegistry;
}

export interface RouteParams {
  type?: string;
  id?: string;
  versionId?: string;
  /** Compartment search: the compartment's resource (Patient/123 in Patient/123/Observation) */
  compartment?: { type: string; id: string };
  /** System operation name without the $ */
  operation?: string;
}

export interface Env {
  repo: Repository;
  deps: RouterDeps;
  /** Re-entry point for batch and transaction entries */
  handle: (req: FhirRequest, repo: Repository) => Promise<FhirResponse>;
}

export type Handler = (env: Env, req: FhirRequest, params: RouteParams) => Promise<FhirResponse>;
