import { newId } from '../core/ids.js';
import type { Db, Store } from '../store/store.js';
import type {} from './scorecards-tables.js';
import type { Fact, FactValue } from './fact-collector.js';

/**
 * Facts per entity: the current value of each (entity, source, name) and a history row each time a value
 * changes. Writing the same facts twice changes nothing; history older than the retention is pruned.
 */
export class FactStore {
  constructor(private readonly store: Store) {}

  /**
   * Replaces the facts of one source for one entity (facts it no longer yields are removed). Returns whether
   * anything changed.
   */
  async put(entity: string, source: string, facts: Record<string, FactValue> | undefined, observedAt: string, db: Db = this.store.db): Promise<boolean> {
    const current = await db.selectFrom('scorecard_facts').select(['name', 'value']).where('entity_ref', '=', entity).where('source', '=', source).execute();
    const before = new Map(current.map(row => [row.name, row.value]));
    const after = new Map(Object.entries(facts ?? {}).map(([name, value]) => [name, JSON.stringify(value)]));
    const changed = [...after].filter(([name, value]) => before.get(name) !== value);
    const gone = [...before.keys()].filter(name => !after.has(name));
    if (!changed.length && !gone.length) return false;
    if (gone.length) await db.deleteFrom('scorecard_facts').where('entity_ref', '=', entity).where('source', '=', source).where('name', 'in', gone).execute();
    for (const [name, value] of changed) {
      await db
        .insertInto('scorecard_facts')
        .values({ entity_ref: entity, source, name, value, observed_at: observedAt })
        .onConflict(oc => oc.columns(['entity_ref', 'source', 'name']).doUpdateSet({ value, observed_at: observedAt }))
        .execute();
    }
    if (changed.length) await db.insertInto('scorecard_fact_history').values(changed.map(([name, value]) => ({ id: newId(), entity_ref: entity, source, name, value, observed_at: observedAt }))).execute();
    return true;
  }

  /** The current facts of an entity. */
  async of(entity: string): Promise<Fact[]> {
    const rows = await this.store.db.selectFrom('scorecard_facts').selectAll().where('entity_ref', '=', entity).orderBy('source').orderBy('name').execute();
    return rows.map(row => ({ entity: row.entity_ref, source: row.source, name: row.name, value: JSON.parse(row.value) as FactValue, observedAt: row.observed_at }));
  }

  /** The history of an entity's facts, newest first. */
  async history(entity: string, limit = 200): Promise<Fact[]> {
    const rows = await this.store.db.selectFrom('scorecard_fact_history').selectAll().where('entity_ref', '=', entity).orderBy('observed_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(row => ({ entity: row.entity_ref, source: row.source, name: row.name, value: JSON.parse(row.value) as FactValue, observedAt: row.observed_at }));
  }

  /** Removes every fact of an entity that left the catalog (its history stays until retention prunes it). */
  async remove(entity: string, db: Db = this.store.db): Promise<void> {
    await db.deleteFrom('scorecard_facts').where('entity_ref', '=', entity).execute();
  }

  /** Deletes history rows observed before `before` (ISO). */
  async prune(before: string): Promise<number> {
    const result = await this.store.db.deleteFrom('scorecard_fact_history').where('observed_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Facts as the rule context sees them: `{ <source>: { <name>: value } }`. */
export function factContext(facts: readonly Fact[]): Record<string, Record<string, FactValue>> {
  const context: Record<string, Record<string, FactValue>> = {};
  for (const fact of facts) (context[fact.source] ??= {})[fact.name] = fact.value;
  return context;
}
