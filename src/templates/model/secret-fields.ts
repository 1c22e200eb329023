/**
 * Where a template's form has `ui:field: Secret` fields, at any depth: top-level properties, properties of
 * nested objects, and properties of the objects in a list (`items`), whichever branch (`allOf`, `oneOf`,
 * `anyOf`, `then`/`else`, `dependencies`) brings them. A Secret's value travels in the task's `secrets`
 * (never among its parameters) under its path: the field's name at the top (`token`, as Backstage keys it),
 * the names and item indexes joined by dots below (`deploy.token`, `services.0.apiKey`), which a template
 * reads as `${{ secrets['deploy.token'] }}`. Backstage keys a nested Secret by its own name alone, so two
 * of the same name overwrite each other there; a path cannot.
 */

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A Secret field's place: property names, with `*` standing for any item of a list. */
export type SecretPattern = readonly string[];

/** Keywords whose schemas describe the same value as the schema holding them. */
const SAME_VALUE_BRANCHES = ['allOf', 'oneOf', 'anyOf'] as const;

/**
 * @example secretPatterns([{ properties: { token: { type: 'string', 'ui:field': 'Secret' }, services: { type: 'array', items: { properties: { apiKey: { 'ui:field': 'Secret' } } } } } }])
 *   // [['token'], ['services', '*', 'apiKey']]
 */
export function secretPatterns(pages: readonly Record<string, unknown>[]): SecretPattern[] {
  const found = new Map<string, SecretPattern>();
  const walk = (schema: unknown, at: string[], depth: number): void => {
    if (!isRecord(schema) || depth > 32) return;
    if (at.length && schema['ui:field'] === 'Secret') {
      found.set(at.join('\u0000'), at);
      return;
    }
    if (isRecord(schema.properties)) for (const [name, sub] of Object.entries(schema.properties)) walk(sub, [...at, name], depth + 1);
    if (isRecord(schema.items)) walk(schema.items, [...at, '*'], depth + 1);
    for (const keyword of SAME_VALUE_BRANCHES) if (Array.isArray(schema[keyword])) for (const sub of schema[keyword]) walk(sub, at, depth + 1);
    walk(schema.then, at, depth + 1);
    walk(schema.else, at, depth + 1);
    if (isRecord(schema.dependencies)) for (const sub of Object.values(schema.dependencies)) walk(sub, at, depth + 1);
  };
  for (const page of pages) walk(page, [], 0);
  return [...found.values()];
}

/** The places among `values` a pattern names now (each a list of keys and indexes). */
function placesOf(values: unknown, pattern: SecretPattern): Array<Array<string | number>> {
  if (!pattern.length) return [[]];
  const [head, ...rest] = pattern as [string, ...string[]];
  if (head === '*') return Array.isArray(values) ? values.flatMap((item, i) => placesOf(item, rest).map(place => [i, ...place])) : [];
  if (!isRecord(values) || !Object.hasOwn(values, head)) return [];
  return rest.length ? placesOf(values[head], rest).map(place => [head, ...place]) : [[head]];
}

/**
 * A copy of `values` without anything where a Secret field stands (the portal sends nothing there;
 * Backstage's form sends a row of asterisks), so no secret can be stored with the task's parameters.
 * @example withoutSecrets({ deploy: { token: '****', region: 'eu' } }, [['deploy', 'token']]) // { deploy: { region: 'eu' } }
 */
export function withoutSecrets(values: Record<string, unknown>, patterns: readonly SecretPattern[]): Record<string, unknown> {
  const copy = structuredClone(values);
  for (const pattern of patterns) {
    for (const place of placesOf(copy, pattern)) {
      const parent = place.slice(0, -1).reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], copy);
      if (isRecord(parent)) delete parent[place[place.length - 1] as string];
    }
  }
  return copy;
}

/** The key a Secret's value has in `secrets` for a place among the values. */
export function secretKey(place: ReadonlyArray<string | number>): string {
  return place.join('.');
}

/**
 * A copy of `values` with each Secret field's value from `secrets` put where its field stands, to be validated
 * with the rest. A nested Secret lands only in an object the values have (an item of a list is never made up
 * for it); a secret named by no Secret field stays a secret only (`spec.secrets` or a picker's credentials).
 * @example withSecrets({ services: [{ name: 'a' }] }, { 'services.0.apiKey': 'k' }, [['services', '*', 'apiKey']]) // { services: [{ name: 'a', apiKey: 'k' }] }
 */
export function withSecrets(values: Record<string, unknown>, secrets: Readonly<Record<string, unknown>>, patterns: readonly SecretPattern[]): Record<string, unknown> {
  const copy = withoutSecrets(values, patterns);
  for (const pattern of patterns) {
    const parents = placesOf(copy, pattern.slice(0, -1));
    const name = pattern[pattern.length - 1]!;
    for (const parent of parents) {
      const value = secrets[secretKey([...parent, name])];
      if (value === undefined) continue;
      let at: unknown = copy;
      for (const key of parent) at = (at as Record<string | number, unknown>)[key];
      if (isRecord(at)) at[name] = value;
    }
    // A top-level Secret, or one in a nested object the values leave out, is still checked (and may be required).
    if (!pattern.includes('*') && !parents.length) {
      const value = secrets[secretKey(pattern)];
      if (value === undefined) continue;
      let at: Record<string, unknown> = copy;
      for (const key of pattern.slice(0, -1)) {
        if (!isRecord(at[key])) at[key] = {};
        at = at[key] as Record<string, unknown>;
      }
      at[name] = value;
    }
  }
  return copy;
}
