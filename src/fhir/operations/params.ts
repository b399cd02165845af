/**
 * The input of an operation (https://hl7.org/fhir/R4/operations.html#request): primitive parameters from the
 * URL, and from a Parameters body on POST (valueX, or a resource). The same name in both is a 400.
 */
import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../errors/fhir-error.ts';
import type { FhirRequest } from '../types.ts';

export class OperationInput {
  readonly #query: URLSearchParams;
  readonly #params: ParametersParameter[];

  constructor(req: FhirRequest) {
    this.#query = req.query;
    const body = req.body as Resource | undefined;
    if (body !== undefined && body !== null && (typeof body !== 'object' || body.resourceType !== 'Parameters')) {
      throw new FhirError('FHIR_TYPE_MISMATCH', { type: 'Parameters', actual: String((body as Resource)?.resourceType), expression: 'resourceType' });
    }
    this.#params = (body as Parameters | undefined)?.parameter ?? [];
  }

  /** The parameter's value (a primitive as a string/number/boolean, a complex value as its object) */
  value(name: string): unknown {
    const inQuery = this.#query.get(name);
    const inBody = this.#params.filter((p) => p.name === name);
    if (inBody.length > 1) throw new FhirError('FHIR_PARAM_INVALID', { param: name, detail: 'given more than once' });
    if (inQuery !== null && inBody.length > 0) throw new FhirError('FHIR_PARAM_INVALID', { param: name, detail: 'given both in the URL and in the body' });
    if (inQuery !== null) return inQuery;
    const p = inBody[0];
    if (!p) return undefined;
    if (p.resource) return p.resource;
    const k = Object.keys(p).find((x) => x.startsWith('value'));
    return k ? (p as unknown as Record<string, unknown>)[k] : undefined;
  }

  string(name: string): string | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new FhirError('FHIR_PARAM_INVALID', { param: name, detail: 'expected a primitive value' });
    return v;
  }

  integer(name: string): number | undefined {
    const v = this.value(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new FhirError('FHIR_PARAM_INVALID', { param: name, detail: `'${String(v)}' is not a non-negative integer` });
    return n;
  }
}
