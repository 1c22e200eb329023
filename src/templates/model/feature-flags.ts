/**
 * Backstage's feature-flag gating of a template's form: `backstage:featureFlag: <name>` on a parameter page
 * leaves the whole page out, and on one of a page's properties leaves that field out (and out of the page's
 * `required`), unless the person has that flag on. Flags are the person's own (the portal keeps them in the
 * browser, as Backstage's FeatureFlags API keeps them in local storage) and travel with a task's request
 * (`featureFlags`), so the server asks, and validates, the same fields the form showed. Pure, no imports: the
 * portal bundles it.
 */

export const FEATURE_FLAG_KEY = 'backstage:featureFlag';

type Schema = Record<string, unknown>;

const isRecord = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

function flagOf(schema: unknown): string | undefined {
  const flag = isRecord(schema) ? schema[FEATURE_FLAG_KEY] : undefined;
  return typeof flag === 'string' && flag ? flag : undefined;
}

/**
 * The pages as a person with `active` flags is asked them: `asked[i]` is false for a page behind a flag that is
 * off, and each page's properties behind such a flag are gone, from `required` too.
 * @example gateByFeatureFlags([{ properties: { beta: { type: 'string', 'backstage:featureFlag': 'beta' } }, required: ['beta'] }], [])
 *   // { pages: [{ properties: {}, required: [] }], asked: [true] }
 */
export function gateByFeatureFlags<P extends Schema>(pages: readonly P[], active: readonly string[]): { pages: P[]; asked: boolean[] } {
  const on = (schema: unknown) => {
    const flag = flagOf(schema);
    return flag === undefined || active.includes(flag);
  };
  const asked = pages.map(on);
  const gated = pages.map(page => {
    if (!isRecord(page.properties)) return page;
    const off = Object.entries(page.properties).filter(([, property]) => !on(property)).map(([name]) => name);
    if (!off.length) return page;
    return {
      ...page,
      properties: Object.fromEntries(Object.entries(page.properties).filter(([name]) => !off.includes(name))),
      ...(Array.isArray(page.required) ? { required: page.required.filter(name => !off.includes(name as string)) } : {}),
    };
  });
  return { pages: gated, asked };
}

/**
 * The flags a template's pages name (on a page or one of its properties), in order of appearance.
 * @example declaredFeatureFlags([{ 'backstage:featureFlag': 'experimental', properties: {} }]) // ['experimental']
 */
export function declaredFeatureFlags(pages: readonly unknown[]): string[] {
  const flags = new Set<string>();
  for (const page of pages) {
    const flag = flagOf(page);
    if (flag) flags.add(flag);
    if (isRecord(page) && isRecord(page.properties)) for (const property of Object.values(page.properties)) if (flagOf(property)) flags.add(flagOf(property)!);
  }
  return [...flags];
}
