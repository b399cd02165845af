/**
 * read, with conditional read (If-None-Match, If-Modified-Since -> 304).
 * https://hl7.org/fhir/R4/http.html#read , https://hl7.org/fhir/R4/http.html#cread
 */
import { parseETag, versionHeaders } from '../http-semantics.ts';
import { readResponse } from '../respond.ts';
import type { Handler } from '../context.ts';

export const read: Handler = async (env, req, p) => {
  const s = await env.repo.read(p.type!, p.id!);
  const inm = req.headers['if-none-match'];
  if (inm !== undefined && inm.split(',').some((tag) => tag.trim() === '*' || parseETag(tag, 'If-None-Match') === s.versionId)) {
    return { status: 304, headers: versionHeaders(s, req.context.baseUrl, false) };
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined && inm === undefined) {
    const since = Date.parse(ims);
    // HTTP dates have whole seconds; lastUpdated has sub-second digits.
    if (!Number.isNaN(since) && Math.floor(Date.parse(s.lastUpdated) / 1000) * 1000 <= since) {
      return { status: 304, headers: versionHeaders(s, req.context.baseUrl, false) };
    }
  }
  return readResponse(s);
};
