/**
 * Server-made request ids: a random prefix drawn once per process plus a base-36 counter, e.g.
 * `k3v9q2xw7m1c-1a2b`. Unique across restarts and processes (the prefix carries 60 random bits), ordered
 * within one process (handy when reading logs), and valid FHIR ids ([A-Za-z0-9\-.]{1,64}), since the id
 * becomes OperationOutcome.id. A UUID per request cost a crypto call on every read for no extra guarantee.
 */
import { randomBytes } from 'node:crypto';
import { ID_PATTERN } from '../store/serialise.ts';

export class RequestIds {
  readonly #prefix: string;
  #n = 0;

  constructor(prefix = randomBytes(8).readBigUInt64BE().toString(36).slice(0, 12)) {
    this.#prefix = `${prefix}-`;
  }

  next(): string {
    return this.#prefix + (++this.#n).toString(36);
  }
}

/** A request's id: the client's X-Request-Id when it is a valid FHIR id (it becomes OperationOutcome.id),
 * else a new one. Fastify's genReqId and the read fast path (./fast-read.ts) both take it from here. */
export function requestIdFor(header: string | string[] | undefined, ids: RequestIds): string {
  return typeof header === 'string' && ID_PATTERN.test(header) ? header : ids.next();
}
