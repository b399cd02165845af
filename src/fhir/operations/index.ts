/**
 * $operations, one file each (https://hl7.org/fhir/R4/operations.html): system level (POST [base]/$name)
 * and type/instance level (POST [base]/[type]/$name, POST [base]/[type]/[id]/$name).
 */
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { reindex } from './reindex.ts';
import { validate } from './validate.ts';

const OPERATIONS: Record<string, Handler> = { reindex };

export const SYSTEM_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(OPERATIONS).map((k) => `$${k}`));

export const systemOperation: Handler = (env, req, p) => {
  const op = p.operation === undefined ? undefined : OPERATIONS[p.operation];
  if (!op) return Promise.reject(new FhirError('FHIR_OPERATION_UNKNOWN', { detail: `$${p.operation}` }));
  return op(env, req, p);
};

/** Operations on every resource type, at type and instance level */
const TYPE_OPERATIONS: Record<string, Handler> = { validate };

export const RESOURCE_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(TYPE_OPERATIONS).map((k) => `$${k}`));

export const resourceOperation: Handler = (env, req, p) => {
  const op = p.operation === undefined ? undefined : TYPE_OPERATIONS[p.operation];
  if (!op) return Promise.reject(new FhirError('FHIR_OPERATION_UNKNOWN', { detail: `$${p.operation}` }));
  return op(env, req, p);
};
