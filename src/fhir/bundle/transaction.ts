/**
 * transaction: all-or-nothing inside one repository transaction (DESIGN.md house rule 8).
 * https://hl7.org/fhir/R4/http.html#transaction
 * 1. Resolve every entry's identity first: POST gets a new id (or, with ifNoneExist, the one existing match),
 *    conditional PUT/PATCH/DELETE are matched; two entries acting on the same resource are refused.
 * 2. Rewrite references everywhere in the entry resources: fullUrls (urn:uuid, urn:oid, absolute) to the
 *    resolved Type/id, and conditional references (Type?params) to their single match.
 * 3. Process DELETE, POST, PUT/PATCH, GET in that order, each re-entering the router with the transaction's
 *    repository; a POST becomes a PUT to its pre-assigned id (update-as-create), which is the same write.
 * Isolation: writers are serialised by the store, so the transaction is serialisable against other writes.
 */
import { FhirError } from '../../errors/fhir-error.ts';
import { newId } from '../../store/serialise.ts';
import type { Repository } from '../../store/repository.ts';
import { matchCondition, singleMatch } from '../conditional.ts';
import type { Env } from '../context.ts';
import type { FhirRequest, FhirResponse } from '../types.ts';
import { CONDITIONAL_REFERENCE, guard, referenceSites, responseEntry, toRequest, type EntryRequest } from './entries.ts';
import { bundleJson, type RawEntry } from './json.ts';
import { directTransaction } from './transaction-direct.ts';

type Plan =
  | { kind: 'write'; method: 'POST' | 'PUT' | 'PATCH'; type: string; id: string }
  | { kind: 'delete'; type: string; id?: string }
  | { kind: 'existing'; type: string; id: string }
  | { kind: 'read' };

const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

export async function transaction(env: Env, req: FhirRequest, entries: EntryRequest[]): Promise<FhirResponse> {
  const direct = await directTransaction(env, req, entries);
  if (direct) return direct;
  const out = await env.repo.withTransaction(async (tx) => {
    const plans: Plan[] = [];
    const byFullUrl = new Map<string, string>();
    const owner = new Map<string, number>();
    for (const e of entries) {
      const plan = await guard(e, () => resolve(env, tx, e));
      plans.push(plan);
      if (plan.kind === 'read' || (plan.kind === 'delete' && !plan.id)) continue;
      const key = `${plan.type}/${plan.id}`;
      const other = owner.get(key);
      if (other !== undefined) throw new FhirError('FHIR_TRANSACTION_OVERLAP', { detail: `${other} and ${e.index} (${key})`, expression: `Bundle.entry[${e.index}]` });
      owner.set(key, e.index);
      if (e.fullUrl) byFullUrl.set(e.fullUrl, key);
    }
    for (const e of entries) {
      if (e.resource) await guard(e, () => rewriteReferences(env, tx, e.resource, byFullUrl));
    }
    const pending = new Set<string>();
    plans.forEach((p) => { if (p.kind === 'write') pending.add(`${p.type}/${p.id}`); });
    const order = entries.map((e) => e.index).sort((a, b) => ORDER[entries[a].method] - ORDER[entries[b].method] || a - b);
    const results: RawEntry[] = new Array(entries.length);
    for (const i of order) {
      const e = entries[i];
      const res = await guard(e, () => process(env, tx, req, e, plans[i], pending));
      results[i] = responseEntry(res, fullUrlOf(req, plans[i]));
    }
    return results;
  });
  return { status: 200, raw: bundleJson({ type: 'transaction-response' }, out) };
}

