/**
 * Log redaction: search values can carry personal data (a fødselsnummer, the Norwegian national identity
 * number, in `Patient?identifier=urn:oid:2.16.578.1.12.4.1.4.1|<fnr>`), so request URLs are logged with every
 * query value replaced, except the result-control parameters that carry no patient data.
 */
const SAFE = new Set(['_count', '_offset', '_sort', '_total', '_summary', '_format', '_pretty', '_since', '_at', '_until', '_elements']);

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0) return key;
    return SAFE.has(decodeURIComponentSafe(key)) ? pair : `${key}=***`;
  });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
