/**
 * One walk over every object in a resource with its FHIRPath (`Patient.contact[0].name`; a primitive's `_x`
 * object is at the primitive's own path, `Patient.birthDate`, as FHIRPath has no `_`), for the structure
 * check's rules that look at objects wherever they sit (contained, Bundle entries and responses, Parameters
 * parts): ./narrative.ts (every resource's text.div), ./element-rules.ts (ele-1 on `_x`, string size,
 * Attachment.size) and ./questionnaire-items.ts (every Questionnaire). Each rule is a visitor; the structure
 * check (./index.ts objectRules) runs them all in one walk, the unit tests one at a time.
 */
type Json = Record<string, unknown>;

/** Called with every object (the resource too) and its FHIRPath */
export type ObjectVisitor = (o: Json, path: string) => void;

export function forEachObject(resource: unknown, at: string, visitors: readonly ObjectVisitor[]): void {
  const walk = (o: Json, path: string): void => {
    for (const visit of visitors) visit(o, path);
    for (const k in o) {
      const x = o[k];
      if (x === null || typeof x !== 'object') continue;
      const name = k.charCodeAt(0) === 95 /* _ */ ? k.slice(1) : k;
      if (!Array.isArray(x)) {
        walk(x as Json, `${path}.${name}`);
        continue;
      }
      for (let i = 0; i < x.length; i++) {
        const y: unknown = x[i];
        if (y !== null && typeof y === 'object' && !Array.isArray(y)) walk(y as Json, `${path}.${name}[${i}]`);
      }
    }
  };
  if (resource !== null && typeof resource === 'object' && !Array.isArray(resource)) walk(resource as Json, at);
}
