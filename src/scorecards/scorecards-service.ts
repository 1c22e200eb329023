import type { Entity } from '../core/entity.js';
import { entityRefOf, parseEntityRef, stringifyEntityRef } from '../core/entity-ref.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { notFound } from '../core/problem.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import { ALL_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';
import type { ExpressionEvaluator } from '../expressions/expression-evaluator.js';
import type { RepositoryService } from '../repositories/repository-service.js';
import type { EventLog } from '../store/event-log.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Store } from '../store/store.js';
import { COLLECTORS } from './collectors.js';
import type { Fact, FactCollector } from './fact-collector.js';
import { FactStore } from './fact-store.js';
import { ResultStore, type ResultHistoryPoint } from './result-store.js';
import { scorecardOf, type Scorecard } from './scorecard.js';
import { ScorecardEvaluator } from './scorecard-evaluator.js';
import type { ScorecardResult } from './scorecard-result.js';

/** The job queue of deferred (repository) collection, one job per entity. */
export const DEFERRED_QUEUE = 'scorecards.collect';
/** With no scorecard filter, the entities scored. */
const DEFAULT_FILTER = 'kind=component';

export interface ScorecardsServiceOptions {
  store: Store;
  queue: JobQueue;
  log: EventLog;
  entities: EntityReader;
  repositories: RepositoryService;
  expressions: ExpressionEvaluator;
  collectors?: readonly FactCollector[];
  clock?: Clock;
  logger?: Logger;
}

/** A scorecard with how many entities it scores, per level. */
export interface ScorecardSummary {
  scorecard: Scorecard;
  entities: number;
  /** Level name (or `unranked`) → entities. */
  levels: Record<string, number>;
}

/**
 * Facts and scorecards: collection of facts for an entity (at once for event-driven collectors, as a
 * deferred job for the others), evaluation of every scorecard that selects it, and the reads the adapters
 * make, each limited to the entities the caller may read.
 */
export class ScorecardsService {
  readonly facts: FactStore;
  readonly results: ResultStore;
  readonly collectors: readonly FactCollector[];
  readonly #o: ScorecardsServiceOptions;
  readonly #clock: Clock;
  readonly #evaluator: ScorecardEvaluator;

  constructor(options: ScorecardsServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.collectors = options.collectors ?? COLLECTORS;
    this.facts = new FactStore(options.store);
    this.results = new ResultStore(options.store, options.log);
    this.#evaluator = new ScorecardEvaluator(options.expressions);
  }

  /** Whether a collector runs as a deferred job rather than on the entity's events. */
  static deferred(collector: FactCollector): boolean {
    return collector.triggers.everySeconds !== undefined && !collector.triggers.events?.length;
  }

  /**
   * Runs the collectors an event of `eventType` triggers for an entity (all event-driven ones when no type is
   * given) and asks for its deferred collection when it has none yet. Returns whether any fact changed.
   */
  async collect(entity: Entity, eventType?: string): Promise<boolean> {
    const ref = entityRefOf(entity);
    const kind = entity.kind.toLowerCase();
    let changed = false;
    const now = this.#now();
    for (const collector of this.collectors) {
      if (!collector.kinds.includes(kind)) continue;
      if (ScorecardsService.deferred(collector)) continue;
      if (eventType && !collector.triggers.events?.some(type => matchesType(type, eventType))) continue;
      changed = (await this.facts.put(ref, collector.id, await collector.collect(entity, this.#context()), now)) || changed;
    }
    // Deferred facts are asked for once (then kept fresh by their schedule), not on every change.
    const deferred = this.collectors.filter(c => ScorecardsService.deferred(c) && c.kinds.includes(kind)).map(c => c.id);
    if (deferred.length) {
      const sources = new Set((await this.facts.of(ref)).map(fact => fact.source));
      if (deferred.some(source => !sources.has(source))) await this.#o.queue.enqueue(DEFERRED_QUEUE, ref, { entity: ref });
    }
    return changed;
  }

  /** Runs the deferred collectors for an entity (what the collection worker does per job): whether any fact changed, and whether it has deferred facts at all. */
  async collectDeferred(ref: string): Promise<{ changed: boolean; found: boolean }> {
    const entity = await this.#o.entities.byRef(ref);
    if (!entity) return { changed: false, found: false };
    const kind = entity.kind.toLowerCase();
    let changed = false;
    for (const collector of this.collectors) {
      if (!ScorecardsService.deferred(collector) || !collector.kinds.includes(kind)) continue;
      changed = (await this.facts.put(ref, collector.id, await collector.collect(entity, this.#context()), this.#now())) || changed;
    }
    if (changed) await this.evaluateEntity(entity);
    const found = (await this.facts.of(ref)).some(fact => this.collectors.some(c => c.id === fact.source && ScorecardsService.deferred(c)));
    return { changed, found };
  }

  /** The shortest interval of the deferred collectors, in seconds: when a deferred job runs again. */
  deferredIntervalSeconds(): number | undefined {
    const intervals = this.collectors.filter(ScorecardsService.deferred).map(c => c.triggers.everySeconds!);
    return intervals.length ? Math.min(...intervals) : undefined;
  }

  /** Forgets an entity that left the catalog: its facts, results and deferred job. */
  async forget(ref: string): Promise<void> {
    await this.facts.remove(ref);
    await this.results.remove({ entity: ref });
    await this.#o.queue.remove(DEFERRED_QUEUE, ref);
  }

  /** Evaluates every scorecard for one entity: saves the results of those that select it, drops the others'. */
  async evaluateEntity(entity: Entity): Promise<ScorecardResult[]> {
    const ref = entityRefOf(entity);
    const saved: ScorecardResult[] = [];
    const facts = await this.facts.of(ref);
    for (const scorecard of await this.scorecards()) {
      if (!(await this.#selects(scorecard, entity))) {
        await this.results.remove({ entity: ref, scorecard: scorecard.ref });
        continue;
      }
      saved.push(await this.#save(scorecard, entity, facts));
    }
    return saved;
  }

  /** Evaluates one scorecard for every entity it selects (a scorecard was added or changed), dropping results of entities it no longer selects. */
  async evaluateScorecard(scorecard: Scorecard): Promise<number> {
    const seen = new Set<string>();
    for await (const page of this.#o.entities.listPages({ filter: filterOf(scorecard) })) {
      for (const entity of page) {
        const ref = entityRefOf(entity);
        seen.add(ref);
        // Facts are collected only while scorecards exist: a first scorecard collects what is missing.
        if (!(await this.facts.of(ref)).length) await this.collect(entity);
        await this.#save(scorecard, entity, await this.facts.of(ref));
      }
    }
    for (const result of await this.results.ofScorecard(scorecard.ref)) if (!seen.has(result.entity)) await this.results.remove({ scorecard: scorecard.ref, entity: result.entity });
    return seen.size;
  }

  /** Every Scorecard in the catalog (those `scope` lets the caller read). */
  async scorecards(scope: EntityScope = ALL_ENTITIES): Promise<Scorecard[]> {
    const found: Scorecard[] = [];
    for await (const page of this.#o.entities.listPages({ filter: ['kind=scorecard'], scope })) found.push(...page.map(scorecardOf));
    return found;
  }

  /** One scorecard by ref, with its entities per level (only entities `scope` lets the caller read); 404 when missing or hidden. */
  async scorecard(ref: string, scope: EntityScope): Promise<{ summary: ScorecardSummary; results: ScorecardResult[] }> {
    const canonical = canonicalRef(ref, 'scorecard');
    const [entity] = await this.#o.entities.byRefs([canonical], undefined, undefined, scope);
    if (!entity || entity.kind.toLowerCase() !== 'scorecard') throw notFound(`No scorecard ${canonical}`, [{ pointer: '/ref', detail: 'no such scorecard', rule: 'exists' }]);
    const scorecard = scorecardOf(entity);
    const results = await this.#readable(await this.results.ofScorecard(scorecard.ref), scope);
    return { summary: summarise(scorecard, results), results };
  }

  /** Every scorecard with its counts per level, over the entities the caller may read. */
  async summaries(scope: EntityScope): Promise<ScorecardSummary[]> {
    const summaries: ScorecardSummary[] = [];
    for (const scorecard of await this.scorecards(scope)) summaries.push(summarise(scorecard, await this.#readable(await this.results.ofScorecard(scorecard.ref), scope)));
    return summaries;
  }

  /** An entity's results, facts and history; 404 when it does not exist or the caller may not read it. */
  async entity(ref: string, scope: EntityScope): Promise<{ entity: string; results: ScorecardResult[]; scorecards: Scorecard[]; facts: Fact[]; history: Record<string, ResultHistoryPoint[]> }> {
    const canonical = canonicalRef(ref, 'component');
    const [entity] = await this.#o.entities.byRefs([canonical], ['kind'], undefined, scope);
    if (!entity) throw notFound(`No entity ${canonical}`, [{ pointer: '/ref', detail: 'no such entity', rule: 'exists' }]);
    const readableCards = new Map((await this.scorecards(scope)).map(card => [card.ref, card]));
    const results = (await this.results.ofEntity(canonical)).filter(result => readableCards.has(result.scorecard));
    const scorecards = results.map(result => readableCards.get(result.scorecard)!);
    const history: Record<string, ResultHistoryPoint[]> = {};
    for (const result of results) history[result.scorecard] = await this.results.history(result.scorecard, canonical);
    return { entity: canonical, results, scorecards, facts: await this.facts.of(canonical), history };
  }

  /** Deletes fact and result history older than `days`. */
  async prune(days: number): Promise<number> {
    const before = new Date(this.#clock.now().getTime() - days * 86_400_000).toISOString();
    return (await this.facts.prune(before)) + (await this.results.prune(before));
  }

  async #save(scorecard: Scorecard, entity: Entity, facts: readonly Fact[]): Promise<ScorecardResult> {
    const result = await this.#evaluator.evaluate(scorecard, entity, entityRefOf(entity), facts, this.#now());
    if (result.owner) result.owner = canonicalRef(result.owner, 'group', entity.metadata.namespace);
    await this.results.save(result, previous => ({
      type: 'scorecards.level.changed',
      subject: result.entity,
      payload: { scorecard: scorecard.ref, level: result.level ?? null, previous, score: result.score, kind: entity.kind.toLowerCase(), namespace: entity.metadata.namespace ?? 'default', name: entity.metadata.name, ...(result.owner ? { owner: result.owner } : {}) },
    }));
    return result;
  }

  async #selects(scorecard: Scorecard, entity: Entity): Promise<boolean> {
    const self = `kind=${entity.kind},metadata.namespace=${entity.metadata.namespace ?? 'default'},metadata.name=${entity.metadata.name}`;
    const found = await this.#o.entities.list({ filter: filterOf(scorecard).map(filter => `${filter},${self}`), fields: ['kind'], limit: 1 });
    return found.length > 0;
  }

  /** The results whose entity the caller may read. */
  async #readable(results: ScorecardResult[], scope: EntityScope): Promise<ScorecardResult[]> {
    if (scope.type === 'all' || !results.length) return results;
    const readable = await this.#o.entities.byRefs(results.map(result => result.entity), ['kind'], undefined, scope);
    return results.filter((_, index) => readable[index] !== null);
  }

  #context() {
    return { entities: this.#o.entities, repositories: this.#o.repositories };
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

function filterOf(scorecard: Scorecard): string[] {
  return scorecard.filter.length ? scorecard.filter : [DEFAULT_FILTER];
}

function summarise(scorecard: Scorecard, results: readonly ScorecardResult[]): ScorecardSummary {
  const levels: Record<string, number> = Object.fromEntries([...scorecard.levels.map(level => [level.name, 0] as const), ['unranked', 0] as const]);
  for (const result of results) levels[result.level ?? 'unranked'] = (levels[result.level ?? 'unranked'] ?? 0) + 1;
  return { scorecard, entities: results.length, levels };
}

/** A ref in canonical form, with a default kind (and namespace); the ref itself when unreadable. */
export function canonicalRef(ref: string, defaultKind: string, defaultNamespace = 'default'): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref, { defaultKind, defaultNamespace }));
  } catch {
    return ref.toLowerCase();
  }
}

function matchesType(pattern: string, type: string): boolean {
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}
