import { newId } from '../core/ids.js';
import type { Db, Store } from '../store/store.js';
import type {} from './scorecards-tables.js';
import type { Fact, FactValue } from './fact-collector.js';

/** What one collector yielded for one entity. */
export interface CollectedFacts {
  entity: string;
  source: string;
  /** Undefined: nothing can be known (every fact of this source is removed). */
  facts: Record<string, FactValue> | undefined;
}

/**
 * Facts per entity: the current value of each (entity, source, name) and a history row each time a value
 * changes. Writing the same facts twice changes nothing; history older than the retention is pruned.
 */
export class FactStore {
  constructor(private readonly store: Store) {}

  /**
   * Replaces the facts of each (entity, source) given, in one transaction (facts a source no longer yields are
   * removed). Returns the entities whose facts changed.
   */
  async putMany(collected: readonly CollectedFacts[], observedAt: string): Promise<Set<string>> {
    if (!collected.length) return new Set();
    const current = await this.ofMany([...new Set(collected.map(c => c.entity))]);
    const before = new Map(current.map(fact => [`${fact.entity}\u0000${fact.source}\u0000${fact.name}`, JSON.stringify(fact.value)]));
    const upserts: Array<{ entity_ref: string; source: string; name: string; value: string; observed_at: string }> = [];
    const removals: Array<{ entity: string; source: string; names: string[] }> = [];
    for (const { entity, source, facts } of collected) {
      const after = new Map(Object.entries(facts ?? {}).map(([name, value]) => [name, JSON.stringify(value)]));
      for (const [name, value] of after) if (before.get(`${entity}\u0000${source}\u0000${name}`) !== value) upserts.push({ entity_ref: entity, source, name, value, observed_at: observedAt });
      const gone = current.filter(fact => fact.entity === entity && fact.source === source && !after.has(fact.name)).map(fact => fact.name);
      if (gone.length) removals.push({ entity, source, names: gone });
    }
    if (!upserts.length && !removals.length) return new Set();
    await this.store.transaction(async trx => {
      for (const { entity, source, names } of removals) await trx.deleteFrom('scorecard_facts').where('entity_ref', '=', entity).where('source', '=', source).where('name', 'in', names).execute();
      for (let i = 0; i < upserts.length; i += 100) {
        const chunk = upserts.slice(i, i + 100);
        await trx
          .insertInto('scorecard_facts')
          .values(chunk)
          .onConflict(oc => oc.columns(['entity_ref', 'source', 'name']).doUpdateSet(eb => ({ value: eb.ref('excluded.value'), observed_at: eb.ref('excluded.observed_at') })))
          .execute();
        await trx.insertInto('scorecard_fact_history').values(chunk.map(row => ({ id: newId(), ...row }))).execute();
      }
    });
    return new Set([...upserts.map(row => row.entity_ref), ...removals.map(removal => removal.entity)]);
  }

  /** The current facts of an entity. */
  async of(entity: string): Promise<Fact[]> {
    return this.ofMany([entity]);
  }

  /** The current facts of several entities. */
  async ofMany(entities: readonly string[]): Promise<Fact[]> {
    const facts: Fact[] = [];
    for (let i = 0; i < entities.length; i += 500) {
      const rows = await this.store.db.selectFrom('scorecard_facts').selectAll().where('entity_ref', 'in', entities.slice(i, i + 500)).orderBy('entity_ref').orderBy('source').orderBy('name').execute();
      facts.push(...rows.map(toFact));
    }
    return facts;
  }

  /** The history of an entity's facts, newest first. */
  async history(entity: string, limit = 200): Promise<Fact[]> {
    const rows = await this.store.db.selectFrom('scorecard_fact_history').selectAll().where('entity_ref', '=', entity).orderBy('observed_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toFact);
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

function toFact(row: { entity_ref: string; source: string; name: string; value: string; observed_at: string }): Fact {
  return { entity: row.entity_ref, source: row.source, name: row.name, value: JSON.parse(row.value) as FactValue, observedAt: row.observed_at };
}

/** Facts as the rule context sees them: `{ <source>: { <name>: value } }`. */
export function factContext(facts: readonly Fact[]): Record<string, Record<string, FactValue>> {
  const context: Record<string, Record<string, FactValue>> = {};
  for (const fact of facts) (context[fact.source] ??= {})[fact.name] = fact.value;
  return context;
}
