import type { Entity } from '../core/entity.js';
import { entityRefOf, parseEntityRef } from '../core/entity-ref.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { invalidInput, notFound } from '../core/problem.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import { ALL_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';
import type { ExpressionEvaluator } from '../expressions/expression-evaluator.js';
import type { RepositoryService } from '../repositories/repository-service.js';
import type { EventLog } from '../store/event-log.js';
import type { JobQueue } from '../store/job-queue.js';
import type { Store } from '../store/store.js';
import type {} from './scorecards-tables.js'; // the tables it queries, for Kysely's types
import { COLLECTORS } from './collectors.js';
import type { CollectorContext, DeliveryFigures, Fact, FactCollector } from './fact-collector.js';
import type { UrlReader } from '../reading/url-reader.js';
import { FactStore, type CollectedFacts } from './fact-store.js';
import { checkFacts } from './fact-validation.js';
import { RemoteCheckouts } from './repository/remote-checkouts.js';
import { ResultStore, type ResultHistoryPoint } from './result-store.js';
import { scorecardOf, type Scorecard } from './scorecard.js';
import { ScorecardEvaluator } from './scorecard-evaluator.js';
import { canonicalRef } from './canonical-ref.js';
import { campaignOf, type Campaign } from './campaign.js';
import { campaignProgress, type CampaignProgress } from './campaign-progress.js';
import type { ScorecardResult } from './scorecard-result.js';
import { MAX_TREND_DAYS, scorecardTrend, type TrendPoint } from './scorecard-trend.js';

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
  /** Reads repositories Pave does not host (under the reading allow-list). */
  reader?: UrlReader;
  /** Delivery's figures, for the delivery collector. */
  delivery?: DeliveryFigures;
  expressions: ExpressionEvaluator;
  collectors?: readonly FactCollector[];
  clock?: Clock;
  logger?: Logger;
}

/** A campaign with where it stands. */
export interface CampaignView {
  campaign: Campaign;
  progress: CampaignProgress;
  /** Whether its scorecard exists (and the caller may read it). */
  scorecardFound: boolean;
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

  /** Whether a collector runs on a schedule, as a deferred job per entity (it may run on events as well). */
  static deferred(collector: FactCollector): boolean {
    return collector.triggers.everySeconds !== undefined;
  }

