/**
 * Example URLs (src/fhir/validation/example-urls.ts): RFC 2606 §3 reserves example.com/.net/.org for
 * documentation; acme.com is the FHIR examples' own. Found in uri, url and canonical elements by type.
 */
import t from 'tap';
import { definitionsWith } from '../../../../src/fhir/validation/definitions.ts';
import { checkExampleUrls, isExampleUrl } from '../../../../src/fhir/validation/example-urls.ts';

const defs = definitionsWith();

t.test('by host, subdomains included', async (t) => {
  t.ok(isExampleUrl('http://example.org/fhir/Patient/1'));
  t.ok(isExampleUrl('https://repository.example.com/x'));
  t.ok(isExampleUrl('http://acme.com/Patient/1'));
  t.notOk(isExampleUrl('http://myexample.org/x'), 'another domain that ends alike');
  t.notOk(isExampleUrl('https://helsenorge.no/example.org'), 'in the path only');
  t.notOk(isExampleUrl('urn:uuid:0f6d2a6e-2c3b-4d6e-9a7b-1c2d3e4f5a6b'));
});

t.test('uri/url/canonical elements, not strings', async (t) => {
  const doc = (url: string, title: string) => ({ resourceType: 'DocumentReference', status: 'current', content: [{ attachment: { url, title } }] });
  t.same(checkExampleUrls(doc('https://dokumenter.helse.no/1', 'http://example.org'), defs), [], 'Attachment.title is a string');
  t.match(checkExampleUrls(doc('http://repository.example.org/fhir/DocumentReference/1', 'x'), defs),
    [{ severity: 'error', expression: 'DocumentReference.content[0].attachment.url', message: 'Example URLs are not allowed in this context (http://repository.example.org/fhir/DocumentReference/1)' }]);
  t.match(checkExampleUrls({ resourceType: 'Patient', meta: { profile: ['http://example.com/StructureDefinition/p'] } }, defs), [{ expression: 'Patient.meta.profile[0]' }], 'a canonical');
});
