/**
 * /metadata: the CapabilityStatement, generated from the route table (routes.ts), the supported search
 * parameters (search/parse.ts) and the server options, so it can never claim what the code does not do.
 * https://hl7.org/fhir/R4/capabilitystatement.html , https://hl7.org/fhir/R4/http.html#capabilities
 */
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { supportedSearchParams } from '../../search/parse.ts';
import { R4_RESOURCE_TYPES } from '../r4-resource-types.ts';
import { ROUTES, type SystemInteraction, type TypeInteraction } from '../routes.ts';
import { operationsOf, SYSTEM_OPERATIONS } from '../operations/index.ts';
import type { Handler } from '../context.ts';
import { bundledProfilesOf } from '../validation/bundled.ts';
import type { HelsebroOptions } from '../../config/options.ts';

export const SOFTWARE_VERSION = '0.1.0';
/** Canonical base of Helsebro's own OperationDefinitions (the namespace of ../outcome.ts ERROR_CODE_SYSTEM) */
const OPERATION_BASE = 'https://helsebro.no/fhir/OperationDefinition';
const cache = new Map<string, string>();

export const capabilities: Handler = async (env, req) => {
  const { referentialIntegrity, validation, enforceProfiles } = env.deps.options;
  const key = `${req.context.baseUrl}|${referentialIntegrity}|${validation}|${enforceProfiles}`;
  let raw = cache.get(key);
  if (!raw) {
    raw = JSON.stringify(buildCapabilityStatement(req.context.baseUrl, env.deps.options));
    cache.set(key, raw);
  }
  return { status: 200, raw };
};

const supportedProfiles = (type: string): { supportedProfile?: string[] } => {
  const urls = bundledProfilesOf(type);
  return urls.length ? { supportedProfile: urls } : {};
};

export function buildCapabilityStatement(baseUrl: string, options: HelsebroOptions): CapabilityStatement {
  const typeCodes = [...new Set(ROUTES.flatMap((r) => (r.interaction?.level === 'type' ? [r.interaction.code] : [])))] as TypeInteraction[];
  const systemCodes = [...new Set(ROUTES.flatMap((r) => (r.interaction?.level === 'system' ? [r.interaction.code] : [])))] as SystemInteraction[];
  const cond = new Set(ROUTES.map((r) => r.conditional).filter(Boolean));
  const resources = R4_RESOURCE_TYPES.map((type): CapabilityStatementRestResource => ({
    type: type as CapabilityStatementRestResource['type'],
    profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
    // the profiles shipped with the server (profiles/no-basis), which $validate and meta.profile use
    ...supportedProfiles(type),
    interaction: typeCodes.map((code) => ({ code })),
    versioning: 'versioned-update',
    readHistory: typeCodes.includes('vread'),
    updateCreate: true,
    conditionalCreate: cond.has('create'),
    conditionalRead: cond.has('read') ? 'full-support' : 'not-supported',
    conditionalUpdate: cond.has('update'),
    conditionalDelete: cond.has('delete') ? 'single' : 'not-supported',
    referencePolicy: options.referentialIntegrity === 'enforce' ? ['literal', 'local', 'enforced'] : ['literal', 'local'],
    searchInclude: ['*'],
    searchRevInclude: ['*'],
    searchParam: supportedSearchParams(type).map((p) => ({ name: p.name, definition: p.definition, type: p.type as 'string' })),
    // The type and instance $operations the router dispatches (../operations/index.ts), defined by HL7
    operation: operationsOf(type),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-23',
    publisher: 'Helsebro',
    kind: 'instance',
    software: { name: 'Helsebro', version: SOFTWARE_VERSION },
    implementation: { description: 'Helsebro FHIR R4 server', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json', 'application/fhir+xml', 'xml'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation: `Validation on write: ${options.validation}. Referential integrity: ${options.referentialIntegrity}.`
          + (options.enforceProfiles ? ' Profiles: a write must meet every profile in meta.profile that the server holds, and pass the other checks of $validate against the conformance resources it holds (extensions, Coding displays), with no error (422 otherwise).' : ''),
        resource: resources,
        interaction: systemCodes.map((code) => ({ code })),
        // The system $operations the router dispatches (../operations/index.ts)
        operation: [...SYSTEM_OPERATIONS].map((op) => ({ name: op.slice(1), definition: `${OPERATION_BASE}/${op.slice(1)}` })),
      },
    ],
  };
}