async function resolve(env: Env, tx: Repository, e: EntryRequest): Promise<Plan> {
  const [type, id, ...more] = e.path;
  const max = env.deps.options.maxCount;
  const conditional = e.path.length === 1 && [...e.query.keys()].length > 0;
  if (e.method === 'GET' || e.method === 'HEAD') return { kind: 'read' };
  if (!type || more.length > 0 || (e.method === 'POST' && id !== undefined)) {
    throw new FhirError('FHIR_BUNDLE_INVALID', { detail: `${e.method} ${e.url} is not a transaction interaction`, expression: `Bundle.entry[${e.index}].request.url` });
  }
  if (e.method === 'POST') {
    const cond = e.headers['if-none-exist'];
    if (cond) {
      const match = singleMatch(await matchCondition(tx, type, cond, max), type, cond);
      if (match) return { kind: 'existing', type, id: match.id };
    }
    return { kind: 'write', method: 'POST', type, id: newId() };
  }
  if (id !== undefined) return e.method === 'DELETE' ? { kind: 'delete', type, id } : { kind: 'write', method: e.method as 'PUT' | 'PATCH', type, id };
  if (!conditional) throw new FhirError('FHIR_CONDITION_REQUIRED');
  const match = singleMatch(await matchCondition(tx, type, e.query, max), type, e.query.toString());
  if (e.method === 'DELETE') return { kind: 'delete', type, id: match?.id };
  if (e.method === 'PATCH') {
    if (!match) throw new FhirError('FHIR_NOT_FOUND', { type, id: `?${e.query.toString()}` });
    return { kind: 'write', method: 'PATCH', type, id: match.id };
  }
  const bodyId = (e.resource as { id?: string } | undefined)?.id;
  if (match && bodyId !== undefined && bodyId !== match.id) {
    throw new FhirError('FHIR_ID_MISMATCH', { id: match.id, actual: bodyId, expression: `Bundle.entry[${e.index}].resource.id` });
  }
  return { kind: 'write', method: 'PUT', type, id: match?.id ?? bodyId ?? newId() };
}

async function process(env: Env, tx: Repository, req: FhirRequest, e: EntryRequest, plan: Plan, pending: Set<string>): Promise<FhirResponse> {
  const internal = { pendingTargets: pending, inTransaction: true };
  const none = new URLSearchParams();
  switch (plan.kind) {
    case 'read':
      return env.handle(toRequest(req, e, { internal }), tx);
    case 'existing':
      return env.handle(toRequest(req, e, { method: 'GET', path: [plan.type, plan.id], query: none, headers: { prefer: req.headers.prefer }, body: undefined, internal }), tx);
    case 'delete':
      if (!plan.id) return { status: 204 };
      return env.handle(toRequest(req, e, { path: [plan.type, plan.id], query: none, internal }), tx);
    case 'write': {
      if (plan.method === 'PATCH') return env.handle(toRequest(req, e, { path: [plan.type, plan.id], query: none, internal }), tx);
      const body = e.resource && typeof e.resource === 'object' ? { ...e.resource, id: plan.id } : e.resource;
      const res = await env.handle(toRequest(req, e, { method: 'PUT', path: [plan.type, plan.id], query: none, body, internal }), tx);
      return plan.method === 'POST' ? { ...res, status: 201 } : res;
    }
  }
}

/** Rewrites Reference.reference values in place: fullUrl -> Type/id; Type?params -> its single match. */
async function rewriteReferences(env: Env, tx: Repository, node: unknown, byFullUrl: Map<string, string>): Promise<void> {
  for (const site of referenceSites(node)) {
    const v = site.reference as string;
    const mapped = byFullUrl.get(v);
    if (mapped) site.reference = mapped;
    else if (CONDITIONAL_REFERENCE.test(v)) site.reference = await resolveConditionalReference(env, tx, v);
  }
}

async function resolveConditionalReference(env: Env, tx: Repository, ref: string): Promise<string> {
  const [type, query] = ref.split('?', 2);
  const matches = await matchCondition(tx, type, query, env.deps.options.maxCount);
  const match = singleMatch(matches, type, ref);
  if (!match) throw new FhirError('FHIR_CONDITIONAL_REF_NO_MATCH', { reference: ref });
  return `${type}/${match.id}`;
}

function fullUrlOf(req: FhirRequest, plan: Plan): string | undefined {
  return plan.kind === 'write' || plan.kind === 'existing' ? `${req.context.baseUrl}/${plan.type}/${plan.id}` : undefined;
}
