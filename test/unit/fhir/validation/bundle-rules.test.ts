/**
 * Bundle rules beyond the StructureDefinition (src/fhir/validation/bundle-rules.ts; bundle.html#rules).
 */
import t from 'tap';
import { checkBundleRules } from '../../../../src/fhir/validation/bundle-rules.ts';

const patient = { resourceType: 'Patient', id: 'p1' };
const rules = (b: Record<string, unknown>) => checkBundleRules({ resourceType: 'Bundle', ...b }).map((f) => `${f.details.expression}: ${f.details.detail}`);

t.test('fullUrl: absolute, present outside transactions and batches, and the resource\'s own identity', async (t) => {
  t.same(rules({ type: 'collection', entry: [{ fullUrl: 'http://helsebro.test/fhir/Patient/p1', resource: patient }, { fullUrl: 'urn:uuid:3f0c1a52-8c2d-4b4e-9f0a-1a2b3c4d5e6f', resource: patient }] }), []);
  t.match(rules({ type: 'collection', entry: [{ fullUrl: 'Patient/p1', resource: patient }] }), [/entry\[0\]: the fullUrl must be an absolute URL \(not 'Patient\/p1'\)/]);
  t.match(rules({ type: 'document', entry: [{ resource: patient }] }), [/entry\[0\]: except for transactions and batches, each entry with a resource must have a fullUrl/]);
  t.same(rules({ type: 'transaction', entry: [{ resource: patient, request: { method: 'POST', url: 'Patient' } }] }), [], 'a transaction entry may go without');
  t.match(rules({ type: 'collection', entry: [{ fullUrl: 'http://helsebro.test/fhir/Patient/p2', resource: patient }] }), [/must end with the resource's type and id \(\/Patient\/p1\)/]);
  t.match(rules({ type: 'collection', entry: [{ fullUrl: 'http://helsebro.test/fhir/Patient/p1', resource: { resourceType: 'Patient' } }] }), [/looks like a RESTful server URL, but the resource has no id/]);
});

t.test("the link relation 'self' at most once", async (t) => {
  t.match(rules({ type: 'searchset', link: [{ relation: 'self', url: 'http://a' }, { relation: 'self', url: 'http://b' }] }), [/link\[1\]: the link relation 'self' can only occur once/]);
});

t.test('a document resolves its references inside itself (bundle.html#document, #references)', async (t) => {
  const composition = (refs: string[]) => ({ resourceType: 'Composition', id: 'c1', status: 'final', type: { text: 'Epikrise' }, date: '2026-11-23', title: 'Epikrise', author: refs.map((reference) => ({ reference })) });
  const org = (id: string, versionId?: string) => ({ resourceType: 'Organization', id, ...(versionId ? { meta: { versionId } } : {}) });
  const base = 'http://helsebro.test/fhir/';
  t.same(rules({ type: 'document', entry: [
    { fullUrl: `${base}Composition/c1`, resource: composition(['Organization/dms']) },
    { fullUrl: `${base}Organization/dms`, resource: org('dms') },
  ] }), [], 'relative, against the RESTful fullUrl of its entry');
  t.match(rules({ type: 'document', entry: [
    { fullUrl: 'urn:uuid:3f0c1a52-8c2d-4b4e-9f0a-1a2b3c4d5e6f', resource: composition(['Organization/dms']) },
    { fullUrl: 'urn:uuid:4f0c1a52-8c2d-4b4e-9f0a-1a2b3c4d5e6f', resource: org('dms') },
  ] }), [/entry\[0\]\.resource\.author\[0\]\.reference: can't find 'Organization\/dms' in the document Bundle \(a relative reference resolves only from an entry whose fullUrl is a RESTful URL\)/]);
  const twoVersions = (ref: string) => rules({ type: 'document', entry: [
    { fullUrl: `${base}Composition/c1`, resource: composition([ref]) },
    { fullUrl: `${base}Organization/dms`, resource: org('dms', '1') },
    { fullUrl: `${base}Organization/dms`, resource: org('dms', '2') },
  ] });
  t.same(twoVersions('Organization/dms/_history/2'), [], 'a versioned reference picks its version');
  t.match(twoVersions('Organization/dms'), [/multiple matches in the Bundle for the reference 'Organization\/dms'/]);
  t.same(rules({ type: 'collection', entry: [{ fullUrl: `${base}Composition/c1`, resource: composition(['Organization/elsewhere']) }] }), [], 'only documents must carry what they reference');
});
