/**
 * $operations, one file each (https://hl7.org/fhir/R4/operations.html): system level (POST [base]/$name)
 * and type/instance level (POST [base]/[type]/$name, POST [base]/[type]/[id]/$name).
 */
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { reindex } from './reindex.ts';
import { validate } from './validate.ts';

/** The handler that dispatches to `table` by the operation name the router matched */
function dispatcher(table: Record<string, Handler>): Handler {
  return (env, req, p) => {
    const op = p.operation === undefined ? undefined : table[p.operation];
    if (!op) return Promise.reject(new FhirError('FHIR_OPERATION_UNKNOWN', { detail: `$${p.operation}` }));
    return op(env, req, p);
  };
}

const names = (table: Record<string, Handler>): ReadonlySet<string> => new Set(Object.keys(table).map((k) => `$${k}`));

const OPERATIONS: Record<string, Handler> = { reindex };
/** Operations on every resource type, at type and instance level */
const TYPE_OPERATIONS: Record<string, Handler> = { validate };

export const SYSTEM_OPERATIONS = names(OPERATIONS);
export const RESOURCE_OPERATIONS = names(TYPE_OPERATIONS);
export const systemOperation = dispatcher(OPERATIONS);
export const resourceOperation = dispatcher(TYPE_OPERATIONS);
