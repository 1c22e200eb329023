import { newId } from '../core/ids.js';
import type { EventLog, NewEvent } from '../store/event-log.js';
import type { Db, Store } from '../store/store.js';
import { lockResultWrites } from './result-write-lock.js';
import type {} from './scorecards-tables.js';
import type { RuleResult, ScorecardResult } from './scorecard-result.js';

/** One point of an entity's history on a scorecard. */
export interface ResultHistoryPoint {
  level?: string;
  score: number;
  evaluatedAt: string;
}

/**
 * Scorecard results: the latest per (scorecard, entity), and a history row whenever the level, the score or a
 * rule's status changed. Saving the same result again changes nothing but its evaluation time.
 */
export class ResultStore {
  constructor(
    private readonly store: Store,
    private readonly log: EventLog,
  ) {}

  /**
   * Saves results in one transaction (an unchanged result is not written again: `evaluatedAt` is when it last changed); a history row for each whose level, score or rules changed, and the event
   * `levelChanged` names for each whose level moved. Returns how many changed.
   */
  async saveMany(results: readonly ScorecardResult[], levelChanged: (result: ScorecardResult, previous: string | null) => NewEvent): Promise<number> {
    if (!results.length) return 0;
    // One row per pair (the last result given): PostgreSQL refuses a statement that updates a row twice.
    const latest = [...new Map(results.map(result => [`${result.scorecard}\u0000${result.entity}`, result])).values()];
    // A first look outside any transaction: a steady stream of unchanged results opens no write transaction.
    const candidates = changes(latest, await this.#stored(this.store.db, latest), levelChanged).results;
    if (!candidates.length) return 0;
    // Many rows a statement: a first pass over 10k entities writes them in a few hundred statements, not 20,000.
    return this.store.transaction(async trx => {
      // Decided again in the writers' turn: an evaluation of the same entities at once (another replica) has saved
      // what it found, and a level change it recorded and announced is not recorded and announced twice.
      await lockResultWrites(trx, this.store.dialect);
      const { rows, events } = changes(candidates, await this.#stored(trx, candidates), levelChanged);
      for (let i = 0; i < rows.length; i += 100) {
        const chunk = rows.slice(i, i + 100);
        await trx
          .insertInto('scorecard_results')
          .values(chunk)
          .onConflict(oc =>
            oc.columns(['scorecard_ref', 'entity_ref']).doUpdateSet(eb => ({
              owner: eb.ref('excluded.owner'),
              level: eb.ref('excluded.level'),
              score: eb.ref('excluded.score'),
              rules: eb.ref('excluded.rules'),
              evaluated_at: eb.ref('excluded.evaluated_at'),
            })),
          )
          .execute();
        await trx.insertInto('scorecard_result_history').values(chunk.map(row => ({ id: newId(), scorecard_ref: row.scorecard_ref, entity_ref: row.entity_ref, level: row.level, score: row.score, evaluated_at: row.evaluated_at }))).execute();
      }
      if (events.length) await this.log.append(trx, events);
      return rows.length;
    });
  }

  /** The stored level, score and rules of the entities of `results`, by pair. */
  async #stored(db: Db, results: readonly ScorecardResult[]): Promise<Map<string, StoredResult>> {
    const stored = new Map<string, StoredResult>();
    const entities = [...new Set(results.map(result => result.entity))];
    for (let i = 0; i < entities.length; i += 500) {
      const rows = await db.selectFrom('scorecard_results').select(['scorecard_ref', 'entity_ref', 'level', 'score', 'rules']).where('entity_ref', 'in', entities.slice(i, i + 500)).execute();
      for (const row of rows) stored.set(`${row.scorecard_ref}\u0000${row.entity_ref}`, { level: row.level, score: Number(row.score), rules: row.rules });
    }
    return stored;
  }

  /** The entities a scorecard has results for (without reading the results). */
  async entitiesOf(scorecard: string): Promise<string[]> {
    const rows = await this.store.db.selectFrom('scorecard_results').select('entity_ref').where('scorecard_ref', '=', scorecard).execute();
    return rows.map(row => row.entity_ref);
  }

  /** The latest results of an entity, one per scorecard. */
  async ofEntity(entity: string): Promise<ScorecardResult[]> {
    const rows = await this.store.db.selectFrom('scorecard_results').selectAll().where('entity_ref', '=', entity).orderBy('scorecard_ref').execute();
    return rows.map(toResult);
  }

  /** The latest results of a scorecard, for every entity it scores. */
  async ofScorecard(scorecard: string): Promise<ScorecardResult[]> {
    const rows = await this.store.db.selectFrom('scorecard_results').selectAll().where('scorecard_ref', '=', scorecard).orderBy('entity_ref').execute();
    return rows.map(toResult);
  }

  /** An entity's history on a scorecard, oldest first. */
  async history(scorecard: string, entity: string, limit = 500): Promise<ResultHistoryPoint[]> {
    const rows = await this.store.db.selectFrom('scorecard_result_history').select(['level', 'score', 'evaluated_at']).where('scorecard_ref', '=', scorecard).where('entity_ref', '=', entity).orderBy('evaluated_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.reverse().map(row => ({ ...(row.level ? { level: row.level } : {}), score: Number(row.score), evaluatedAt: row.evaluated_at }));
  }

  /** Every entity's history on a scorecard since `since` (ISO), oldest first per entity. */
  async historyOfScorecard(scorecard: string, since: string): Promise<Map<string, ResultHistoryPoint[]>> {
    const rows = await this.store.db.selectFrom('scorecard_result_history').select(['entity_ref', 'level', 'score', 'evaluated_at']).where('scorecard_ref', '=', scorecard).where('evaluated_at', '>=', since).orderBy('evaluated_at').orderBy('id').execute();
    const history = new Map<string, ResultHistoryPoint[]>();
    for (const row of rows) {
      let points = history.get(row.entity_ref);
      if (!points) history.set(row.entity_ref, (points = []));
      points.push({ ...(row.level ? { level: row.level } : {}), score: Number(row.score), evaluatedAt: row.evaluated_at });
    }
    return history;
  }

  /** Forgets the latest results of an entity (it left the catalog) or of a scorecard (it was removed), or one pair. */
  async remove(where: { entity?: string; scorecard?: string }): Promise<void> {
    let query = this.store.db.deleteFrom('scorecard_results');
    if (where.entity) query = query.where('entity_ref', '=', where.entity);
    if (where.scorecard) query = query.where('scorecard_ref', '=', where.scorecard);
    if (!where.entity && !where.scorecard) return;
    await query.execute();
  }

  /** Deletes history rows evaluated before `before` (ISO). */
  async prune(before: string): Promise<number> {
    const result = await this.store.db.deleteFrom('scorecard_result_history').where('evaluated_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

interface StoredResult {
  level: string | null;
  score: number;
  rules: string;
}

type ResultRow = { scorecard_ref: string; entity_ref: string; owner: string | null; level: string | null; score: number; rules: string; evaluated_at: string };

/** The results that differ from what is stored (level, score or rules), their rows, and the events of moved levels. */
function changes(results: readonly ScorecardResult[], stored: ReadonlyMap<string, StoredResult>, levelChanged: (result: ScorecardResult, previous: string | null) => NewEvent) {
  const changed: { results: ScorecardResult[]; rows: ResultRow[]; events: NewEvent[] } = { results: [], rows: [], events: [] };
  for (const result of results) {
    const rules = JSON.stringify(result.rules);
    const previous = stored.get(`${result.scorecard}\u0000${result.entity}`);
    if (previous && previous.level === (result.level ?? null) && previous.score === result.score && previous.rules === rules) continue;
    changed.results.push(result);
    changed.rows.push({ scorecard_ref: result.scorecard, entity_ref: result.entity, owner: result.owner ?? null, level: result.level ?? null, score: result.score, rules, evaluated_at: result.evaluatedAt });
    if ((previous?.level ?? null) !== (result.level ?? null)) changed.events.push(levelChanged(result, previous?.level ?? null));
  }
  return changed;
}

function toResult(row: { scorecard_ref: string; entity_ref: string; owner: string | null; level: string | null; score: number; rules: string; evaluated_at: string }): ScorecardResult {
  return {
    scorecard: row.scorecard_ref,
    entity: row.entity_ref,
    ...(row.owner ? { owner: row.owner } : {}),
    ...(row.level ? { level: row.level } : {}),
    score: Number(row.score),
    rules: JSON.parse(row.rules) as RuleResult[],
    evaluatedAt: row.evaluated_at,
  };
}
