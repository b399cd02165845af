/**
 * The direct path of a transaction (https://hl7.org/fhir/R4/http.html#transaction; the general path is
 * ./transaction.ts). A Bundle whose entries are all creates (POST Type, no If-None-Exist) and updates by id
 * (PUT Type/id), with no reference by search (`Type?params`), needs nothing from the store to resolve its
 * identities: POSTs get new ids, PUTs keep theirs. So everything that is CPU is done before the store is
 * involved: ids, the fullUrl rewriting, the structure and profile checks, the reference check against
 * committed data, the index rows. The writes then go to the store as one job (Repository.updateAll,
 * all-or-nothing). On the SQLite store that job runs in the writer thread and shares a group commit with
 * other writes, so the event loop prepares the next Bundle while this one is written, instead of holding the
 * writer while it validates (measured in the closing note of the core issue: `npm run bench`).
 *
 * The answer is the general path's: POSTs are written before PUTs (entry order within each), a POST is
 * written as update-as-create of its new id and answered 201, every error names its entry, two entries
 * writing one resource are FHIR_TRANSACTION_OVERLAP, and nothing is written when one entry fails. The one
 * difference is isolation of the reference check: it reads the committed state just before the write, as a
 * single create or update does (../interactions/update.ts); a target deleted in between is the race any
 * store without foreign keys has. Any other Bundle (DELETE, PATCH, GET, conditional entries or references,
 * conformance resources and SearchParameters, whose writes reload server state) takes the general path.
 */
import { FhirError } from '../../errors/fhir-error.ts';
import { UpdateAllError, type UpdateItem, type UpdateResult } from '../../store/repository.ts';
import { ID_PATTERN, newId } from '../../store/serialise.ts';
import type { Env } from '../context.ts';
import { checkedUpdate, updateResponse } from '../interactions/update.ts';
import { R4_RESOURCE_TYPE_SET } from '../r4-resource-types.ts';
import type { FhirRequest, FhirResponse } from '../types.ts';
import { CONFORMANCE_TYPES } from '../validation/registry.ts';
import { atEntry, CONDITIONAL_REFERENCE, guard, referenceSites, responseEntry, toRequest, type EntryRequest } from './entries.ts';
import { bundleJson, type RawEntry } from './json.ts';

/** The answer, or undefined when the Bundle needs the general path */
export async function directTransaction(env: Env, req: FhirRequest, entries: EntryRequest[]): Promise<FhirResponse | undefined> {
  if (entries.length === 0 || !entries.every(direct)) return undefined;
  const sites = entries.map((e) => referenceSites(e.resource));
  if (sites.some((list) => list.some((o) => CONDITIONAL_REFERENCE.test(o.reference as string)))) return undefined;

  // 1. Identities, and entries that would write one resource twice
  const ids: string[] = [];
  const owner = new Map<string, number>();
  const byFullUrl = new Map<string, string>();
  for (const e of entries) {
    const id = e.method === 'POST' ? newId() : e.path[1];
    const key = `${e.path[0]}/${id}`;
    const other = owner.get(key);
    if (other !== undefined) throw new FhirError('FHIR_TRANSACTION_OVERLAP', { detail: `${other} and ${e.index} (${key})`, expression: `Bundle.entry[${e.index}]` });
    owner.set(key, e.index);
    if (e.fullUrl) byFullUrl.set(e.fullUrl, key);
    ids.push(id);
  }
  // 2. fullUrls to Type/id everywhere
  for (const list of sites) {
    for (const o of list) {
      const mapped = byFullUrl.get(o.reference as string);
      if (mapped) o.reference = mapped;
    }
  }
  // 3. Each entry's checks, in the order of the writes: POSTs, then PUTs
  const pending: ReadonlySet<string> = new Set(owner.keys());
  const internal = { pendingTargets: pending, inTransaction: true };
  const none = new URLSearchParams();
  const order = entries.map((e) => e.index).sort((a, b) => Number(entries[a].method === 'PUT') - Number(entries[b].method === 'PUT') || a - b);
  const items: UpdateItem[] = [];
  const requests: FhirRequest[] = [];
  for (const i of order) {
    const e = entries[i];
    const type = e.path[0];
    const body = e.resource && typeof e.resource === 'object' ? { ...e.resource, id: ids[i] } : e.resource;
    const r = toRequest(req, e, { method: 'PUT', path: [type, ids[i]], query: none, body, internal });
    items.push(await guard(e, () => checkedUpdate(env, env.repo, r, type, ids[i])));
    requests.push(r);
  }
  // 4. One write job
  let written: UpdateResult[];
  try {
    written = await env.repo.updateAll(items);
  } catch (err) {
    if (!(err instanceof UpdateAllError)) throw err;
    const cause = err.cause;
    throw cause instanceof FhirError ? atEntry(cause, order[err.index]) : cause;
  }
  const results: RawEntry[] = new Array(entries.length);
  order.forEach((i, k) => {
    const res = updateResponse(written[k], requests[k]);
    results[i] = responseEntry(entries[i].method === 'POST' ? { ...res, status: 201 } : res, `${req.context.baseUrl}/${entries[i].path[0]}/${ids[i]}`);
  });
  return { status: 200, raw: bundleJson({ type: 'transaction-response' }, results) };
}

/** Whether an entry can take the direct path */
function direct(e: EntryRequest): boolean {
  const type = e.path[0];
  if (type === undefined || !R4_RESOURCE_TYPE_SET.has(type) || CONFORMANCE_TYPES.has(type) || type === 'SearchParameter') return false;
  if (e.query.size > 0) return false;
  if (e.method === 'POST') return e.path.length === 1 && !e.headers['if-none-exist'];
  return e.method === 'PUT' && e.path.length === 2 && ID_PATTERN.test(e.path[1]);
}
