/**
 * Looks filters up by name: Pave's custom filters first, then the Backstage filters,
 * then the general ones. Lookups use own properties only, so `constructor` or
 * `__proto__` are never filter names.
 */
import { BACKSTAGE_FILTERS } from './backstage-filters.js';
import type { CustomFilter, FilterDefinition } from './filter-types.js';
import { GENERAL_FILTERS } from './filters.js';

export interface FilterRegistry {
  get(name: string): FilterDefinition | undefined;
  has(name: string): boolean;
  names(): string[];
}

const BUILT_IN: ReadonlyMap<string, FilterDefinition> = new Map([
  ...Object.entries(GENERAL_FILTERS),
  ...Object.entries(BACKSTAGE_FILTERS),
]);

/** Names of the built-in filters. */
export const BUILT_IN_FILTER_NAMES: readonly string[] = Object.freeze([...BUILT_IN.keys()].sort());

const DEFAULT_REGISTRY: FilterRegistry = {
  get: name => BUILT_IN.get(name),
  has: name => BUILT_IN.has(name),
  names: () => [...BUILT_IN_FILTER_NAMES],
};

/**
 * A registry of the built-in filters plus Pave's own custom filters.
 *
 * @example
 * const registry = createFilterRegistry({ shout: v => String(v).toUpperCase() });
 * registry.has('shout'); // true
 */
export function createFilterRegistry(custom?: Readonly<Record<string, CustomFilter>>): FilterRegistry {
  if (!custom || Object.keys(custom).length === 0) return DEFAULT_REGISTRY;
  const map = new Map(BUILT_IN);
  for (const name of Object.keys(custom)) {
    const fn = Object.hasOwn(custom, name) ? custom[name] : undefined;
    if (typeof fn !== 'function') continue;
    map.set(name, { params: [], apply: (value, args) => fn(value, ...args) });
  }
  return {
    get: name => map.get(name),
    has: name => map.has(name),
    names: () => [...map.keys()].sort(),
  };
}
