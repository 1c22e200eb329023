import { badRequest } from '../../core/problem.js';

/** One condition: the key exists (no values) or equals one of the values; matching is case-insensitive. */
export interface FilterCondition {
  key: string;
  values?: string[];
}

/** Backstage's filter: alternatives (OR) of conjunctions (AND). An empty `anyOf` matches everything. */
export interface EntityFilter {
  anyOf: Array<{ allOf: FilterCondition[] }>;
}

/**
 * Parses Backstage filter parameters: repeated `filter` params are OR, comma-separated statements AND,
 * a key repeated within one filter means IN, and a bare key means "exists".
 * @example parseFilterParams(['kind=component,spec.type=service', 'kind=api'])
 */
export function parseFilterParams(params: string | string[] | undefined): EntityFilter {
  const list = params === undefined ? [] : Array.isArray(params) ? params : [params];
  const anyOf = list.map((param, index) => {
    const byKey = new Map<string, FilterCondition>();
    for (const statement of param.split(',')) {
      const trimmed = statement.trim();
      if (!trimmed) continue;
      const eq = trimmed.indexOf('=');
      const key = (eq === -1 ? trimmed : trimmed.slice(0, eq)).trim().toLocaleLowerCase('en-US');
      if (!key) throw badRequest(`Invalid filter "${param}": statement "${trimmed}" has no key`, [{ pointer: `/filter/${index}`, detail: 'each statement is key=value or key' }]);
      const condition = byKey.get(key) ?? { key };
      if (eq !== -1) {
        const value = trimmed.slice(eq + 1).trim().toLocaleLowerCase('en-US');
        condition.values = [...(condition.values ?? []), value];
      }
      byKey.set(key, condition);
    }
    return { allOf: [...byKey.values()] };
  });
  return { anyOf: anyOf.filter(alternative => alternative.allOf.length > 0) };
}

/**
 * A parsed filter as filter parameters again, its conditions in their present order (parsing the
 * result gives the same filter): cursors carry the order the first page chose (narrowest-first.ts).
 * @example formatFilterParams(parseFilterParams(['kind=component,spec.type=service'])) // ['kind=component,spec.type=service']
 */
export function formatFilterParams(filter: EntityFilter): string[] {
  return filter.anyOf.map(({ allOf }) => allOf.flatMap(({ key, values }) => (values ? values.map(value => `${key}=${value}`) : [key])).join(','));
}
