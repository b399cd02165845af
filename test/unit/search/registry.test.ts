// The R4 SearchParameter registry: https://hl7.org/fhir/R4/searchparameter-registry.html
import t from 'tap';
import { r4SearchParameter } from '../../../src/search/registry.ts';

t.test('R4 definitions are found by type and code, Resource parameters on every type', async (t) => {
  t.match(r4SearchParameter('Patient', 'name'), { type: 'string', url: 'http://hl7.org/fhir/SearchParameter/Patient-name' });
  t.match(r4SearchParameter('Observation', 'subject'), { type: 'reference' });
  t.match(r4SearchParameter('Observation', 'value-quantity'), { type: 'quantity' });
  t.match(r4SearchParameter('Binary', '_lastUpdated'), { type: 'date' }, 'Resource-level parameters apply to every type');
  t.equal(r4SearchParameter('Patient', 'famliy'), undefined);
  t.equal(r4SearchParameter('Patient', 'code'), undefined, 'a code of another type is not a Patient parameter');
});
