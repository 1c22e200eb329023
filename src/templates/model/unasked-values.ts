import type { ParameterPage } from './parameters.js';

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Keywords of a page under which its top-level fields may be declared (conditionally or not). */
const BRANCH_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const BRANCHES = ['if', 'then', 'else'] as const;

/** The top-level field names a page declares, in `properties` or in any conditional branch of it. */
function declaredNames(page: unknown, names: Set<string>, depth = 0): Set<string> {
  if (!isRecord(page) || depth > 16) return names;
  if (isRecord(page.properties)) for (const name of Object.keys(page.properties)) names.add(name);
  for (const key of BRANCH_LISTS) if (Array.isArray(page[key])) for (const branch of page[key]) declaredNames(branch, names, depth + 1);
  for (const key of BRANCHES) declaredNames(page[key], names, depth + 1);
  if (isRecord(page.dependencies)) for (const dependency of Object.values(page.dependencies)) declaredNames(dependency, names, depth + 1);
  return names;
}

/**
 * The values without those of fields the form did not ask — a page whose `if:` is false or whose feature flag is
 * off, a field behind a flag that is off: such a value was never validated, so no step may read it. A name another
 * asked page declares too stays (it was validated there); a name no page declares stays, as Backstage keeps it.
 * @example withoutUnaskedValues({ name: 'a', beta: '../x' }, [{ properties: { name: {}, beta: {} } }], [{ properties: { name: {} } }])
 *   // { name: 'a' }
 */
export function withoutUnaskedValues(values: Record<string, unknown>, allPages: readonly ParameterPage[], askedPages: readonly ParameterPage[]): Record<string, unknown> {
  const declared = new Set<string>();
  for (const page of allPages) declaredNames(page, declared);
  const asked = new Set<string>();
  for (const page of askedPages) declaredNames(page, asked);
  return Object.fromEntries(Object.entries(values).filter(([name]) => asked.has(name) || !declared.has(name)));
}
