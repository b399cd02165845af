/**
 * One walk over every object in a resource with its FHIRPath (`Patient.contact[0].name`; a primitive's `_x`
 * object is at the primitive's own path, `Patient.birthDate`, as FHIRPath has no `_`), for the structure
 * check's rules that look at objects wherever they sit (contained, Bundle entries and responses, Parameters
 * parts): ./narrative.ts (every resource's text.div), ./element-rules.ts (ele-1 on `_x`, string size,
 * Attachment.size) and ./questionnaire-items.ts (every Questionnaire). Each rule is a visitor; the structure
 * check (./index.ts objectRules) runs them all in one walk, the unit tests one at a time.
 *
 * The path is built only when a visitor asks for it (`${path}` or String(path)): the walk runs on every write,
 * and a string per object cost more than the rules (the R4 example Patient has ~60 objects).
 */
type Json = Record<string, unknown>;

/** Where an object sits; its text is the FHIRPath. Valid only during the visit (the walk reuses it). */
export class ObjectPath {
  readonly #at: string;
  readonly #trail: (string | number)[] = [];

  constructor(at: string) {
    this.#at = at;
  }

  push(k: string | number): void {
    this.#trail.push(k);
  }

  pop(): void {
    this.#trail.pop();
  }

  toString(): string {
    let s = this.#at;
    for (const k of this.#trail) s += typeof k === 'number' ? `[${k}]` : `.${k}`;
    return s;
  }
}

/** Called with every object (the resource too) and where it sits */
export type ObjectVisitor = (o: Json, path: ObjectPath) => void;

export function forEachObject(resource: unknown, at: string, visitors: readonly ObjectVisitor[]): void {
  const path = new ObjectPath(at);
  const walk = (o: Json): void => {
    for (const visit of visitors) visit(o, path);
    for (const k in o) {
      const x = o[k];
      if (x === null || typeof x !== 'object') continue;
      path.push(k.charCodeAt(0) === 95 /* _ */ ? k.slice(1) : k);
      if (!Array.isArray(x)) {
        walk(x as Json);
      } else {
        for (let i = 0; i < x.length; i++) {
          const y: unknown = x[i];
          if (y === null || typeof y !== 'object' || Array.isArray(y)) continue;
          path.push(i);
          walk(y as Json);
          path.pop();
        }
      }
      path.pop();
    }
  };
  if (resource !== null && typeof resource === 'object' && !Array.isArray(resource)) walk(resource as Json);
}
