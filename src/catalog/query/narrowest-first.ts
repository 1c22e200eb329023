import { sql } from 'kysely';
import type { Store } from '../../store/store.js';
import type { EntityFilter, FilterCondition } from './entity-filter.js';
import type { Predicate } from './filter-predicate.js';
import { matchingRowsSql } from './filter-sql.js';

/** Matches counted per condition at most: enough to tell a narrow condition from a broad one. */
const PROBE_LIMIT = 1_000;

/**
 * Puts the conditions of each conjunction in order of how many entities they match, fewest first.
 * SQLite reads `e.id IN (…) AND e.id IN (…)` by walking the first list and testing the others, and
 * cannot tell which list is short (its statistics are per index, not per value): `kind=component,
 * spec.owner=x` walked every component (~half the catalog) to find x's few (16 ms → 1.2 ms measured at
 * 15k entities). Each condition with values is counted from its index, at most PROBE_LIMIT rows;
 * conditions without values (exists) go last. PostgreSQL plans from per-value statistics: unchanged.
 * The order changes no answer, only the plan.
 */
export class NarrowestFirst {
  constructor(private readonly store: Store) {}

  async filter(filter: EntityFilter): Promise<EntityFilter> {
    if (!this.applies()) return filter;
    const anyOf = await Promise.all(filter.anyOf.map(async ({ allOf }) => ({ allOf: await this.#sorted(allOf, c => c) })));
    return { anyOf };
  }

  /** The same for a filter predicate's `$all` (what Backstage's client sends as `{ kind, 'spec.owner' }`), at any depth. */
  async predicate(predicate: Predicate): Promise<Predicate> {
    if (!this.applies()) return predicate;
    if ('all' in predicate) {
      const all = await Promise.all(predicate.all.map(p => this.predicate(p)));
      return { all: await this.#sorted(all, p => ('field' in p && 'in' in p.match ? { key: p.field, values: p.match.in } : undefined)) };
    }
    if ('any' in predicate) return { any: await Promise.all(predicate.any.map(p => this.predicate(p))) };
    if ('not' in predicate) return { not: await this.predicate(predicate.not) };
    return predicate;
  }

  private applies(): boolean {
    return this.store.dialect === 'sqlite';
  }

  /** Items in order of their condition's count (stable: ties and conditions without values keep their order). */
  async #sorted<T>(items: T[], conditionOf: (item: T) => FilterCondition | undefined): Promise<T[]> {
    if (items.length < 2) return items;
    const counts = new Map<T, number>();
    for (const item of items) {
      const condition = conditionOf(item);
      counts.set(item, condition?.values?.length ? await this.#count(condition.key, condition.values) : PROBE_LIMIT + 1);
    }
    return [...items].sort((a, b) => counts.get(a)! - counts.get(b)!);
  }

  async #count(key: string, values: readonly string[]): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM (${matchingRowsSql(key, values)} LIMIT ${PROBE_LIMIT}) AS probe`.execute(this.store.reads);
    return Number(rows[0]?.n ?? 0);
  }
}
