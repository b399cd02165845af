// Server-assigned ids and the stored JSON text. Spec: https://hl7.org/fhir/R4/datatypes.html#id ,
// RFC 9562 §5.7 (UUID version 7), https://hl7.org/fhir/R4/resource.html#Meta
import t from 'tap';
import { ID_PATTERN, newId, serialiseVersion } from '../../../src/store/serialise.ts';

t.test('new ids are RFC 9562 version 7 UUIDs, valid FHIR ids, and ordered by creation time', async (t) => {
  const a = newId(Date.parse('2026-11-23T09:00:00.000Z'));
  const b = newId(Date.parse('2026-11-23T09:00:00.001Z'));
  t.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.ok(ID_PATTERN.test(a));
  t.ok(a < b, 'a later millisecond sorts later');
  t.equal(parseInt(a.replace(/-/g, '').slice(0, 12), 16), Date.parse('2026-11-23T09:00:00.000Z'), 'the first 48 bits are the Unix milliseconds');
  const many = new Set(Array.from({ length: 1000 }, () => newId(0)));
  t.equal(many.size, 1000, 'ids within one millisecond differ');
});

t.test('the server owns meta.versionId and meta.lastUpdated; the client keeps the rest of meta', async (t) => {
  const raw = serialiseVersion(
    { resourceType: 'Patient', id: 'ignored', meta: { versionId: '99', profile: ['http://example.org/p'] }, active: true },
    'p1', '2', '2026-11-23T09:00:00.000Z',
  );
  t.equal(raw, '{"resourceType":"Patient","id":"p1","meta":{"versionId":"2","lastUpdated":"2026-11-23T09:00:00.000Z","profile":["http://example.org/p"]},"active":true}');
});
