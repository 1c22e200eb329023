import { systemClock, type Clock } from '../core/clock.js';
import { invalidInput, notFound, type FieldError } from '../core/problem.js';
import type { Entity } from '../core/entity.js';
import { entityRefOf, stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';
import type { Logger } from '../core/logger.js';
import type { AuditContext, AuditLog } from '../store/audit-log.js';
import type { EventLog, PaveEvent } from '../store/event-log.js';
import type { Db, Store } from '../store/store.js';
import type { Identity } from '../auth/identity.js';
import type { EntityScope } from '../catalog/query/entity-scope.js';
import type { DeliveryConfig } from './delivery-config.js';
import { createHash } from 'node:crypto';
import { normalizeEvent, tooFarAhead, ENTITY_TARGET, type DeliveryEvent, type DeliveryEventInput } from './delivery-event.js';
import type { GitOpsReport } from './receivers/provider-receiver.js';
import type { GitOpsObservation } from '../platform/model/gitops-health.js';
import type { ReadBackResult, SyncedCommit, SyncedCommitRecorder } from '../platform/gitops-readback.js';
import { eventsReceivedPayload } from './events-received.js';
import { DeliveryEventStore, type DeploymentRecord, type UnmappedTarget } from './event-store.js';
import { ComponentResolver, targetId } from './component-resolver.js';
import { computeDora, median, type DoraFigures } from './dora.js';
import { pullRequestLeadTimes, type PullRequestLeadTime, type PullRequestSummary } from './pull-request-lead-time.js';

/** Checks a permission (the auth service's); throws a 401/403 problem when refused. */
export interface DeliveryAuthorizer {
  authorize(identity: Identity, action: string, resource?: string): Promise<unknown>;
}

/** The catalog reads the service needs (the catalog's entity reader). */
export interface DeliveryCatalog {
  byRef(ref: string): Promise<Entity | undefined>;
  list(request: { filter?: string[]; limit?: number; scope?: EntityScope }): Promise<Entity[]>;
  byRefs(refs: string[], fields?: string[], filterParams?: string[], scope?: EntityScope): Promise<Array<Entity | null>>;
}

export interface DeliveryServiceOptions {
  store: Store;
  log: EventLog;
  audit: AuditLog;
  config: DeliveryConfig;
  catalog: DeliveryCatalog;
  permissions: DeliveryAuthorizer;
  /** Reads GitOps tools' reports back onto platform requests (the platform's); absent, reports are ignored. */
  gitops?: { observe(observation: GitOpsObservation, recorder?: SyncedCommitRecorder): Promise<ReadBackResult> };
  logger?: Logger;
  clock?: Clock;
}

/** What one ingestion did. */
export interface IngestResult {
  received: number;
  stored: number;
  duplicates: number;
  /** Of those stored, how many no catalog entity could be found for (see `unmapped`). */
  unmapped: number;
  /** argocd, flux: the platform requests whose GitOps health the report updated. */
  requests?: number;
}

/** Which components a figure is about and over which window. */
export interface DoraQuery {
  /** A component, system (its components), group (the components it owns) or none (the organisation). */
  entity?: string;
  /** Days the window spans, ending at `end`. */
  windowDays?: number;
  /** The window's end (ISO); now by default. */
  end?: string;
  /** What the caller may read; figures leave out every component outside it. */
  scope: EntityScope;
  /** Also the headline figure of each metric for each week of the window (`byWeek`). */
  weekly?: boolean;
}

/** One week (Monday, UTC; the window's first and last may be cut short) of a DORA report's trend lines. */
export interface DoraWeek {
  week: string;
  deployments: number;
  leadTimeMedianHours: number | null;
  changeFailureRate: number | null;
  recoveryMedianHours: number | null;
  reworkRate: number | null;
}

export interface DoraReport {
  entity?: string;
  window: { start: string; end: string; days: number };
  components: number;
  metrics: DoraFigures;
  /** The same figures over the window just before: the trend. */
  previous: DoraFigures;
  /** Each component's own figures (for a system, group or the organisation). */
  byComponent?: Array<{ entityRef: string; metrics: DoraFigures }>;
  /** With `weekly`: each week of the window, its figures computed as the window's are, over that week alone. */
  byWeek?: DoraWeek[];
}

/** Lead time per pull request over a window (`DeliveryService.pullRequests`). */
export interface PullRequestReport {
  entity: string;
  window: { start: string; end: string; days: number };
  summary: PullRequestSummary;
  items: PullRequestLeadTime[];
}

export interface AdoptionReport {
  window: { start: string; end: string; days: number };
  components: number;
  /** Components with a successful production deployment in the window. */
  deploying: number;
  deployingShare: number | null;
  /** Components made from a golden path (annotation backstage.io/source-template). */
  fromTemplates: number;
  goldenPathShare: number | null;
  /** Teams (owners) with a component deploying to production in the window. */
  teamsDeploying: number;
  templateRuns: { started: number; completed: number; failed: number; successRate: number | null };
  /** People who did anything recorded in the event log, per week (Monday, UTC) of the window. */
  activeUsersByWeek: Array<{ week: string; users: number }>;
  /** Components that appeared in the window, and the median hours from their creation to their first production deployment. */
  newComponents: { created: number; deployed: number; medianHoursToFirstDeployment: number | null };
  /** Platform requests applied in the window, how many became Ready (by the window's end) and the median hours from apply to Ready. */
  platformRequests: { applied: number; ready: number; medianHoursToReady: number | null };
  /**
   * Each week (Monday, UTC) of the window: teams onboarded that week (their first component appeared in the
   * catalog, or their first platform request was applied) and the teams onboarded by its end.
   */
  teamsOnboardedByWeek: Array<{ week: string; onboarded: number; total: number }>;
  /** Each week (Monday, UTC) of the window: golden-path runs started, completed and failed. */
  templateRunsByWeek: Array<{ week: string; started: number; completed: number; failed: number }>;
  /** Each week of the window: components that appeared in the catalog, and how many of them from a golden path. */
  newComponentsByWeek: Array<{ week: string; created: number; fromTemplates: number }>;
  /** Each week of the window: platform requests applied, and requests that became Ready for the first time. */
  platformRequestsByWeek: Array<{ week: string; applied: number; ready: number }>;
}

const DAY = 86_400_000;
const MAX_WINDOW_DAYS = 730;
/** Resolved targets remembered at most (then forgotten at once and looked up again). */
const MAX_REMEMBERED = 100_000;
/**
 * A batch this large commits without SQLite's automatic checkpoint, which a worker runs next (Store.transaction's
 * `large`): a stream of full batches spent ~40% of its ingest in checkpoints inside COMMITs (bench/README, session 13).
 */
const LARGE_BATCH = 100;

/**
 * Delivery events in and the metrics over them. Every change (ingestion, mapping) is authorized here or
 * by the receiver's signature, and written with its audit entry and its event in one transaction.
 * @example await delivery.ingest(caller, [{ id: 'd1', type: 'deployment', entity: 'component:default/cart', at, environment: 'production', status: 'success' }]);
 */
export class DeliveryService {
  readonly events: DeliveryEventStore;
  readonly #o: DeliveryServiceOptions;
  readonly #clock: Clock;
  readonly #production: string[];
  /** Targets already resolved, and the event log's seq up to which no catalog change or mapping has made them stale. */
  #resolved: { seq: number; entities: Map<string, string | undefined> } = { seq: 0, entities: new Map() };

  constructor(options: DeliveryServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.events = new DeliveryEventStore(options.store);
    this.#production = options.config.productionEnvironments.map(e => e.toLowerCase());
  }

  get config(): DeliveryConfig {
    return this.#o.config;
  }

  /** The generic API: a batch of events from someone allowed `delivery.event.write`. */
  async ingest(caller: Identity, inputs: unknown, context?: AuditContext): Promise<IngestResult> {
    await this.#o.permissions.authorize(caller, 'delivery.event.write');
    if (!Array.isArray(inputs)) throw invalidInput('The body needs a list of events', [{ pointer: '/events', detail: 'is required: a list of events', rule: 'required' }]);
    if (inputs.length > this.#o.config.maxBatch) throw invalidInput(`At most ${this.#o.config.maxBatch} events at once`, [{ pointer: '/events', detail: `must hold at most ${this.#o.config.maxBatch} events`, rule: 'maxItems' }]);
    return this.#store(caller.principal, 'api', 'delivery.event.write', this.check(inputs, 'api', '/events'), context);
  }

  /**
   * Events a provider's receiver made from a webhook whose signature checked out: recorded as
   * `webhook:<provider>`. The receiver has already checked them (`check`). A GitOps tool's `report` is read
   * back onto the platform requests it covers once the events are stored; Pave's commits it reports synced for
   * the first time are stored as deployments in the transaction that records the report (`#syncedWriter`).
   * A report made further ahead of Pave's clock than the skew allowed is refused (422 naming its field) and
   * nothing is stored; one within it counts as made now, so a later report is never taken for an older one.
   */
  async receive(provider: string, events: DeliveryEvent[], context?: AuditContext, report?: GitOpsReport): Promise<IngestResult> {
    const observation = report && this.#o.gitops ? this.#observation(report) : undefined;
    const result = await this.#store(`webhook:${provider}`, provider, 'delivery.webhook.receive', events, context);
    if (!observation) return result;
    const written = { received: 0, stored: 0 };
    const readBack = await this.#o.gitops!.observe(observation, { prepare: request => this.#syncedWriter(request, `webhook:${provider}`, written) });
    return { ...result, received: result.received + written.received, stored: result.stored + written.stored, requests: readBack.requests };
  }

  /** A report's observation at a time no later than Pave's clock; 422 when it lies beyond the skew allowed. */
  #observation({ atPointer, ...report }: GitOpsReport): GitOpsObservation {
    const now = this.#clock.now();
    const at = report.at === undefined ? now.getTime() : Date.parse(report.at);
    const ahead = tooFarAhead(at, { now, clockSkewSeconds: this.#o.config.clockSkewSeconds });
    if (ahead) throw invalidInput(`The report ${ahead}; nothing was stored`, [{ pointer: atPointer ?? '/at', detail: ahead, rule: 'future' }]);
    return { ...report, at: new Date(Math.min(at, now.getTime())).toISOString() };
  }

  /**
   * What stores a platform request's commit reported synced, as delivery events (source `pave`): the commit
   * as a change made when its run ended, and its deployment to the destination's environment, for the
   * request's Resource and for each component of the requesting team that depends on it. The dependents are
   * read now, before the read-back's transaction; the writer runs inside it and adds what it wrote to `written`.
   */
  async #syncedWriter(request: { ref: string; owner?: string }, actor: string, written: { received: number; stored: number }): Promise<(trx: Db, synced: SyncedCommit) => Promise<void>> {
    const filter = `kind=component,relations.dependson=${request.ref}${request.owner ? `,relations.ownedby=${request.owner}` : ''}`;
    const entities = [request.ref, ...(await this.#o.catalog.list({ filter: [filter] })).map(entityRefOf)];
    return async (trx, delivery) => {
      const inputs: DeliveryEventInput[] = entities.flatMap(entity => {
        const key = createHash('sha256').update(`${delivery.destination}\n${delivery.path}\n${delivery.commit}\n${entity}`).digest('hex').slice(0, 40);
        const title = `Pave's commit of ${delivery.request} to ${delivery.destination}:${delivery.path}`;
        return [
          { id: `pave:change:${key}`, type: 'change', at: delivery.committedAt ?? delivery.at, entity, sha: delivery.commit, title },
          { id: `pave:deployment:${key}`, type: 'deployment', at: delivery.at, entity, environment: delivery.environment, status: 'success', sha: delivery.commit, commits: [delivery.commit], title },
        ];
      });
      const events = this.check(inputs, 'pave', '/gitops');
      // Each names its entity by ref, read from the catalog (or the request's own Resource): attributed as named.
      const stored = await this.#write(trx, actor, 'pave', events, e => e.targetValue);
      written.received += events.length;
      written.stored += stored.length;
    };
  }

  /** Checks events and makes them canonical; throws one 422 naming every mistake, so nothing of a bad batch is stored. */
  check(inputs: readonly unknown[], source: string, pointer: string): DeliveryEvent[] {
    const now = this.#clock.now();
    const events: DeliveryEvent[] = [];
    const errors: FieldError[] = [];
    inputs.forEach((input, i) => {
      const result = normalizeEvent(input, source, `${pointer}/${i}`, { now, clockSkewSeconds: this.#o.config.clockSkewSeconds });
      if (result.event) events.push(result.event);
      errors.push(...result.errors);
    });
    if (errors.length) throw invalidInput(`The events have ${errors.length} mistake(s); none was stored`, errors.slice(0, 100));
    return events;
  }

  async #store(actor: string, source: string, action: string, events: DeliveryEvent[], context?: AuditContext): Promise<IngestResult> {
    const resolved = await this.#resolve(events);
    const entityOf = new Map(events.map(e => [e.id, resolved.get(targetId(e.targetKey, e.targetValue))]));
    const result = await this.#o.store.transaction(async trx => {
      const inserted = await this.#write(trx, actor, source, events, e => entityOf.get(e.id));
      const stored = inserted.length;
      const result: IngestResult = { received: events.length, stored, duplicates: events.length - stored, unmapped: inserted.filter(e => !entityOf.get(e.id)).length };
      await this.#o.audit.record({ actor, action, context, detail: { source, received: result.received, stored, duplicates: result.duplicates } }, trx);
      return result;
    }, { large: events.length >= LARGE_BATCH });
    this.#o.logger?.debug({ source, ...result }, 'delivery events received');
    return result;
  }

  /** Inserts the events whose id is new in `trx`, with the event saying so; answers those inserted. */
  async #write(trx: Db, actor: string, source: string, events: readonly DeliveryEvent[], entityOf: (event: DeliveryEvent) => string | undefined): Promise<DeliveryEvent[]> {
    const inserted = await this.events.insert(trx, events, entityOf, this.#clock.now().toISOString());
    if (inserted.length) await this.#o.log.append(trx, { type: 'delivery.events.received', actor, payload: eventsReceivedPayload(source, inserted, entityOf) });
    return inserted;
  }

  /**
   * The entity of each event's target. Answers are remembered until the event log shows a catalog change
   * or a mapping (on any replica: the log is shared), so a steady stream of events costs one small read
   * of the log per batch instead of catalog queries.
   */
  async #resolve(events: readonly DeliveryEvent[]): Promise<Map<string, string | undefined>> {
    const latest = await this.#o.log.latest();
    const changed = await this.#o.log.read({ after: this.#resolved.seq, types: ['catalog.*', 'delivery.mapping.*'], limit: 1 });
    if (changed.length || this.#resolved.entities.size > MAX_REMEMBERED) this.#resolved = { seq: latest, entities: new Map() };
    else this.#resolved.seq = latest;
    const known = this.#resolved.entities;
    const missing = [...new Set(events.map(e => targetId(e.targetKey, e.targetValue)))].filter(id => !known.has(id));
    if (missing.length) {
      const found = await new ComponentResolver(this.#o.catalog, this.events).resolveAll(events.filter(e => !known.has(targetId(e.targetKey, e.targetValue))).map(e => [e.targetKey, e.targetValue] as const));
      for (const id of missing) known.set(id, found.get(id));
    }
    return known;
  }

  /** The keys whose events no entity could be found for, with how many events each. */
  async unmapped(caller: Identity): Promise<UnmappedTarget[]> {
    await this.#o.permissions.authorize(caller, 'delivery.event.read');
    return this.events.unmapped();
  }

  /**
   * Attributes every event naming (`key`, `value`) to `entity`, now and from now on.
   * @example await delivery.map(admin, { key: 'github.com/project-slug', value: 'acme/legacy-cart', entity: 'component:default/cart' })
   */
  async map(caller: Identity, input: { key?: unknown; value?: unknown; entity?: unknown }, context?: AuditContext): Promise<{ key: string; value: string; entity: string; events: number }> {
    await this.#o.permissions.authorize(caller, 'delivery.mapping.write');
    const errors: FieldError[] = [];
    if (typeof input.key !== 'string' || !input.key || input.key.length > 253) errors.push({ pointer: '/key', detail: "is required: the target's key as the unmapped list shows it, e.g. 'github.com/project-slug'", rule: 'required' });
    if (typeof input.value !== 'string' || !input.value || input.value.length > 300) errors.push({ pointer: '/value', detail: 'is required: the value as the unmapped list shows it', rule: 'required' });
    const ref = typeof input.entity === 'string' ? tryParseEntityRef(input.entity, { defaultKind: 'component' }) : undefined;
    if (!ref) errors.push({ pointer: '/entity', detail: "must be an entity ref, e.g. 'component:default/cart'", rule: 'format' });
    if (errors.length) throw invalidInput(`The mapping has ${errors.length} mistake(s)`, errors);
    const entity = stringifyEntityRef(ref!);
    if (!(await this.#o.catalog.byRef(entity))) throw invalidInput(`No entity ${entity} in the catalog`, [{ pointer: '/entity', detail: `names no entity in the catalog: ${entity}`, rule: 'exists' }]);
    const key = (input.key as string).toLowerCase();
    const value = key === ENTITY_TARGET ? stringifyEntityRef(tryParseEntityRef(input.value as string, { defaultKind: 'component' }) ?? { kind: 'component', namespace: 'default', name: input.value as string }) : (input.value as string).toLowerCase();
    const events = await this.#o.store.transaction(async trx => {
      const moved = await this.events.map(trx, key, value, entity, caller.principal, this.#clock.now().toISOString());
      await this.#o.log.append(trx, { type: 'delivery.mapping.created', subject: entity, actor: caller.principal, payload: { key, value, entity, events: moved } });
      await this.#o.audit.record({ actor: caller, action: 'delivery.mapping.write', entityRef: entity, context, after: { key, value, entity }, detail: { key, value, events: moved } }, trx);
      return moved;
    });
    return { key, value, entity, events };
  }

  /** An entity's latest deployments, newest first (404 when the caller may not read it). */
  async deployments(caller: Identity, entity: string, scope: EntityScope, limit = 50): Promise<DeploymentRecord[]> {
    const [ref] = await this.#components(entity, scope);
    if (!ref) return [];
    return this.events.deployments(ref, Math.min(Math.max(limit, 1), 500));
  }

  /**
   * Lead time per pull request of a component (a system's or a team's components, for those): first commit (or
   * opening) → merged → deployed to production, for those merged in the window and those opened in it and not
   * merged, newest first, with the medians of the merged ones. 404 when the caller may not read the entity.
   * @example await delivery.pullRequests({ entity: 'component:default/cart', windowDays: 90, scope })
   */
  async pullRequests(query: Omit<DoraQuery, 'weekly'> & { entity: string }): Promise<PullRequestReport> {
    const window = this.#window(query.windowDays, query.end);
    const end = new Date(window.end).toISOString();
    const components = await this.#components(query.entity, query.scope);
    const [facts, pullRequests] = await Promise.all([this.events.facts(components, end, this.#production), this.events.pullRequests(components, end)]);
    const { items, summary } = pullRequestLeadTimes({ pullRequests, changes: facts.changes, deployments: facts.deployments, production: new Set(this.#production), window });
    return { entity: this.#canonical(query.entity), window: { start: new Date(window.start).toISOString(), end, days: (window.end - window.start) / DAY }, summary, items };
  }

  /** DORA's five metrics for an entity (or the organisation) over a window, with the previous window's as the trend. */
  async dora(query: DoraQuery): Promise<DoraReport> {
    const window = this.#window(query.windowDays, query.end);
    const components = await this.#components(query.entity, query.scope);
    const facts = await this.events.doraFacts(components, new Date(window.end).toISOString(), this.#production);
    const current = await computeDora(components, { facts, window });
    const span = window.end - window.start;
    const previous = await computeDora(components, { facts, window: { start: window.start - span, end: window.start } });
    const single = query.entity !== undefined && components.length === 1 && components[0] === this.#canonical(query.entity);
    const byWeek: DoraWeek[] | undefined = query.weekly ? [] : undefined;
    for (const week of byWeek ? weeksOf(new Date(window.start).toISOString(), window.end) : []) {
      const from = Math.max(Date.parse(week), window.start);
      const { total } = await computeDora(components, { facts, window: { start: from, end: Math.min(Date.parse(week) + 7 * DAY, window.end) } });
      byWeek!.push({ week, deployments: total.deploymentFrequency.deployments, leadTimeMedianHours: total.leadTime.medianHours, changeFailureRate: total.changeFailureRate.rate, recoveryMedianHours: total.recoveryTime.medianHours, reworkRate: total.reworkRate.rate });
    }
    return {
      ...(query.entity ? { entity: this.#canonical(query.entity) } : {}),
      window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString(), days: span / DAY },
      components: components.length,
      metrics: current.total,
      previous: previous.total,
      ...(single ? {} : { byComponent: current.components.map(c => ({ entityRef: c.entityRef, metrics: c.figures })) }),
      ...(byWeek ? { byWeek } : {}),
    };
  }

  /** How much the platform is used: deploying components, golden-path share, template runs. */
  async adoption(query: Omit<DoraQuery, 'entity'>): Promise<AdoptionReport> {
    const window = this.#window(query.windowDays, query.end);
    const [start, end] = [new Date(window.start).toISOString(), new Date(window.end).toISOString()];
    const components = await this.#o.catalog.list({ filter: ['kind=component'], scope: query.scope });
    const refs = components.map(entityRefOf);
    const deploying = await this.events.deployedBetween(refs, this.#production, start, end);
    const fromTemplate = new Set(components.filter(c => typeof c.metadata.annotations?.['backstage.io/source-template'] === 'string').map(entityRefOf));
    const runs = { started: 0, completed: 0, failed: 0 };
    const usersByWeek = new Map<string, Set<string>>();
    const createdAt = new Map<string, string>();
    const readable = new Set(refs);
    const ownerOf = new Map(components.map(c => [entityRefOf(c), typeof c.spec?.owner === 'string' ? stringifyEntityRef(tryParseEntityRef(c.spec.owner, { defaultKind: 'group' }) ?? { kind: 'group', namespace: 'default', name: c.spec.owner }) : undefined]));
    const teamSince = new Map<string, string>();
    const onboard = (team: unknown, at: string) => {
      if (typeof team === 'string' && !teamSince.has(team) && at < end) teamSince.set(team, at);
    };
    const appliedAt = new Map<string, string>();
    const runEvents: Array<[keyof typeof runs, string]> = [];
    const readyAt = new Map<string, string>();
    // One pass over the event log: golden-path runs, who did anything each week, when components appeared,
    // platform requests from apply to Ready, and when each team came on board.
    let after = 0;
    for (;;) {
      const page: PaveEvent[] = await this.#o.log.read({ after, limit: 1000 });
      for (const event of page) {
        if (event.type === 'catalog.entity.created' && event.subject && readable.has(event.subject)) {
          createdAt.set(event.subject, event.at);
          onboard(ownerOf.get(event.subject), event.at);
        } else if (event.type === 'platform.request.applied' && event.subject) {
          appliedAt.set(event.subject, event.at);
          onboard((event.payload as { owner?: unknown }).owner, event.at);
        } else if (event.type === 'platform.request.phase-changed' && event.subject && (event.payload as { phase?: unknown }).phase === 'Ready' && appliedAt.has(event.subject) && !readyAt.has(event.subject) && event.at < end) {
          readyAt.set(event.subject, event.at);
        }
        if (event.at < start || event.at >= end) continue;
        const run = RUN_EVENTS[event.type];
        if (run) {
          runs[run]++;
          runEvents.push([run, event.at]);
        }
        if (event.actor?.startsWith('user:')) {
          const week = weekOf(event.at);
          (usersByWeek.get(week) ?? usersByWeek.set(week, new Set()).get(week)!).add(event.actor);
        }
      }
      if (page.length < 1000) break;
      after = page[page.length - 1]!.seq;
    }
    const weeks = weeksOf(start, window.end);
    const templateRunsByWeek = weeks.map(week => ({ week, started: 0, completed: 0, failed: 0 }));
    const runWeek = new Map(templateRunsByWeek.map(w => [w.week, w]));
    for (const [type, at] of runEvents) runWeek.get(weekOf(at))![type]++;
    const share = (n: number) => (refs.length ? Math.round((n / refs.length) * 10_000) / 10_000 : null);
    const finished = runs.completed + runs.failed;
    // Components that appeared in the window: hours from their creation to their first production deployment.
    const newcomers = [...createdAt].filter(([, at]) => at >= start && at < end);
    const hoursToFirst: number[] = [];
    for (const [ref, at] of newcomers) {
      const first = await this.events.firstDeploymentSince(ref, this.#production, at);
      if (first !== undefined && first < end) hoursToFirst.push((Date.parse(first) - Date.parse(at)) / 3_600_000);
    }
    const middle = median(hoursToFirst);
    const owners = new Set(components.filter(c => deploying.has(entityRefOf(c))).map(c => String(c.spec?.owner ?? '')).filter(Boolean));
    const appliedInWindow = [...appliedAt].filter(([, at]) => at >= start && at < end);
    const hoursToReady = appliedInWindow.flatMap(([ref, at]) => (readyAt.has(ref) ? [(Date.parse(readyAt.get(ref)!) - Date.parse(at)) / 3_600_000] : []));
    const middleReady = median(hoursToReady);
    const onboardedWeeks = [...teamSince.values()].map(weekOf);
    const teamsOnboardedByWeek = weeks.map(week => ({ week, onboarded: onboardedWeeks.filter(w => w === week).length, total: onboardedWeeks.filter(w => w <= week).length }));
    const newComponentsByWeek = weeks.map(week => {
      const created = newcomers.filter(([, at]) => weekOf(at) === week);
      return { week, created: created.length, fromTemplates: created.filter(([ref]) => fromTemplate.has(ref)).length };
    });
    const readyInWindow = [...readyAt.values()].filter(at => at >= start);
    const platformRequestsByWeek = weeks.map(week => ({ week, applied: appliedInWindow.filter(([, at]) => weekOf(at) === week).length, ready: readyInWindow.filter(at => weekOf(at) === week).length }));
    return {
      window: { start, end, days: (window.end - window.start) / DAY },
      components: refs.length,
      deploying: deploying.size,
      deployingShare: share(deploying.size),
      teamsDeploying: owners.size,
      fromTemplates: fromTemplate.size,
      goldenPathShare: share(fromTemplate.size),
      templateRuns: { ...runs, successRate: finished ? Math.round((runs.completed / finished) * 10_000) / 10_000 : null },
      activeUsersByWeek: [...usersByWeek].sort(([a], [b]) => (a < b ? -1 : 1)).map(([week, users]) => ({ week, users: users.size })),
      newComponents: { created: newcomers.length, deployed: hoursToFirst.length, medianHoursToFirstDeployment: middle === null ? null : Math.round(middle * 100) / 100 },
      platformRequests: { applied: appliedInWindow.length, ready: hoursToReady.length, medianHoursToReady: middleReady === null ? null : Math.round(middleReady * 100) / 100 },
      teamsOnboardedByWeek,
      templateRunsByWeek,
      newComponentsByWeek,
      platformRequestsByWeek,
    };
  }

  #window(windowDays = 30, end?: string): { start: number; end: number } {
    if (!Number.isFinite(windowDays) || windowDays <= 0 || windowDays > MAX_WINDOW_DAYS) throw invalidInput(`The window must be 1 to ${MAX_WINDOW_DAYS} days`, [{ pointer: '/window', detail: `must be 1 to ${MAX_WINDOW_DAYS} days, e.g. 30d`, rule: 'range' }]);
    const until = end === undefined ? this.#clock.now().getTime() : Date.parse(end);
    if (Number.isNaN(until)) throw invalidInput('The window end is not a date', [{ pointer: '/end', detail: "must be an ISO-8601 date-time, e.g. '2026-01-31T00:00:00Z'", rule: 'format' }]);
    return { start: until - windowDays * DAY, end: until };
  }

  #canonical(entity: string): string {
    const ref = tryParseEntityRef(entity, { defaultKind: 'component' });
    if (!ref) throw invalidInput(`"${entity}" is not an entity ref`, [{ pointer: '/entity', detail: "must be an entity ref, e.g. 'component:default/cart'", rule: 'format' }]);
    return stringifyEntityRef(ref);
  }

  /**
   * The components a figure is about, among those the caller may read: the component (or resource: a platform
   * request, deployed when its GitOps tool reports Pave's commit synced) itself, a system's
   * components, the components a group owns, or (no entity) every component. 404 for an entity the caller
   * may not read or that does not exist.
   */
  async #components(entity: string | undefined, scope: EntityScope): Promise<string[]> {
    const list = async (filter: string) => (await this.#o.catalog.list({ filter: [filter], scope })).map(entityRefOf);
    if (entity === undefined) return list('kind=component');
    const ref = this.#canonical(entity);
    const [found] = await this.#o.catalog.byRefs([ref], undefined, undefined, scope);
    if (!found) throw notFound(`No entity ${ref} that you may read`);
    switch (found.kind.toLowerCase()) {
      case 'component':
      case 'resource':
        return [ref];
      case 'system':
        return list(`kind=component,relations.partof=${ref}`);
      case 'group':
        return list(`kind=component,relations.ownedby=${ref}`);
      case 'user':
        return list(`kind=component,relations.ownedby=${ref}`);
      default:
        throw invalidInput(`Delivery figures are about a component, resource, system or group, not a ${found.kind}`, [{ pointer: '/entity', detail: 'must be a component, resource, system or group', rule: 'kind' }]);
    }
  }
}

/** The weeks (their Mondays, UTC) a window from `start` (ISO) to `end` (ms) touches, oldest first. */
function weeksOf(start: string, end: number): string[] {
  const weeks: string[] = [];
  for (let week = weekOf(start); Date.parse(week) < end; week = new Date(Date.parse(week) + 7 * DAY).toISOString().slice(0, 10)) weeks.push(week);
  return weeks;
}

/** The template task events that count a golden-path run, and which count. */
const RUN_EVENTS: Record<string, 'started' | 'completed' | 'failed'> = { 'templates.task.created': 'started', 'templates.task.completed': 'completed', 'templates.task.failed': 'failed' };

/** The Monday (UTC) of an instant's week, as a date. */
function weekOf(at: string): string {
  const day = new Date(at.slice(0, 10) + 'T00:00:00Z');
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
}
