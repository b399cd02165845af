/**
 * $operations, one file each (https://hl7.org/fhir/R4/operations.html): system level (POST [base]/$name)
 * and type/instance level ([base]/[type]/$name, [base]/[type]/[id]/$name). An operation that changes nothing
 * (affectsState false: the terminology ones) may also be invoked with GET and its primitive parameters in the
 * URL (operations.html#request). Our own type operations (Location/$board) have OperationDefinitions under
 * https://helsebro.no/fhir/OperationDefinition, shipped in profiles/local.
 */
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { board } from './board.ts';
import { expand } from './expand.ts';
import { lookup } from './lookup.ts';
import { reindex } from './reindex.ts';
import { subsumes } from './subsumes.ts';
import { translate } from './translate.ts';
import { validateCode } from './validate-code.ts';
import { validate } from './validate.ts';

interface Operation {
  handler: Handler;
  /** the resource types it is defined on ('*': every type) */
  types: '*' | readonly string[];
  /** GET allowed (the operation affects no state) */
  get: boolean;
  /** the OperationDefinition, per type when it differs ({type} is replaced) */
  definition: string;
}

const HL7 = 'http://hl7.org/fhir/OperationDefinition';
const OURS = 'https://helsebro.no/fhir/OperationDefinition';

const OPERATIONS: Record<string, Handler> = { reindex };

const TYPE_OPERATIONS: Record<string, Operation> = {
  validate: { handler: validate, types: '*', get: false, definition: `${HL7}/Resource-validate` },
  expand: { handler: expand, types: ['ValueSet'], get: true, definition: `${HL7}/ValueSet-expand` },
  lookup: { handler: lookup, types: ['CodeSystem'], get: true, definition: `${HL7}/CodeSystem-lookup` },
  'validate-code': { handler: validateCode, types: ['CodeSystem', 'ValueSet'], get: true, definition: `${HL7}/{type}-validate-code` },
  subsumes: { handler: subsumes, types: ['CodeSystem'], get: true, definition: `${HL7}/CodeSystem-subsumes` },
  translate: { handler: translate, types: ['ConceptMap'], get: true, definition: `${HL7}/ConceptMap-translate` },
  board: { handler: board, types: ['Location'], get: true, definition: `${OURS}/Location-board` },
};

const on = (op: Operation, type: string): boolean => op.types === '*' || op.types.includes(type);

export const SYSTEM_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(OPERATIONS).map((k) => `$${k}`));

/** Whether `$name` is an operation of `type` */
export function isResourceOperation(type: string, segment: string): boolean {
  const op = TYPE_OPERATIONS[segment.slice(1)];
  return segment.startsWith('$') && op !== undefined && on(op, type);
}

/** The operations of a type, for the CapabilityStatement */
export function operationsOf(type: string): { name: string; definition: string }[] {
  return Object.entries(TYPE_OPERATIONS).filter(([, op]) => on(op, type)).map(([name, op]) => ({ name, definition: op.definition.replace('{type}', type) }));
}

export const systemOperation: Handler = (env, req, p) => {
  const op = p.operation === undefined ? undefined : OPERATIONS[p.operation];
  if (!op) return Promise.reject(new FhirError('FHIR_OPERATION_UNKNOWN', { detail: `$${p.operation}` }));
  return op(env, req, p);
};

export const resourceOperation: Handler = (env, req, p) => {
  const op = p.operation === undefined ? undefined : TYPE_OPERATIONS[p.operation];
  if (!op || !on(op, p.type!)) return Promise.reject(new FhirError('FHIR_OPERATION_UNKNOWN', { detail: `$${p.operation}` }));
  if ((req.method === 'GET' || req.method === 'HEAD') && !op.get) {
    return Promise.reject(new FhirError('FHIR_METHOD_NOT_ALLOWED', { detail: `$${p.operation} changes or checks a resource you send: use POST` }));
  }
  return op.handler(env, req, p);
};
