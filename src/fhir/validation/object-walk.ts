/**
 * A walk over every object in a resource with its FHIRPath (`Patient.contact[0].name`), for the checks that
 * look for nested resources wherever they sit (contained, Bundle entries and responses, Parameters parts):
 * ./narrative.ts (every resource's text.div) and ./questionnaire-items.ts (every Questionnaire).
 * `skip` names a property the walk does not descend into (what the visitor handles itself).
 */
type Json = Record<string, unknown>;

export function forEachObject(resource: unknown, at: string, skip: string, visit: (o: Json, path: string) => void): void {
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => x !== null && typeof x === 'object' && walk(x, `${path}[${i}]`));
      return;
    }
    const o = v as Json;
    visit(o, path);
    for (const k in o) {
      const x = o[k];
      if (k !== skip && x !== null && typeof x === 'object') walk(x, `${path}.${k}`);
    }
  };
  if (resource !== null && typeof resource === 'object') walk(resource, at);
}
