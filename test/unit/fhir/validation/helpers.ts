/** Shared by the validation tests: one validator per level, and a compact view of the error issues. */
import { ResourceValidator } from '../../../../src/fhir/validation/index.ts';

export const schemaLevel = new ResourceValidator({ level: 'schema' });
export const fullLevel = new ResourceValidator({ level: 'full' });

export interface Seen { code: string; expression: string | undefined; message: string }

/** Error issues (warnings left out) as {code, expression, message} */
export function errors(v: ResourceValidator, resource: unknown, opts?: { allowConditionalReferences?: boolean }): Seen[] {
  return v.validate(resource, opts).issues
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => ({ code: i.code, expression: i.expression?.[0], message: i.message }));
}

export const patient = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Patient', id: 'p1', active: true, name: [{ family: 'Nordmann', given: ['Kari'] }],
  gender: 'female', birthDate: '1970-01-01', ...extra,
});

export const observation = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' },
  subject: { reference: 'Patient/p1' }, ...extra,
});
