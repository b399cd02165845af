/**
 * System-level $operations (POST [base]/$name), one file each. https://hl7.org/fhir/R4/operations.html
 */
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { reindex } from './reindex.ts';

const OPERATIONS: Record<string, Handler> = { reindex };

export const SYSTEM_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(OPERATIONS).map((k) => `$${k}`));

export const systemOperation: Handler = (env, req, p) => {
  const op = p.operation === undefined ? undefined : OPERATIONS[p.operation];
  if (!op) return Promise.reject(new FhirError('FHIR_OPERATION_UNKNOWN', { detail: `$${p.operation}` }));
  return op(env, req, p);
};
