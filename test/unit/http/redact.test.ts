// Logs never carry search values (a fødselsnummer in identifier=...), only result-control parameters.
import t from 'tap';
import { redactUrl } from '../../../src/http/redact.ts';

t.test('query values are replaced except result-control parameters', async (t) => {
  t.equal(
    redactUrl('/fhir/Patient?identifier=urn:oid:2.16.578.1.12.4.1.4.1%7C01818000282&_count=10&family=%C3%98deg%C3%A5rd'),
    '/fhir/Patient?identifier=***&_count=10&family=***',
  );
  t.equal(redactUrl('/fhir/Patient/123'), '/fhir/Patient/123');
  t.equal(redactUrl('/fhir/Patient?_since=2026-01-01&name:contains=x'), '/fhir/Patient?_since=2026-01-01&name:contains=***');
});
