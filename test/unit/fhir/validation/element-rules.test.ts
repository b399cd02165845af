/**
 * Element rules outside the JSON schema (src/fhir/validation/element-rules.ts): ele-1 on primitives
 * (element.html#invs), the 1 MB string limit (datatypes.html#string) and Attachment.size against its data
 * (datatypes.html#Attachment: the number of bytes before base64 encoding).
 */
import t from 'tap';
import { errors, patient, schemaLevel as v } from './helpers.ts';

t.test('ele-1: a primitive with only an id has neither a value nor children', async (t) => {
  t.same(errors(v, patient({ _birthDate: { id: 'b1', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1970-01-01T08:00:00+01:00' }] } })), []);
  t.same(errors(v, patient({ _birthDate: { id: 'b1' } })), [], 'beside its value, an id alone is fine');
  t.match(errors(v, patient({ birthDate: undefined, _birthDate: { id: 'b1' } })), [{ code: 'FHIR_INVARIANT', expression: 'Patient.birthDate', message: /ele-1/ }]);
  t.match(errors(v, patient({ name: [{ given: ['Kari', 'Anne'], _given: [null, { id: 'g2' }] }] })), [], 'an id beside the second given name');
  t.match(errors(v, patient({ name: [{ given: ['Kari', null], _given: [null, { id: 'g2' }] }] })), [{ expression: 'Patient.name[0].given[1]', message: /ele-1/ }]);
});

t.test('a string is at most 1 MB; base64Binary data is no string', async (t) => {
  const big = 'x'.repeat(1024 * 1024 + 1);
  t.match(errors(v, patient({ name: [{ family: big }] })), [{ code: 'FHIR_STRUCTURE', expression: 'Patient.name[0].family', message: /longer than permitted maximum length of 1 MB/ }]);
  t.same(errors(v, patient({ name: [{ family: 'x'.repeat(1024 * 1024) }] })), []);
  // 2 bytes per character in UTF-8: 600,000 of them are over 1 MB
  t.match(errors(v, patient({ name: [{ family: 'ø'.repeat(600_000) }] })), [{ message: /1 MB/ }]);
  t.same(errors(v, { resourceType: 'Binary', contentType: 'application/octet-stream', data: 'QUJD'.repeat(300_000) }), []);
});

t.test('Attachment.size is the byte count of its data', async (t) => {
  const media = (content: Record<string, unknown>) => ({ resourceType: 'Media', status: 'completed', content: { contentType: 'text/plain', ...content } });
  // 'hei på deg' is 11 bytes in UTF-8; base64 aGVpIHDDpSBkZWc=
  t.same(errors(v, media({ data: 'aGVpIHDDpSBkZWc=', size: 11 })), []);
  t.same(errors(v, media({ data: 'aGVpIHDDpSBkZWc=' })), [], 'no size: nothing to compare');
  t.same(errors(v, media({ url: 'http://example.org/x.txt', size: 100 })), [], 'no data: the size is of what the url gives');
  t.match(errors(v, media({ data: 'aGVpIHDDpSBkZWc=', size: 100 })), [{ code: 'FHIR_STRUCTURE', expression: 'Media.content', message: 'Stated Attachment Size 100 does not match actual attachment size 11' }]);
});

t.test('one walk for the object rules: ele-1 inside an extension of a primitive, narratives and Questionnaires in Bundle entries', async (t) => {
  // an `_x` object's own children are walked: the extension's value has an `_x` of its own with only an id
  const nested = patient({ _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', _valueDateTime: { id: 'v1' } }] } });
  t.match(errors(v, nested).filter((e) => /ele-1/.test(e.message)), [{ code: 'FHIR_INVARIANT', expression: 'Patient.birthDate.extension[0].valueDateTime' }]);
  // txt-1 (narrative.html#rules) and que-12 (as R4B/R5 read it) on entries, ele-1 on the Bundle, all from one walk
  const bundle = {
    resourceType: 'Bundle', type: 'collection', _timestamp: { id: 't1' },
    entry: [
      { fullUrl: 'urn:uuid:5e0b1c6a-6a43-4b7e-9c1a-2f4a8f1e0a01', resource: patient({ text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><script>x()</script>Kari</div>' } }) },
      { fullUrl: 'urn:uuid:5e0b1c6a-6a43-4b7e-9c1a-2f4a8f1e0a02', resource: { resourceType: 'Questionnaire', status: 'draft', item: [
        { linkId: 'a', type: 'boolean' }, { linkId: 'b', type: 'boolean' },
        { linkId: 'c', type: 'string', enableWhen: [{ question: 'a', operator: 'exists', answerBoolean: true }, { question: 'b', operator: 'exists', answerBoolean: true }] },
      ] } },
    ],
  };
  const found = errors(v, bundle).map((e) => `${e.expression} ${e.message.slice(0, 6)}`);
  t.same(found, ['Bundle.entry[0].resource.text.div txt-1:', 'Bundle.timestamp ele-1:', 'Bundle.entry[1].resource.item[2] que-12']);
});
