/**
 * FhirRouter: FhirRequest -> FhirResponse over a Repository (DESIGN.md §1). No HTTP framework here: the
 * HTTP plugin builds the request and writes the response; batch and transaction entries re-enter `handle`
 * with the same shape. Path grammar: https://hl7.org/fhir/R4/http.html#general
 */
import { FhirError } from '../errors/fhir-error.ts';
import { ID_PATTERN } from '../store/serialise.ts';
import type { Repository } from '../store/repository.ts';
import type { RouteParams, RouterDeps } from './context.ts';
import { R4_RESOURCE_TYPE_SET } from './r4-resource-types.ts';
import { findHandler, methodsFor, type Shape } from './routes.ts';
import { isResourceOperation, SYSTEM_OPERATIONS } from './operations/index.ts';
import { CONFORMANCE_TYPES } from './validation/registry.ts';
import type { FhirRequest, FhirResponse } from './types.ts';
import { loadCustomParameters } from './custom-params.ts';
import { readResponse } from './respond.ts';

export class FhirRouter {
  readonly deps: RouterDeps;
  readonly repo: Repository;

  constructor(repo: Repository, deps: RouterDeps) {
    this.repo = repo;
    this.deps = deps;
  }

  /**
   * A plain read (`GET [base]/[type]/[id]`, no conditional headers) answered synchronously from the store's
   * memory, or undefined when it cannot be (not cached, deleted, not a read path): the caller then goes
   * through `handle`, which gives the same answer for every request this one answers. It is exactly
   * ./interactions/read.ts without the conditional headers; a rule the read interaction gains (access
   * control, audit) must be applied here too, or make this return undefined.
   */
  cachedRead(type: string, id: string): FhirResponse | undefined {
    if (!R4_RESOURCE_TYPE_SET.has(type) || !ID_PATTERN.test(id)) return undefined;
    const s = this.repo.cached?.(type, id);
    return s === undefined || s.deleted ? undefined : readResponse(s);
  }

  /** Handles one request against `repo` (the store, or a transaction's repository). Not `async`: the
   * handler's promise is returned as it is (one promise less per request); a synchronous throw from path
   * matching becomes a rejection, so callers see one failure channel. */
  handle = (req: FhirRequest, repo: Repository = this.repo): Promise<FhirResponse> => {
    try {
      const { shape, params } = matchPath(req.path);
      const handler = findHandler(req.method, shape);
      if (!handler) {
        const allowed = methodsFor(shape);
        if (allowed.length === 0) throw new FhirError('FHIR_ROUTE_NOT_FOUND', { detail: `${req.method} /${req.path.join('/')}` });
        throw new FhirError('FHIR_METHOD_NOT_ALLOWED', { detail: `${req.method} on /${req.path.join('/')} (allowed: ${allowed.join(', ')})` });
      }
      const done = handler({ repo, deps: this.deps, handle: this.handle }, req, params);
      // A write that may touch a profile, value set or code system: the profile validator reloads them
      if (req.method !== 'GET' && req.method !== 'HEAD' && repo === this.repo && ((params.type !== undefined && CONFORMANCE_TYPES.has(params.type)) || (shape === 'system' && bundleTouches(req.body, CONFORMANCE_TYPES)))) {
        void done.then(() => this.deps.conformance.invalidate(), () => this.deps.conformance.invalidate());
      }
      // Outside a transaction (repo === this.repo: committed), a write that may have touched a
      // SearchParameter rebuilds the custom search parameters (./custom-params.ts)
      if (req.method !== 'GET' && req.method !== 'HEAD' && repo === this.repo && (params.type === 'SearchParameter' || (shape === 'system' && bundleTouches(req.body, SEARCH_PARAMETER)))) {
        return done.then(async (res) => {
          await loadCustomParameters(this.repo);
          return res;
        });
      }
      return done;
    } catch (e) {
      return Promise.reject(e);
    }
  };
}

const SEARCH_PARAMETER: ReadonlySet<string> = new Set(['SearchParameter']);

/** Whether a batch or transaction Bundle has an entry that may write a resource of one of `types` */
function bundleTouches(body: unknown, types: ReadonlySet<string>): boolean {
  const entries = (body as { entry?: unknown } | undefined)?.entry;
  if (!Array.isArray(entries)) return true; // not a Bundle we understand: reload to be safe
  return entries.some((e: { resource?: { resourceType?: unknown }; request?: { url?: unknown } } | null) =>
    types.has(String(e?.resource?.resourceType)) || (typeof e?.request?.url === 'string' && types.has(e.request.url.replace(/^\//, '').split(/[/?]/)[0])));
}

export function matchPath(path: string[]): { shape: Shape; params: RouteParams } {
  const n = path.length;
  if (n === 0) return { shape: 'system', params: {} };
  const [first, second, third, fourth] = path;
  if (n === 1 && first === 'metadata') return { shape: 'metadata', params: {} };
  if (n === 1 && first === '_history') return { shape: 'system-history', params: {} };
  if (n === 1 && first === '_search') return { shape: 'system-search', params: {} };
  if (n === 1 && SYSTEM_OPERATIONS.has(first)) return { shape: 'system-operation', params: { operation: first.slice(1) } };
  if (n === 2 && R4_RESOURCE_TYPE_SET.has(first) && isResourceOperation(first, second)) return { shape: 'type-operation', params: { type: first, operation: second.slice(1) } };
  if (n === 3 && R4_RESOURCE_TYPE_SET.has(first) && isResourceOperation(first, third)) {
    if (!ID_PATTERN.test(second)) throw new FhirError('FHIR_ID_INVALID', { id: second });
    return { shape: 'instance-operation', params: { type: first, id: second, operation: third.slice(1) } };
  }
  if (first.startsWith('$') || second?.startsWith('$') || third?.startsWith('$')) {
    throw new FhirError('FHIR_OPERATION_UNKNOWN', { detail: path.find((s) => s.startsWith('$')) });
  }
  if (!R4_RESOURCE_TYPE_SET.has(first)) {
    if (/^[A-Z][A-Za-z]+$/.test(first)) throw new FhirError('FHIR_UNKNOWN_TYPE', { type: first });
    throw new FhirError('FHIR_ROUTE_NOT_FOUND', { detail: `/${path.join('/')}` });
  }
  const type = first;
  if (n === 1) return { shape: 'type', params: { type } };
  if (n === 2 && second === '_search') return { shape: 'type-search', params: { type } };
  if (n === 2 && second === '_history') return { shape: 'type-history', params: { type } };
  if (!ID_PATTERN.test(second)) throw new FhirError('FHIR_ID_INVALID', { id: second });
  if (n === 2) return { shape: 'instance', params: { type, id: second } };
  if (n === 3 && R4_RESOURCE_TYPE_SET.has(third)) return { shape: 'compartment', params: { type: third, compartment: { type, id: second } } };
  if (third === '_history') {
    if (n === 3) return { shape: 'instance-history', params: { type, id: second } };
    if (n === 4) {
      if (!ID_PATTERN.test(fourth)) throw new FhirError('FHIR_ID_INVALID', { id: fourth });
      return { shape: 'version', params: { type, id: second, versionId: fourth } };
    }
  }
  throw new FhirError('FHIR_ROUTE_NOT_FOUND', { detail: `/${path.join('/')}` });
}
