/**
 * The route table: which interaction answers which method on which path shape. It is the single source of
 * truth for both dispatch and the CapabilityStatement, so /metadata can never claim what the code does not do.
 * Interactions: https://hl7.org/fhir/R4/http.html , codes from https://hl7.org/fhir/R4/valueset-type-restful-interaction.html
 */
import type { Handler } from './context.ts';
import type { HttpMethod } from './types.ts';
import { batchOrTransaction } from './bundle/batch.ts';
import { capabilities } from './interactions/capabilities.ts';
import { create } from './interactions/create.ts';
import { conditionalDelete, del } from './interactions/delete.ts';
import { history } from './interactions/history.ts';
import { conditionalPatch, patch } from './interactions/patch.ts';
import { read } from './interactions/read.ts';
import { searchSystem } from './interactions/search-system.ts';
import { resourceOperation, systemOperation } from './operations/index.ts';
import { searchType } from './interactions/search-type.ts';
import { conditionalUpdate, update } from './interactions/update.ts';
import { vread } from './interactions/vread.ts';

/** Path shapes below the base */
export type Shape =
  | 'system' // []
  | 'metadata' // ['metadata']
  | 'system-history' // ['_history']
  | 'type' // [T]
  | 'type-search' // [T, '_search']
  | 'type-history' // [T, '_history']
  | 'instance' // [T, id]
  | 'instance-history' // [T, id, '_history']
  | 'version' // [T, id, '_history', vid]
  | 'compartment' // [T, id, T2]
  | 'system-operation' // ['$name']
  | 'type-operation' // ['Patient', '$validate']
  | 'instance-operation' // ['Patient', '123', '$validate']
  | 'system-search'; // ['_search']

export type TypeInteraction = 'read' | 'vread' | 'update' | 'patch' | 'delete' | 'history-instance' | 'history-type' | 'create' | 'search-type';
export type SystemInteraction = 'transaction' | 'batch' | 'search-system' | 'history-system';

export interface Route {
  method: HttpMethod;
  shape: Shape;
  handler: Handler;
  /** The CapabilityStatement interaction this route implements */
  interaction?: { level: 'type'; code: TypeInteraction } | { level: 'system'; code: SystemInteraction };
  /** Conditional variants are declared as flags on the resource, not as interactions */
  conditional?: 'create' | 'update' | 'delete' | 'patch' | 'read';
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', shape: 'metadata', handler: capabilities },
  { method: 'POST', shape: 'system', handler: batchOrTransaction, interaction: { level: 'system', code: 'transaction' } },
  { method: 'POST', shape: 'system', handler: batchOrTransaction, interaction: { level: 'system', code: 'batch' } },
  { method: 'GET', shape: 'system-history', handler: history, interaction: { level: 'system', code: 'history-system' } },
  { method: 'GET', shape: 'instance', handler: read, interaction: { level: 'type', code: 'read' }, conditional: 'read' },
  { method: 'GET', shape: 'version', handler: vread, interaction: { level: 'type', code: 'vread' } },
  { method: 'PUT', shape: 'instance', handler: update, interaction: { level: 'type', code: 'update' } },
  { method: 'PUT', shape: 'type', handler: conditionalUpdate, conditional: 'update' },
  { method: 'PATCH', shape: 'instance', handler: patch, interaction: { level: 'type', code: 'patch' } },
  { method: 'PATCH', shape: 'type', handler: conditionalPatch, conditional: 'patch' },
  { method: 'DELETE', shape: 'instance', handler: del, interaction: { level: 'type', code: 'delete' } },
  { method: 'DELETE', shape: 'type', handler: conditionalDelete, conditional: 'delete' },
  { method: 'GET', shape: 'instance-history', handler: history, interaction: { level: 'type', code: 'history-instance' } },
  { method: 'GET', shape: 'type-history', handler: history, interaction: { level: 'type', code: 'history-type' } },
  { method: 'POST', shape: 'type', handler: create, interaction: { level: 'type', code: 'create' }, conditional: 'create' },
  { method: 'GET', shape: 'type', handler: searchType, interaction: { level: 'type', code: 'search-type' } },
  { method: 'POST', shape: 'type-search', handler: searchType },
  { method: 'GET', shape: 'compartment', handler: searchType },
  { method: 'GET', shape: 'system', handler: searchSystem, interaction: { level: 'system', code: 'search-system' } },
  { method: 'POST', shape: 'system-search', handler: searchSystem },
  { method: 'POST', shape: 'system-operation', handler: systemOperation },
  { method: 'POST', shape: 'type-operation', handler: resourceOperation },
  { method: 'POST', shape: 'instance-operation', handler: resourceOperation },
  { method: 'GET', shape: 'type-operation', handler: resourceOperation },
  { method: 'GET', shape: 'instance-operation', handler: resourceOperation },
];

const index = new Map<string, Handler>();
for (const r of ROUTES) {
  const key = `${r.method} ${r.shape}`;
  if (!index.has(key)) index.set(key, r.handler);
}

export function findHandler(method: HttpMethod, shape: Shape): Handler | undefined {
  return index.get(`${method === 'HEAD' ? 'GET' : method} ${shape}`);
}

export function methodsFor(shape: Shape): HttpMethod[] {
  return [...new Set(ROUTES.filter((r) => r.shape === shape).map((r) => r.method))];
}
