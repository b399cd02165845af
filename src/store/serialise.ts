/**
 * The one place a stored version's JSON text is produced, so every store serves identical bytes.
 * The server owns meta.versionId and meta.lastUpdated (https://hl7.org/fhir/R4/resource.html#Meta); the
 * rest of meta (profile, security, tag, source) is the client's. Key order: resourceType, id, meta, then the
 * client's order, which is how the spec's examples print.
 */
import type { Resource } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';

export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function newId(): string {
  return randomUUID();
}

export function serialiseVersion(resource: Resource, id: string, versionId: string, lastUpdated: string): string {
  const { resourceType, id: _ignored, meta, ...rest } = resource as Resource & Record<string, unknown>;
  const { versionId: _v, lastUpdated: _l, ...clientMeta } = (meta ?? {}) as Record<string, unknown>;
  return JSON.stringify({ resourceType, id, meta: { versionId, lastUpdated, ...clientMeta }, ...rest });
}
