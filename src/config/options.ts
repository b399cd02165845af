/**
 * Typed server options and their defaults. The default store is an embedded SQLite file, so `npm start`
 * needs no other server. Environment variables (HELSEBRO_*) override the defaults in server.ts only.
 */
export type StoreOptions =
  | { kind: 'sqlite'; file: string; synchronous?: 'FULL' | 'NORMAL'; /** keep search counts until the next COMMIT (default on) */ countCache?: boolean }
  | { kind: 'memory' };

export interface HelsebroOptions {
  store: StoreOptions;
  /** Public base URL of the FHIR endpoint; derived from the request Host header when absent */
  baseUrl?: string;
  /** Maximum request body in bytes (413 above it) */
  bodyLimit: number;
  /** 'enforce': a reference to a resource that does not exist is refused (REST default);
   *  'lenient': allowed, for feeds that arrive out of order */
  referentialIntegrity: 'enforce' | 'lenient';
  /** 'schema': the ajv pass and the rules beside it only; 'full': then the base check against the R4 definitions */
  validation: 'schema' | 'full';
  /** Writes are checked against the profiles in meta.profile that the server knows (422 when one is broken);
   *  off by default, stated in the CapabilityStatement when on */
  enforceProfiles: boolean;
  /** A folder of code lists read at boot (src/terminology/folder.ts; `npm run terminology:import` fills it);
   *  none when absent. server.ts sets it from HELSEBRO_TERMINOLOGY_DIR, or to data/terminology when that exists */
  terminologyDir?: string;
  /** pino log level */
  logLevel: string;
  /** Default and maximum page sizes for search and history */
  defaultCount: number;
  maxCount: number;
}

export const DEFAULT_OPTIONS: HelsebroOptions = {
  store: { kind: 'sqlite', file: 'data/helsebro.db', synchronous: 'FULL' },
  bodyLimit: 16 * 1024 * 1024,
  referentialIntegrity: 'enforce',
  validation: 'full',
  enforceProfiles: false,
  logLevel: 'info',
  defaultCount: 20,
  maxCount: 1000,
};

export function withDefaults(partial: Partial<HelsebroOptions> = {}): HelsebroOptions {
  return { ...DEFAULT_OPTIONS, ...partial };
}
