/**
 * The profiles a resource is to meet besides its meta.profile (src/fhir/validation/profile-issues.ts
 * profileTargets): ImplementationGuide.global (implementationguide-definitions.html#ImplementationGuide.global:
 * "all resources of the type SHALL conform to" the profile) and bundle rules (the Java validator's -bundle).
 */
import type { ImplementationGuide } from '@medplum/fhirtypes';
import t from 'tap';
import { profileTargets } from '../../../../src/fhir/validation/profile-issues.ts';

const P = 'http://helsebro.test/StructureDefinition/pasient';
const guide = { resourceType: 'ImplementationGuide', url: 'http://helsebro.test/ig', name: 'IG', status: 'active', packageId: 'x', fhirVersion: ['4.0.1'], global: [{ type: 'Patient', profile: P }] } as ImplementationGuide;
const seen = (r: Record<string, unknown>, opts = {}) => profileTargets(r, opts).map((x) => `${x.at} ${x.url}`);

t.test('meta.profile alone without context', async (t) => {
  t.same(seen({ resourceType: 'Patient', meta: { profile: [P] } }), [`Patient ${P}`]);
  t.same(seen({ resourceType: 'Patient' }), []);
});

t.test('global profiles: every resource of the type, nested ones too; a claimed one is not listed twice', async (t) => {
  t.same(seen({ resourceType: 'Patient' }, { implementationGuides: [guide] }), [`Patient ${P}`]);
  t.same(seen({ resourceType: 'Observation', status: 'final', code: {} }, { implementationGuides: [guide] }), [], 'another type');
  t.same(seen({ resourceType: 'Patient', meta: { profile: [`${P}|1.0`] } }, { implementationGuides: [guide] }), [`Patient ${P}|1.0`]);
  t.same(seen({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Observation' } }, { resource: { resourceType: 'Patient' } }] }, { implementationGuides: [guide] }),
    [`Bundle.entry[1].resource ${P}`]);
  t.same(seen({ resourceType: 'Observation', contained: [{ resourceType: 'Patient', id: 'p' }] }, { implementationGuides: [guide] }), [`Observation.contained[0] ${P}`]);
});

t.test('bundle rules: Type:n is the n-th resource of that type from 0, a bare n the n-th entry', async (t) => {
  const bundle = { resourceType: 'Bundle', type: 'collection', entry: [
    { resource: { resourceType: 'Organization' } }, { resource: { resourceType: 'Patient', id: 'a' } }, { resource: { resourceType: 'Patient', id: 'b' } },
  ] };
  t.same(seen(bundle, { bundleRules: [{ rule: 'Patient:0', profile: P }] }), [`Bundle.entry[1].resource ${P}`]);
  t.same(seen(bundle, { bundleRules: [{ rule: 'Patient:1', profile: P }] }), [`Bundle.entry[2].resource ${P}`]);
  t.same(seen(bundle, { bundleRules: [{ rule: '0', profile: P }] }), [`Bundle.entry[0].resource ${P}`]);
  t.same(seen(bundle, { bundleRules: [{ rule: 'Patient:2', profile: P }] }), [], 'no third Patient');
  t.same(seen({ resourceType: 'Patient' }, { bundleRules: [{ rule: 'Patient:0', profile: P }] }), [], 'only for a Bundle');
  const [target] = profileTargets(bundle, { bundleRules: [{ rule: 'Patient:0', profile: P }] });
  t.equal(target.container, bundle, "references resolve in the entry's Bundle");
});
