/**
 * batch: entries processed one by one, each its own atomic interaction, failures reported per entry.
 * https://hl7.org/fhir/R4/http.html#transaction (batch rules). A transaction Bundle goes to transaction.ts.
 */
import { FhirError } from '../../errors/fhir-error.ts';
import type { Handler } from '../context.ts';
import { bundleJson, type RawEntry } from './json.ts';
import { errorEntry, parseEntries, responseEntry, toRequest } from './entries.ts';
import { transaction } from './transaction.ts';

export const batchOrTransaction: Handler = async (env, req) => {
  const { type, entries } = parseEntries(req.body);
  if (type === 'transaction') return transaction(env, req, entries);
  const out: RawEntry[] = [];
  for (const e of entries) {
    try {
      out.push(responseEntry(await env.handle(toRequest(req, e), env.repo)));
    } catch (err) {
      if (!(err instanceof FhirError)) throw err; // a fault is a 500 for the whole request, never hidden
      out.push(errorEntry(err, req.context.requestId));
    }
  }
  return { status: 200, raw: bundleJson({ type: 'batch-response' }, out) };
};
