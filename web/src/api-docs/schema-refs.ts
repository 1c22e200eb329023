/** Local `$ref`s in API definitions (OpenAPI, AsyncAPI): followed on demand, never evaluated. */

/** A JSON Schema (as found in API definitions), loosely typed. */
export type Schema = Record<string, unknown>;

/** Resolves local `$ref`s (`#/components/...`) against the whole document; cycles stop at the second visit. */
export function makeResolver(doc: Record<string, unknown>) {
  return function resolve<T = Schema>(node: unknown): T | undefined {
    let cur = node;
    const seen = new Set<string>();
    while (cur && typeof cur === 'object' && typeof (cur as { $ref?: unknown }).$ref === 'string') {
      const ref = (cur as { $ref: string }).$ref;
      if (seen.has(ref) || !ref.startsWith('#/')) return undefined;
      seen.add(ref);
      cur = ref
        .slice(2)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((o, key) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined), doc);
    }
    return cur as T | undefined;
  };
}

export function refName(node: unknown): string | undefined {
  const ref = node && typeof node === 'object' ? (node as { $ref?: unknown }).$ref : undefined;
  return typeof ref === 'string' ? ref.split('/').pop() : undefined;
}