  /**
   * Runs the event-driven collectors for entities (for each, those its event type triggers; when none is
   * given, all of them but the scheduled ones), writes their facts in one transaction, and asks for the
   * deferred collection of entities that have no deferred facts yet (later changes leave that to its
   * schedule). Returns the entities whose facts changed.
   */
  async collect(items: ReadonlyArray<{ entity: Entity; eventType?: string }>): Promise<Set<string>> {
    const collected: CollectedFacts[] = [];
    const wantsDeferred: string[] = [];
    for (const { entity, eventType } of items) {
      const ref = entityRefOf(entity);
      const kind = entity.kind.toLowerCase();
      for (const collector of this.collectors) {
        if (!collector.kinds.includes(kind)) continue;
        const scheduled = ScorecardsService.deferred(collector);
        if (scheduled) wantsDeferred.push(ref);
        if (eventType ? !collector.triggers.events?.some(type => matchesType(type, eventType)) : scheduled) continue;
        collected.push(await this.#run(collector, entity, ref));
      }
    }
    const deferredSources = new Set(this.collectors.filter(ScorecardsService.deferred).map(c => c.id));
    const haveDeferred = new Set((await this.facts.ofMany([...new Set(wantsDeferred)])).filter(fact => deferredSources.has(fact.source)).map(fact => fact.entity));
    for (const ref of new Set(wantsDeferred)) if (!haveDeferred.has(ref)) await this.#o.queue.enqueue(DEFERRED_QUEUE, ref, { entity: ref });
    return this.facts.putMany(collected, this.#now());
  }

  /** Clones of remote repositories for one collection pass (close them after it); undefined when Pave reads no remote repository. */
  openCheckouts(): RemoteCheckouts | undefined {
    return this.#o.reader ? new RemoteCheckouts(this.#o.reader) : undefined;
  }

  /**
   * Runs the deferred collectors for an entity (what the collection worker does per job), reading remote
   * repositories from the pass's `checkouts` (or clones of its own, removed after): whether any fact changed,
   * and whether it has deferred facts at all.
   */
  async collectDeferred(ref: string, checkouts?: RemoteCheckouts): Promise<{ changed: boolean; found: boolean }> {
    const entity = await this.#o.entities.byRef(ref);
    if (!entity) return { changed: false, found: false };
    const kind = entity.kind.toLowerCase();
    const collected: CollectedFacts[] = [];
    const own = checkouts ? undefined : this.openCheckouts();
    try {
      for (const collector of this.collectors) {
        if (!ScorecardsService.deferred(collector) || !collector.kinds.includes(kind)) continue;
        collected.push(await this.#run(collector, entity, ref, checkouts ?? own));
      }
    } finally {
      await own?.close();
    }
    const changed = (await this.facts.putMany(collected, this.#now())).size > 0;
    if (changed) await this.evaluate([entity]);
    return { changed, found: collected.some(c => c.facts !== undefined) };
  }

  /**
   * Collects again, for the entities named, the facts of the collectors `eventType` triggers (another module's
   * event: new deliveries), and evaluates those whose facts changed. Returns how many changed.
   */
  async recollect(refs: readonly string[], eventType: string): Promise<number> {
    let changed = 0;
    for (let i = 0; i < refs.length; i += 200) {
      const entities = (await this.#o.entities.byRefs(refs.slice(i, i + 200))).filter((entity): entity is Entity => entity !== null);
      const moved = await this.collect(entities.map(entity => ({ entity, eventType })));
      await this.evaluate(entities.filter(entity => moved.has(entityRefOf(entity))));
      changed += moved.size;
    }
    return changed;
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

  /**
   * Evaluates scorecards (every one when none are given) for entities: saves, in one transaction, the results of
   * those each scorecard selects, and drops its results for the others. Returns the results.
   */
  async evaluate(entities: readonly Entity[], scorecards?: readonly Scorecard[]): Promise<ScorecardResult[]> {
    if (!entities.length) return [];
    const cards = scorecards ?? (await this.scorecards());
    const refs = entities.map(entityRefOf);
    const facts = await this.#factsOf(refs);
    const results: ScorecardResult[] = [];
    for (const scorecard of cards) {
      const selected = await this.#selected(scorecard, entities);
      for (const ref of refs) if (!selected.has(ref)) await this.results.remove({ entity: ref, scorecard: scorecard.ref });
      results.push(...(await this.#score(scorecard, entities.filter((_, index) => selected.has(refs[index]!)), facts)));
    }
    await this.#save(results);
    return results;
  }

  /** Evaluates one scorecard for every entity it selects (it was added or changed), a page at a time, dropping results of entities it no longer selects. */
  async evaluateScorecard(scorecard: Scorecard): Promise<number> {
    const seen = new Set<string>();
    for await (const page of this.#o.entities.listPages({ filter: filterOf(scorecard) }, 200)) {
      const refs = page.map(entityRefOf);
      for (const ref of refs) seen.add(ref);
      let facts = await this.#factsOf(refs);
      // Facts are collected only while scorecards exist: a first scorecard collects what is missing.
      const missing = page.filter((_, index) => !facts.has(refs[index]!));
      if (missing.length && (await this.collect(missing.map(entity => ({ entity })))).size) facts = await this.#factsOf(refs);
      // Listed by the scorecard's own filter: every entity of the page is selected.
      await this.#save(await this.#score(scorecard, page, facts));
    }
    for (const entity of await this.results.entitiesOf(scorecard.ref)) if (!seen.has(entity)) await this.results.remove({ scorecard: scorecard.ref, entity });
    return seen.size;
  }

  /** The current facts of entities, by entity. */
  async #factsOf(refs: readonly string[]): Promise<Map<string, Fact[]>> {
    const facts = new Map<string, Fact[]>();
    for (const fact of await this.facts.ofMany(refs)) {
      let list = facts.get(fact.entity);
      if (!list) facts.set(fact.entity, (list = []));
      list.push(fact);
    }
    return facts;
  }

  /** One scorecard's results for entities it selects, owners made canonical. */
  async #score(scorecard: Scorecard, entities: readonly Entity[], facts: ReadonlyMap<string, Fact[]>): Promise<ScorecardResult[]> {
    const evaluated = await this.#evaluator.evaluate(scorecard, entities.map(entity => ({ entity, ref: entityRefOf(entity), facts: facts.get(entityRefOf(entity)) ?? [] })), this.#now());
    for (const result of evaluated) if (result.owner) result.owner = canonicalRef(result.owner, 'group', parseEntityRef(result.entity).namespace);
    return evaluated;
  }

  /** Saves results, with `scorecards.level.changed` for each whose level moved. */
  async #save(results: readonly ScorecardResult[]): Promise<void> {
    await this.results.saveMany(results, (result, previous) => ({
      type: 'scorecards.level.changed',
      subject: result.entity,
      payload: { scorecard: result.scorecard, level: result.level ?? null, previous, score: result.score, ...parts(result.entity), ...(result.owner ? { owner: result.owner } : {}) },
    }));
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
    const full = await this.#o.entities.byRef(canonical);
    const results: ScorecardResult[] = [];
    for (const result of await this.results.ofEntity(canonical)) {
      const card = readableCards.get(result.scorecard);
      if (card) results.push(full ? await this.#evaluator.fixes(card, result, full) : result);
    }
    const scorecards = results.map(result => readableCards.get(result.scorecard)!);
    const history: Record<string, ResultHistoryPoint[]> = {};
    for (const result of results) history[result.scorecard] = await this.results.history(result.scorecard, canonical);
    return { entity: canonical, results, scorecards, facts: await this.facts.of(canonical), history };
  }

  /**
   * A scorecard's levels and mean score per day over the last `days` days, over the entities the caller may
   * read, or only those `owner` (a Group) owns; 404 when the scorecard is missing or hidden.
   */
  async trend(ref: string, query: { owner?: string; days?: number }, scope: EntityScope): Promise<{ scorecard: string; owner?: string; days: number; points: TrendPoint[] }> {
    const days = query.days ?? 90;
    if (!Number.isInteger(days) || days < 1 || days > MAX_TREND_DAYS) throw invalidInput(`days must be 1 to ${MAX_TREND_DAYS}`, [{ pointer: '/days', detail: `must be a whole number of days from 1 to ${MAX_TREND_DAYS}`, rule: 'range' }]);
    const { summary, results } = await this.scorecard(ref, scope);
    const owner = query.owner ? canonicalRef(query.owner, 'group') : undefined;
    const chosen = owner ? results.filter(result => result.owner === owner) : results;
    // Every point since the beginning: an entity's level on the window's first day may have been set long before.
    const history = chosen.length ? await this.results.historyOfScorecard(summary.scorecard.ref, '0000') : new Map<string, ResultHistoryPoint[]>();
    return { scorecard: summary.scorecard.ref, ...(owner ? { owner } : {}), days, points: scorecardTrend(summary.scorecard, chosen, history, days, this.#clock.now()) };
  }

  /**
   * A team's standing: per scorecard, its entities per level; per campaign with entities of the team, what it
   * has left and the rules in the way (the team page's section). 404 when the group is missing or hidden.
   */
  async team(ref: string, scope: EntityScope): Promise<{ team: string; scorecards: ScorecardSummary[]; campaigns: Array<{ campaign: Campaign; total: number; done: number; left: number; rulesToFix: number }> }> {
    const team = canonicalRef(ref, 'group');
    const [group] = await this.#o.entities.byRefs([team], ['kind'], undefined, scope);
    if (!group || group.kind.toLowerCase() !== 'group') throw notFound(`No group ${team}`, [{ pointer: '/ref', detail: 'no such group', rule: 'exists' }]);
    const scorecards: ScorecardSummary[] = [];
    for (const scorecard of await this.scorecards(scope)) {
      const owned = (await this.#readable(await this.results.ofScorecard(scorecard.ref), scope)).filter(result => result.owner === team);
      if (owned.length) scorecards.push(summarise(scorecard, owned));
    }
    const campaigns = [];
    for (const view of await this.campaigns(scope)) {
      const progress = view.progress.teams.find(entry => entry.owner === team);
      if (!progress) continue;
      campaigns.push({ campaign: view.campaign, total: progress.total, done: progress.done, left: progress.left, rulesToFix: progress.entitiesLeft.reduce((sum, entity) => sum + entity.failing.length, 0) });
    }
    return { team, scorecards, campaigns };
  }

  /** Every campaign the caller may read, with its progress over the entities they may read. */
  async campaigns(scope: EntityScope): Promise<CampaignView[]> {
    const views: CampaignView[] = [];
    for await (const page of this.#o.entities.listPages({ filter: ['kind=campaign'], scope })) for (const entity of page) views.push(await this.#campaignView(campaignOf(entity), scope));
    return views;
  }

  /** One campaign by ref with its progress; 404 when missing or hidden. */
  async campaign(ref: string, scope: EntityScope): Promise<CampaignView> {
    const canonical = canonicalRef(ref, 'campaign');
    const [entity] = await this.#o.entities.byRefs([canonical], undefined, undefined, scope);
    if (!entity || entity.kind.toLowerCase() !== 'campaign') throw notFound(`No campaign ${canonical}`, [{ pointer: '/ref', detail: 'no such campaign', rule: 'exists' }]);
    return this.#campaignView(campaignOf(entity), scope);
  }

  async #campaignView(campaign: Campaign, scope: EntityScope): Promise<CampaignView> {
    const [card] = await this.#o.entities.byRefs([campaign.scorecard], undefined, undefined, scope);
    if (!card || card.kind.toLowerCase() !== 'scorecard') return { campaign, progress: campaignProgress(campaign, { ref: campaign.scorecard, name: '', title: '', filter: [], levels: [], rules: [] }, [], new Map(), this.#clock.now()), scorecardFound: false };
    const scorecard = scorecardOf(card);
    const results = await this.#readable(await this.results.ofScorecard(scorecard.ref), scope);
    const history = campaign.rules ? new Map() : await this.results.historyOfScorecard(scorecard.ref, '0000');
    return { campaign, progress: campaignProgress(campaign, scorecard, results, history, this.#clock.now()), scorecardFound: true };
  }

  /**
   * Appends `scorecards.campaign.reminder` for each campaign whose target is at most `withinDays` away (or past)
   * with entities left, at most once a day per campaign: webhooks and the message bus carry it to the teams.
   * Returns how many reminders were appended.
   */
  async remindCampaigns(withinDays = 14): Promise<number> {
    const today = this.#clock.now().toISOString().slice(0, 10);
    let sent = 0;
    for (const view of await this.campaigns(ALL_ENTITIES)) {
      const { campaign, progress } = view;
      if (!view.scorecardFound || progress.left === 0 || progress.daysLeft > withinDays) continue;
      // A first look, in the log: a pass after today's reminder opens no write transaction.
      const earlier = await this.#o.log.read({ types: ['scorecards.campaign.reminder'], subject: campaign.ref, limit: 1000 });
      if (earlier.some(event => event.at.slice(0, 10) === today)) continue;
      const reminded = await this.#o.store.transaction(async trx => {
        // Claimed by its row: a pass at once (another replica) waits for this one to commit and then finds the day taken.
        const claimed = await trx.insertInto('scorecard_campaign_reminders').values({ campaign_ref: campaign.ref, day: today }).onConflict(oc => oc.columns(['campaign_ref', 'day']).doNothing()).returning('day').executeTakeFirst();
        if (!claimed) return false;
        await this.#o.log.append(trx, {
          type: 'scorecards.campaign.reminder',
          subject: campaign.ref,
          payload: {
            campaign: campaign.ref,
            ...parts(campaign.ref),
            ...(campaign.owner ? { owner: campaign.owner } : {}),
            target: campaign.target,
            daysLeft: progress.daysLeft,
            left: progress.left,
            teams: progress.teams.filter(team => team.left > 0).slice(0, 50).map(team => ({ owner: team.owner, left: team.left })),
          },
        });
        return true;
      });
      if (reminded) sent++;
    }
    return sent;
  }

  /** Deletes fact and result history older than `days`. */
  async prune(days: number): Promise<number> {
    const before = new Date(this.#clock.now().getTime() - days * 86_400_000).toISOString();
    return (await this.facts.prune(before)) + (await this.results.prune(before));
  }

  /** Which of the entities a scorecard selects: one query per scorecard (its filter, narrowed to their names). */
  async #selected(scorecard: Scorecard, entities: readonly Entity[]): Promise<Set<string>> {
    const selected = new Set<string>();
    const wanted = new Set(entities.map(entityRefOf));
    for (let i = 0; i < entities.length; i += 100) {
      const names = [...new Set(entities.slice(i, i + 100).map(entity => entity.metadata.name))].map(name => `metadata.name=${name}`).join(',');
      // A filter that names entities itself is not narrowed (a repeated key would widen it).
      const filter = filterOf(scorecard).map(f => (/metadata\.name/i.test(f) ? f : `${f},${names}`));
      for await (const page of this.#o.entities.listPages({ filter, fields: ['kind', 'metadata.name', 'metadata.namespace'] })) {
        for (const entity of page) if (wanted.has(entityRefOf(entity))) selected.add(entityRefOf(entity));
      }
    }
    return selected;
  }

  /** The results whose entity the caller may read. */
  async #readable(results: ScorecardResult[], scope: EntityScope): Promise<ScorecardResult[]> {
    if (scope.type === 'all' || !results.length) return results;
    const readable = await this.#o.entities.byRefs(results.map(result => result.entity), ['kind'], undefined, scope);
    return results.filter((_, index) => readable[index] !== null);
  }

  /** Runs one collector for an entity; facts that do not hold to its schema are reported in the log and not stored. */
  async #run(collector: FactCollector, entity: Entity, ref: string, checkouts?: RemoteCheckouts): Promise<CollectedFacts> {
    const yielded = await collector.collect(entity, this.#context(checkouts));
    if (!yielded) return { entity: ref, source: collector.id, facts: undefined };
    const { facts, errors } = checkFacts(collector, yielded);
    if (errors.length) this.#o.logger?.warn({ collector: collector.id, entity: ref, errors }, `scorecards: collector ${collector.id} yielded ${errors.length} fact(s) its schema does not allow for ${ref}; not stored`);
    return { entity: ref, source: collector.id, facts };
  }

  #context(checkouts?: RemoteCheckouts): CollectorContext {
    const { entities, repositories, delivery } = this.#o;
    return { entities, repositories, ...(checkouts ? { checkouts } : {}), ...(delivery ? { delivery } : {}) };
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

function parts(ref: string): { kind: string; namespace: string; name: string } {
  const { kind, namespace, name } = parseEntityRef(ref);
  return { kind, namespace, name };
}

function matchesType(pattern: string, type: string): boolean {
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}
