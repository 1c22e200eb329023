/**
 * Golden paths' service API: what the HTTP routes, the CLI and (later) the MCP server call. Lists
 * templates with their problems, serves parameter schemas, creates tasks (validated, durable, run by
 * the task worker), streams their events, cancels them, and dry-runs templates with no side effects.
 */
import type { UrlReader } from '../reading/url-reader.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fg from 'fast-glob';
import type { Entity } from '../core/entity.js';
import { stringifyEntityRef } from '../core/entity-ref.js';
import { newId } from '../core/ids.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { PlatformRequests } from './actions/pave-request.js';
import type { Logger } from '../core/logger.js';
import { invalidInput, isPaveError, notFound, type FieldError } from '../core/problem.js';
import type { Store } from '../store/store.js';
import type {} from './templates-tables.js'; // the tables it queries, for Kysely's types
import type { JobQueue } from '../store/job-queue.js';
import { principalOf, type AuditLog, type ChangeAuthor } from '../store/audit-log.js';
import type { EventLog } from '../store/event-log.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { ScmIntegrations } from '../integrations/scm-integrations.js';
import { ALL_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';
import { UNRESTRICTED, actingAsNobody, type ActingAuthority } from '../auth/acting-authority.js';
import type { RecordedIdentity } from '../auth/recorded-identity.js';
import type { ResourceFacts } from '../auth/policy.js';
import type { ActionRegistry } from './actions/action-registry.js';
import type { ActionDescription } from './actions/action-description.js';
import { createActionRegistry } from './actions/builtin-actions.js';
import { DEFAULT_LOCAL_GIT_HOST } from './actions/publish-git.js';
import { canonicalTemplateRef, readTemplate, type TemplateDefinition, type TemplateReading } from './model/template.js';
import { TemplateUpgrades } from './upgrades/template-upgrades.js';
import { templateVersion } from '../catalog/location-provenance.js';
import { withoutUnaskedValues } from './model/unasked-values.js';
import { declaredFeatureFlags, gateByFeatureFlags } from './model/feature-flags.js';
import { pageCondition, parameterSchemaOf, validateForm, validateSecrets, type ParameterPage, type ParameterSchema } from './model/parameters.js';
import { Workspace } from './workspace/workspace.js';
import { TemplateFiles } from './workspace/template-files.js';
import { Redactor } from './workspace/redactor.js';
import type { ExpressionEvaluator } from '../expressions/index.js';
import { TASK_EVENT_TOPIC, TaskStore, type ListTasksRequest, type TaskFilter } from './tasks/task-store.js';
import { taskEvent } from './tasks/task-events.js';
import { inPublicText, publicOutput, type PublicAddresses } from './tasks/public-output.js';
import { runTask, TaskInterrupted, type RunResult, type TaskSink } from './tasks/task-runner.js';
import { taskResource } from './tasks/task-resource.js';
import { TASK_QUEUE, TaskWorker, type TaskWorkerOptions } from './tasks/task-worker.js';
import {
  FINAL_TASK_STATUSES,
  type StepStatus,
  type TaskEvent,
  type TaskEventBody,
  type TaskOutputView,
  type TaskSpec,
  type TaskStatus,
  type TaskSummary,
  type TaskView,
} from './tasks/task-types.js';

export interface ScaffolderServiceOptions {
  store: Store;
  queue: JobQueue;
  /** How often an open upgrade review is looked at; default 300 (the config's). */
  reviewCheckSeconds?: number;
  /** Where task changes append their `templates.task.*` events, in their own transactions. */
  eventLog: EventLog;
  /** Where creating and cancelling a task record their audit entries, in their own transactions. */
  audit: AuditLog;
  catalog: CatalogService;
  /** The configured git providers (the hosted publishers sign in through them). */
  integrations: ScmIntegrations;
  /** Pave's data folder: task workspaces go to `<dataDir>/scaffolder/tasks`, local repositories to `<dataDir>/git`. */
  dataDir: string;
  /** Host name meaning Pave's local repositories in `repoUrl` values (default `local`). */
  localGitHost?: string;
  /** The portal page of a local repository at a folder (publish:git links to it); see `RepositoryService.pageUrlOf`. */
  repositoryPageUrl?: (localPath: string) => string | undefined;
  /** How a task's output names hosted repositories: never by a server path (see `public-output.ts`). */
  publicAddresses?: PublicAddresses;
  worker?: TaskWorkerOptions;
  logger?: Logger;
  clock?: Clock;
  /** The platform API, so golden paths can request infrastructure (`pave:request`). */
  platform?: PlatformRequests;
  /** The sandboxed expression engine (evaluator processes; the caller closes them). */
  expressions: ExpressionEvaluator;
  /** Reads `fetch:*` http(s) urls under the reading allow-list; none: they are refused. */
  reader?: UrlReader;
  /**
   * Whom a task acts as, from the identity it recorded: a task reads its template, runs `catalog:fetch`,
   * registers entities and requests infrastructure as whoever created it. Default: no rules apply
   * (authorization off).
   */
  authorityOf?: (identity: RecordedIdentity | undefined) => ActingAuthority;
}

/** A template in the gallery: what it is and whether Pave can run it (its problems). */
export type TemplateSummary = Pick<TemplateDefinition, 'ref' | 'name' | 'namespace' | 'title' | 'description' | 'tags' | 'type' | 'owner'> & {
  /** Every reason it cannot run; empty when it can. */
  problems: FieldError[];
  runnable: boolean;
  /** The `backstage:featureFlag`s its pages name (what the portal's settings offer to turn on). */
  featureFlags: string[];
};

/** Files sent with a dry run of a template that is not in the catalog (Backstage's directoryContents). */
export interface DirectoryEntry {
  path: string;
  base64Content: string;
  executable?: boolean;
}

export interface DryRunRequest {
  /** A template entity (then `directoryContents` are its files), or … */
  template?: unknown;
  /** … a template in the catalog (its files are read from where the catalog read it). */
  templateRef?: string;
  values?: unknown;
  secrets?: Record<string, unknown>;
  /** The feature flags the person has on: pages and fields behind others are not asked (`model/feature-flags.ts`). */
  featureFlags?: readonly string[];
  directoryContents?: DirectoryEntry[];
  /** Who runs it (a principal; none with authorization off): what actions see as `ctx.task.createdBy`. */
  createdBy?: string | undefined;
  /** The caller: the template and `catalog:fetch` read as it, and checks other actions make are its. Default: no rules apply. */
  authority?: ActingAuthority;
  /** Run the steps up to and including this one only (a template upgrade renders what its publishing step published). */
  untilStep?: string;
}

export interface DryRunResult {
  status: 'completed' | 'failed' | 'cancelled';
  log: Array<{ body: TaskEventBody }>;
  steps: Array<{ id: string; name: string; action: string; status: StepStatus; output?: Record<string, unknown> }>;
  output: TaskOutputView;
  error?: TaskView['error'];
  directoryContents: DirectoryEntry[];
}

const DRY_RUN_TIME_LIMIT_MS = 60_000;
const DRY_RUN_MAX_BYTES = 20 * 1024 * 1024;

export class ScaffolderService {
  readonly actions: ActionRegistry;
  readonly tasks: TaskStore;
  readonly worker: TaskWorker;
  /** The repositories golden paths created, and their template upgrades. */
  readonly upgrades: TemplateUpgrades;
  /** Where Pave's own repositories live (`local?owner=o&repo=r` → `<gitRoot>/o/r.git`). */
  readonly gitRoot: string;
  readonly localGitHost: string;
  readonly #options: ScaffolderServiceOptions;
  readonly #tasksDir: string;
  readonly #clock: Clock;
  readonly #readings = new Map<string, TemplateReading>();
  readonly #authorityOf: (identity: RecordedIdentity | undefined) => ActingAuthority;

  constructor(options: ScaffolderServiceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#tasksDir = join(resolve(options.dataDir), 'scaffolder', 'tasks');
    this.gitRoot = join(resolve(options.dataDir), 'git');
    this.localGitHost = options.localGitHost ?? DEFAULT_LOCAL_GIT_HOST;
    this.tasks = new TaskStore(options.store, options.eventLog, this.#clock);
    this.#authorityOf = options.authorityOf ?? (() => UNRESTRICTED);
    this.actions = createActionRegistry({
      entities: options.catalog.entities,
      locations: options.catalog.locations,
      entitiesOf: locationId => options.catalog.entities.byLocation(locationId),
      integrations: options.integrations,
      git: { localRoot: this.gitRoot, localHost: this.localGitHost, ...(options.repositoryPageUrl ? { pageUrl: options.repositoryPageUrl } : {}) },
      ...(options.platform ? { platform: options.platform } : {}),
    });
    this.upgrades = new TemplateUpgrades({
      store: options.store,
      queue: options.queue,
      reviewCheckSeconds: options.reviewCheckSeconds ?? 300,
      eventLog: options.eventLog,
      audit: options.audit,
      integrations: options.integrations,
      expressions: options.expressions,
      entity: async (ref, scope) => (await options.catalog.entities.byRefs([ref], undefined, undefined, scope))[0] ?? undefined,
      render: request => this.dryRun(request),
      dataDir: resolve(options.dataDir),
      gitRoot: this.gitRoot,
      ...(options.repositoryPageUrl ? { repositoryPageUrl: options.repositoryPageUrl } : {}),
      clock: this.#clock,
      ...(options.reader ? { maxCloneBytes: options.reader.maxCloneBytes } : {}),
    });
    this.worker = new TaskWorker(
      options.queue,
      {
        execute: (taskId, signal, attempt) => this.#execute(taskId, signal, attempt),
        heartbeat: taskId => this.tasks.heartbeat(taskId),
        giveUp: async (taskId, reason) => {
          await this.tasks.finish(taskId, 'failed', { error: { title: 'Task failed', detail: reason } });
          await this.tasks.appendEvent(taskId, 'completion', { message: `Task failed: ${reason}`, status: 'failed', level: 'error' });
        },
      },
      { ...options.worker, ...(options.logger ? { logger: options.logger } : {}) },
    );
  }

  /** Starts the task worker, first putting back in the queue any task that lost its job (e.g. a crash right after creation). */
  async start(): Promise<void> {
    const queued = new Set((await this.#options.queue.list(TASK_QUEUE)).map(job => job.key));
    for (const id of await this.tasks.unfinishedIds()) if (!queued.has(id)) await this.#options.queue.enqueue(TASK_QUEUE, id, { taskId: id });
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
  }

  listActions(): ActionDescription[] {
    return this.actions.list();
  }

  // ── templates ──────────────────────────────────────────────────────────────────────────────────

  /** Every Template entity in the catalog that the reader's scope holds, with its problems (checked once per version). */
  async listTemplates(scope: EntityScope = ALL_ENTITIES): Promise<TemplateSummary[]> {
    const entities = await this.#options.catalog.entities.list({ filter: ['kind=template'], scope });
    return entities.map(entity => summaryOf(entity, this.#read(entity))).sort((a, b) => a.title.localeCompare(b.title));
  }

  /** One template with its problems; a 404 problem when it is missing or outside the reader's scope. */
  async getTemplate(ref: string, scope: EntityScope = ALL_ENTITIES): Promise<{ entity: Entity; summary: TemplateSummary; template?: TemplateDefinition }> {
    const entity = await this.#templateEntity(ref, scope);
    const reading = this.#read(entity);
    return { entity, summary: summaryOf(entity, reading), ...(reading.template ? { template: reading.template } : {}) };
  }

  /** Reads a template document that is not (yet) in the catalog, e.g. for `pave template check`. */
  checkTemplate(raw: unknown): TemplateReading {
    return readTemplate(raw, { hasAction: id => this.actions.has(id) });
  }

  /** Backstage's parameter-schema: the form pages of a template. */
  async parameterSchema(ref: string, scope: EntityScope = ALL_ENTITIES): Promise<ParameterSchema> {
    const { template, summary } = await this.getTemplate(ref, scope);
    if (!template) throw invalidInput(`${ref} cannot be read as a template`, summary.problems);
    return parameterSchemaOf(template);
  }

  /**
   * Which form pages are asked for these values: a page's own `if:` expression is evaluated by the sandboxed
   * engine with the values as `parameters` (a page without one is always asked). The portal asks again as
   * values change; tasks and dry runs validate only the pages asked.
   * @example await scaffolder.shownPages('template:default/onboard', { registerApi: true }) // [true, true, false]
   */
  async shownPages(ref: string, values: Record<string, unknown>, scope: EntityScope = ALL_ENTITIES): Promise<boolean[]> {
    const { template, summary } = await this.getTemplate(ref, scope);
    if (!template) throw invalidInput(`${ref} cannot be read as a template`, summary.problems);
    return this.#shown(template.parameters, values);
  }

  async #shown(pages: readonly ParameterPage[], values: unknown): Promise<boolean[]> {
    const results = await this.#options.expressions.evaluateConditions(pages.map(pageCondition), { parameters: values });
    const errors = results.flatMap((result, i) => (result.ok ? [] : [{ pointer: `/spec/parameters/${i}/if`, detail: `cannot be evaluated: ${result.error.message}`, rule: 'expression' }]));
    if (errors.length) throw invalidInput(`A page's condition cannot be evaluated: ${errors.map(e => e.detail).join('; ')}`, errors);
    return results.map(result => result.ok && result.value);
  }

  /**
   * The parameters a task keeps: the values checked against the pages asked for them (a page's `if:` holds and
   * its `backstage:featureFlag`, if any, is among `featureFlags`; a property behind a flag that is off is not
   * asked either), with the Secret fields' values taken from `secrets` and left out (wherever a page of the
   * template has one), and `secrets` against the template's secrets schema; a 422 naming each field otherwise.
   */
  async #checkForm(template: TemplateDefinition, rawValues: unknown, secrets: Record<string, unknown>, what: string, featureFlags: readonly string[] = []): Promise<Record<string, unknown>> {
    const gated = gateByFeatureFlags(template.parameters, featureFlags);
    const shown = await this.#shown(gated.pages, rawValues);
    const asked = gated.pages.filter((_, i) => shown[i] && gated.asked[i]);
    const { values, errors } = validateForm(asked, rawValues, secrets, template.parameters);
    const secretErrors = validateSecrets(template.secretsSchema, secrets);
    if (errors.length || secretErrors.length) throw invalidInput(`The values do not fit ${what}: ${[...errors, ...secretErrors].map(e => e.detail).join('; ')}`, [...errors, ...secretErrors]);
    return withoutUnaskedValues(values, template.parameters, asked);
  }

  // ── tasks ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Creates a task: the template must have no problems and the values must satisfy its parameters
   * (422 naming each field otherwise), and `identity` (its creator, as `recordIdentity` records a
   * caller) must be able to read it (else 404, as for a missing one). The identity is kept in the task's
   * spec: the task reads the catalog as it. The task, its job, its audit entry (`templates.task.create`, with
   * the template ref — never values or secrets) and its `templates.task.created` event are written in one
   * transaction; the worker runs it.
   * @example const { id } = await scaffolder.createTask({ templateRef: 'template:default/typescript-service', values: { name: 'orders' } }, changeAuthor(request));
   */
  async createTask(request: { templateRef: string; values?: unknown; secrets?: Record<string, unknown>; featureFlags?: readonly string[]; identity?: RecordedIdentity }, author: ChangeAuthor): Promise<{ id: string }> {
    const ref = canonicalTemplateRef(request.templateRef);
    const createdBy = request.identity?.principal;
    const entity = await this.#templateEntity(ref, await this.#authorityOf(request.identity).readScope());
    const reading = this.#read(entity);
    const template = runnable(ref, reading);
    const values = await this.#checkForm(template, request.values ?? {}, request.secrets ?? {}, ref, request.featureFlags);
    const source = await this.#sourceOf(ref);
    const spec: TaskSpec = {
      apiVersion: String(entity.apiVersion),
      steps: template.steps,
      output: template.output,
      parameters: values,
      user: await this.#userOf(createdBy),
      ...(request.identity ? { identity: request.identity } : {}),
      templateInfo: {
        entityRef: ref,
        baseUrl: source.baseUrl ?? '',
        ...(source.root ? { root: source.root } : {}),
        version: templateVersion(entity),
        entity: { metadata: pickMetadata(entity) },
      },
    };
    const id = await this.#options.store.transaction(async trx => {
      const id = await this.tasks.create(trx, { templateRef: ref, spec, ...(request.secrets ? { secrets: request.secrets } : {}), ...(createdBy ? { createdBy } : {}) });
      await this.#options.queue.enqueue(TASK_QUEUE, id, { taskId: id }, { db: trx });
      const task = { id, templateRef: ref, ...(createdBy ? { createdBy } : {}) };
      await this.#options.audit.record({ actor: author.actor, action: 'templates.task.create', entityRef: taskResource(task).ref, ...contextOf(author), detail: { template: ref } }, trx);
      await this.#options.eventLog.append(trx, taskEvent('templates.task.created', task, {}, principalOf(author.actor)));
      return id;
    });
    void this.worker.poll();
    return { id };
  }

  /** Tasks, newest first; with `readable`, only those it keeps (totals and pages agree with what it keeps). */
  async listTasks(request: ListTasksRequest = {}, readable?: TaskFilter): Promise<{ tasks: TaskSummary[]; totalTasks: number }> {
    return this.tasks.list(request, readable);
  }

  /** A task as the permission policy sees it (owned by its creator); a 404 problem when there is none. */
  async taskResource(id: string): Promise<ResourceFacts> {
    return taskResource(await this.tasks.get(id));
  }

  /** A task with its steps (outputs redacted) and output. */
  async getTask(id: string): Promise<TaskView> {
    const task = await this.tasks.get(id);
    const redactor = await this.#redactorOf(id);
    const steps = (await this.tasks.steps(id)).map(step => redactor.value(step));
    const { cancelRequested: _c, ...view } = task;
    return { ...view, spec: { ...task.spec, parameters: redactor.value(task.spec.parameters) }, steps };
  }

  /** Events after an id (for polling clients). */
  async events(id: string, after = 0): Promise<TaskEvent[]> {
    await this.tasks.get(id);
    return this.tasks.events(id, after);
  }

  /**
   * Live events: everything after `after`, then new ones as they are written (by this process or any
   * other on the same store), ending after the completion event or when `signal` aborts. The store's event
   * bus wakes the stream when a task event is written (by any replica on PostgreSQL); the poll covers the rest.
   */
  async *streamEvents(id: string, options: { after?: number; signal?: AbortSignal; pollMs?: number } = {}): AsyncGenerator<TaskEvent> {
    await this.tasks.get(id);
    let after = options.after ?? 0;
    const pollMs = options.pollMs ?? 250;
    // Subscribed before each read, so an event written while reading is not slept through.
    let written = false;
    let wake: (() => void) | undefined;
    const unsubscribe = this.#options.store.events.subscribe(TASK_EVENT_TOPIC, message => {
      if ((message as { taskId?: unknown }).taskId !== id) return;
      written = true;
      wake?.();
    });
    try {
      while (!options.signal?.aborted) {
        written = false;
        const batch = await this.tasks.events(id, after);
        for (const event of batch) {
          after = event.id;
          yield event;
          if (event.type === 'completion') return;
        }
        if (batch.length) continue;
        const task = await this.tasks.find(id);
        if (!task || (FINAL_TASK_STATUSES.includes(task.status) && !(await this.tasks.events(id, after)).length)) return;
        if (written) continue;
        await new Promise<void>(resolveWait => {
          const done = () => {
            clearTimeout(timer);
            wake = undefined;
            options.signal?.removeEventListener('abort', done);
            resolveWait();
          };
          const timer = setTimeout(done, pollMs);
          wake = done;
          options.signal?.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      unsubscribe();
    }
  }

  /**
   * Cancels a task: a queued one at once; a running one at its next step boundary (a wait or other
   * long action stops at once). Completed side effects stay. The request is audited
   * (`templates.task.cancel`) in one transaction with what it changes; a queued task ends cancelled there
   * (`templates.task.cancelled`, naming who), a running one when the worker stops it. A task that has ended
   * cannot be cancelled: nothing changes and nothing is recorded.
   * @example await scaffolder.cancel(taskId, changeAuthor(request)) // { status: 'cancelled' }
   */
  async cancel(id: string, author: ChangeAuthor): Promise<{ status: TaskStatus }> {
    const outcome = await this.#options.store.transaction(async (trx): Promise<{ ended?: TaskStatus; wasQueued?: boolean }> => {
      const task = await this.tasks.get(id, trx);
      if (FINAL_TASK_STATUSES.includes(task.status)) return { ended: task.status };
      await this.tasks.requestCancel(trx, id);
      const wasQueued = task.status === 'open' && (await this.tasks.cancelOpen(trx, id, principalOf(author.actor)));
      if (!wasQueued) await this.tasks.appendEvent(id, 'log', { message: 'Cancellation requested; the task stops at the next chance', level: 'warn' }, trx);
      await this.#options.audit.record({ actor: author.actor, action: 'templates.task.cancel', entityRef: taskResource(task).ref, ...contextOf(author), detail: { template: task.templateRef, status: task.status } }, trx);
      return wasQueued ? { ended: 'cancelled', wasQueued } : {};
    });
    // A queued task that ended here needs its job no more; a running one stops at the worker's next chance.
    if (outcome.wasQueued) await this.#options.queue.remove(TASK_QUEUE, id);
    if (outcome.ended) return { status: outcome.ended };
    this.worker.abort(id);
    return { status: (await this.tasks.get(id)).status };
  }

  // ── dry run ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Runs a template with every side effect withheld (no push, no registration, nothing stored) and
   * returns the step log, the rendered files and the output. It reads the catalog within `readScope`.
   */
  async dryRun(request: DryRunRequest): Promise<DryRunResult> {
    const scratch = await mkdtemp(join(tmpdir(), 'pave-dry-run-'));
    let files: TemplateFiles | undefined;
    try {
      let entity: Entity;
      let baseUrl: string | undefined;
      let root: string | undefined;
      if (request.template !== undefined) {
        entity = request.template as Entity;
        const filesDir = join(scratch, 'template');
        const holder = new Workspace(filesDir);
        await holder.ensureRoot();
        for (const [i, entry] of (request.directoryContents ?? []).entries()) {
          if (!entry || typeof entry.path !== 'string' || typeof entry.base64Content !== 'string') throw invalidInput(`directoryContents/${i} needs path and base64Content`);
          await holder.writeFile(entry.path, Buffer.from(entry.base64Content, 'base64'), { executable: Boolean(entry.executable), what: `directoryContents[${i}].path` });
        }
        baseUrl = `file:${join(filesDir, 'template.yaml')}`;
        root = filesDir;
      } else if (request.templateRef) {
        const ref = canonicalTemplateRef(request.templateRef);
        entity = await this.#templateEntity(ref, await (request.authority ?? UNRESTRICTED).readScope());
        ({ baseUrl, root } = await this.#sourceOf(ref));
      } else throw invalidInput('A dry run needs a template (with its directoryContents) or a templateRef', [{ pointer: '/template', detail: 'is required', rule: 'required' }]);

      const reading = readTemplate(entity, { hasAction: id => this.actions.has(id) });
      const template = untilStep(runnable(reading.template?.ref ?? 'the template', reading), request.untilStep);
      const values = await this.#checkForm(template, request.values ?? {}, request.secrets ?? {}, 'the template', request.featureFlags);
      files = baseUrl ? await TemplateFiles.open(baseUrl, { ...(root ? { root } : {}), reader: this.#options.reader }) : TemplateFiles.none(`${template.ref} was saved through the API and has no files beside it`, this.#options.reader);
      const workspace = new Workspace(join(scratch, 'workspace'));
      await workspace.ensureRoot();
      const log: Array<{ body: TaskEventBody }> = [];
      const steps: DryRunResult['steps'] = template.steps.map(step => ({ id: step.id, name: step.name, action: step.action, status: 'open' as StepStatus }));
      const sink: TaskSink = {
        event: async (_type, body) => void log.push({ body: this.#publicText(body) }),
        stepStarted: async index => void (steps[index]!.status = 'processing'),
        stepFinished: async (index, status, result) => {
          steps[index]!.status = status;
          if (result?.output) steps[index]!.output = result.output;
        },
      };
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new TaskInterrupted('shutdown')), DRY_RUN_TIME_LIMIT_MS);
      let result: RunResult;
      // Shared with the run, so it also masks what expressions derived from the secrets.
      const redactor = new Redactor(request.secrets ?? {});
      try {
        result = await runTask(this.actions, {
          taskId: `dry-run-${newId()}`,
          createdAt: this.#clock.now().toISOString(),
          ...(request.createdBy ? { createdBy: request.createdBy } : {}),
          creator: request.authority ?? UNRESTRICTED,
          spec: {
            apiVersion: String(entity.apiVersion),
            steps: template.steps,
            output: template.output,
            parameters: values,
            user: {},
            templateInfo: { entityRef: template.ref, baseUrl: baseUrl ?? '', entity: { metadata: pickMetadata(entity) } },
          },
          secrets: request.secrets ?? {},
          workspace,
          templateFiles: files,
          dryRun: true,
          signal: controller.signal,
          sink,
          expressions: this.#options.expressions,
          redactor,
        });
      } catch (error) {
        if (!(error instanceof TaskInterrupted)) throw error;
        result = { status: 'failed', error: { title: 'Dry run took too long', detail: `The dry run did not finish within ${DRY_RUN_TIME_LIMIT_MS / 1000} seconds` } };
      } finally {
        clearTimeout(timer);
      }
      const directoryContents: DirectoryEntry[] = [];
      let bytes = 0;
      for (const entry of await workspace.list()) {
        if (entry.type !== 'file') continue;
        bytes += entry.size;
        if (bytes > DRY_RUN_MAX_BYTES) {
          log.push({ body: { message: `The rendered files exceed ${DRY_RUN_MAX_BYTES} bytes; the rest are not returned`, level: 'warn' } });
          break;
        }
        directoryContents.push({ path: entry.path, base64Content: (await workspace.readFile(entry.path)).toString('base64'), executable: entry.executable });
      }
      return {
        status: result.status,
        log,
        steps: steps.map(step => redactor.value(step)),
        output: result.status === 'completed' ? this.#public(result.output) : {},
        ...(result.status === 'failed' ? { error: this.#publicText(result.error) } : {}),
        directoryContents,
      };
    } finally {
      await files?.dispose();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────

  /** Runs (or resumes) one task to a final status; called by the worker holding its job. */
  async #execute(taskId: string, signal: AbortSignal, attempt: number): Promise<void> {
    const task = await this.tasks.find(taskId);
    if (!task || FINAL_TASK_STATUSES.includes(task.status)) return;
    if (task.cancelRequested) {
      await this.#finish(taskId, { status: 'cancelled' });
      return;
    }
    const resumed = task.status === 'processing' || attempt > 1;
    if (resumed && (await this.#diedTwice(taskId))) return;
    if (!(await this.tasks.start(taskId, { resumed }))) return;
    const recorded = resumed ? await this.tasks.recorded(taskId) : undefined;
    if (resumed) {
      const skipped = [...(recorded?.values() ?? [])].length;
      await this.tasks.appendEvent(taskId, 'recovered', {
        message: `Resuming after an interruption: ${skipped} completed step(s) are not run again${skipped ? ' (workspace steps are replayed to rebuild the files)' : ''}`,
      });
    }
    const workspace = new Workspace(join(this.#tasksDir, taskId, 'workspace'));
    await workspace.reset();
    let files: TemplateFiles | undefined;
    let result: RunResult;
    try {
      const { baseUrl, root } = task.spec.templateInfo;
      files = baseUrl ? await TemplateFiles.open(baseUrl, { ...(root ? { root } : {}), reader: this.#options.reader }) : TemplateFiles.none(`${task.templateRef} was saved through the API and has no files beside it`, this.#options.reader);
      const sink: TaskSink = {
        event: (type, body) => this.tasks.appendEvent(taskId, type, this.#publicText(body)),
        stepStarted: index => this.tasks.stepStarted(taskId, index),
        // The step's output keeps file:// URLs (later steps and upgrades take them); its error is read by people.
        stepFinished: (index, status, stepResult) => this.tasks.stepFinished(taskId, index, status, stepResult?.error ? { ...stepResult, error: this.#publicText(stepResult.error) } : stepResult),
        stepInterrupted: index => this.tasks.stepInterrupted(taskId, index),
        secretsDerived: strings => this.tasks.addDerivedSecrets(taskId, strings),
      };
      result = await runTask(this.actions, {
        taskId,
        createdAt: task.createdAt,
        ...(task.createdBy ? { createdBy: task.createdBy } : {}),
        // A task stored before its creator's identity was recorded cannot be decided again: it may do nothing.
        creator: task.createdBy && !task.spec.identity ? actingAsNobody(task.createdBy) : this.#authorityOf(task.spec.identity),
        spec: task.spec,
        secrets: await this.tasks.secrets(taskId),
        workspace,
        templateFiles: files,
        dryRun: false,
        signal,
        sink,
        expressions: this.#options.expressions,
        ...(recorded ? { recorded } : {}),
      });
    } catch (error) {
      if (error instanceof TaskInterrupted || !isPaveError(error)) throw error;
      result = { status: 'failed', error: { title: error.problem.title, detail: (await this.#redactorOf(taskId)).text(error.problem.detail ?? error.message) } };
    } finally {
      await files?.dispose();
    }
    await this.#finish(taskId, result);
    await rm(join(this.#tasksDir, taskId), { recursive: true, force: true }).catch(() => undefined);
  }

  /**
   * The crash-loop guard. A step still `processing` when its task is resumed was running when its
   * process died (a step handed back on shutdown is reopened); its `attempts` count those deaths. A step
   * that took its process down twice — an action or expression that exhausts the server's memory, say —
   * is not run a third time: the task fails with that said, and the worker goes on with other tasks.
   */
  async #diedTwice(taskId: string): Promise<boolean> {
    const steps = await this.tasks.steps(taskId);
    const index = steps.findIndex(step => step.status === 'processing' && step.attempts >= 2);
    if (index === -1) return false;
    const step = steps[index]!;
    const detail = `Step "${step.name}" (${step.action}) was running when the server process died, ${step.attempts} times; it is not run again, so that it cannot keep crashing the server`;
    await this.tasks.stepFinished(taskId, index, 'failed', { error: { detail } });
    await this.tasks.appendEvent(taskId, 'log', { message: detail, stepId: step.id, status: 'failed', level: 'error' });
    await this.#finish(taskId, { status: 'failed', error: { title: 'Task failed', detail } });
    return true;
  }

  /** Masks the task's secrets and everything its expressions derived from them. */
  async #redactorOf(taskId: string): Promise<Redactor> {
    return new Redactor(await this.tasks.secrets(taskId), await this.tasks.derivedSecrets(taskId));
  }

  async #finish(taskId: string, result: RunResult): Promise<void> {
    // Step outputs are kept raw while the task may resume; once it ends they are kept redacted only.
    const redactor = await this.#redactorOf(taskId);
    for (const [index, step] of (await this.tasks.steps(taskId)).entries()) {
      if (step.output) await this.#options.store.db.updateTable('scaffolder_task_steps').set({ output: JSON.stringify(redactor.value(step.output)) }).where('task_id', '=', taskId).where('step_index', '=', index).execute();
    }
    if (result.status === 'completed') {
      // Bookkeeping for upgrades: a failure to record is logged, never a reason to leave a completed task unfinished.
      await this.#recordRepositories(taskId).catch((error: unknown) => this.#options.logger?.warn({ taskId, err: error }, 'the repositories this task made could not be recorded for upgrades'));
      const output = this.#public(result.output);
      await this.tasks.finish(taskId, 'completed', { output });
      await this.tasks.appendEvent(taskId, 'completion', { message: 'Task completed', status: 'completed', output });
    } else if (result.status === 'failed') {
      const error = this.#publicText(result.error);
      await this.tasks.finish(taskId, 'failed', { error });
      await this.tasks.appendEvent(taskId, 'completion', { message: error.detail ?? 'Task failed', status: 'failed', level: 'error', error });
    } else {
      await this.tasks.closeOpenSteps(taskId, 'cancelled');
      await this.tasks.finish(taskId, 'cancelled');
      await this.tasks.appendEvent(taskId, 'cancelled', { message: 'Task cancelled', status: 'cancelled' });
      await this.tasks.appendEvent(taskId, 'completion', { message: 'Task cancelled', status: 'cancelled' });
    }
  }

  /** Keeps what a template upgrade needs of each repository the task created; a repository left out is said in the task's log. */
  async #recordRepositories(taskId: string): Promise<void> {
    const task = await this.tasks.get(taskId);
    for (const message of await this.upgrades.recordTask(task, await this.tasks.steps(taskId))) await this.tasks.appendEvent(taskId, 'log', { message, level: 'warn' });
  }

  #public(output: TaskOutputView): TaskOutputView {
    return this.#options.publicAddresses ? publicOutput(output, this.#options.publicAddresses) : output;
  }

  /** Log lines and errors as people read them: no server path of a hosted repository (see `inPublicText`). */
  #publicText<T>(value: T): T {
    return this.#options.publicAddresses ? inPublicText(value, this.#options.publicAddresses) : value;
  }

  #read(entity: Entity): TemplateReading {
    const key = `${this.actions.version} ${stringifyEntityRef(entity)} ${entity.metadata.etag ?? JSON.stringify(entity)}`;
    let reading = this.#readings.get(key);
    if (!reading) {
      reading = readTemplate(entity, { hasAction: id => this.actions.has(id) });
      if (this.#readings.size > 1000) this.#readings.clear();
      this.#readings.set(key, reading);
    }
    return reading;
  }

  /** A Template entity the scope holds; one it leaves out is missing, so the answer never tells them apart. */
  async #templateEntity(ref: string, scope: EntityScope): Promise<Entity> {
    const canonical = canonicalTemplateRef(ref);
    const [entity] = await this.#options.catalog.entities.byRefs([canonical], undefined, ['kind=template'], scope);
    if (!entity) throw notFound(`No template ${canonical} in the catalog`);
    return entity;
  }

  /** Where the catalog read a template: its file (with the location's folder as the limit) or its git target. */
  async #sourceOf(ref: string): Promise<{ baseUrl?: string; root?: string }> {
    const read = await this.#options.catalog.locations.sourceOf(ref);
    if (!read) return {};
    const { source, location } = read;
    if (source.startsWith('file:') && location?.type === 'file') {
      const target = location.target.replace(/^file:(\/\/)?/, '');
      const base = fg.isDynamicPattern(target) ? fg.generateTasks([target])[0]?.base ?? dirname(target) : dirname(target);
      return { baseUrl: source, root: resolve(base) };
    }
    return { baseUrl: source };
  }

  async #userOf(createdBy: string | undefined): Promise<TaskSpec['user']> {
    if (!createdBy || !createdBy.startsWith('user:')) return {};
    const entity = await this.#options.catalog.entities.byRef(createdBy).catch(() => undefined);
    return { ref: createdBy, ...(entity ? { entity } : {}) };
  }
}

/** Where a change came from, for its audit entry (absent when its author did not say). */
function contextOf(author: ChangeAuthor): { context?: NonNullable<ChangeAuthor['context']> } {
  return author.context ? { context: author.context } : {};
}

function runnable(ref: string, reading: TemplateReading): TemplateDefinition {
  if (!reading.template || reading.problems.length) {
    throw invalidInput(`${ref} cannot run: ${reading.problems.map(p => p.detail).slice(0, 5).join('; ')}`, reading.problems);
  }
  return reading.template;
}

/** The template with its steps after `stepId` left out; a 422 when it has no such step. */
function untilStep(template: TemplateDefinition, stepId: string | undefined): TemplateDefinition {
  if (stepId === undefined) return template;
  const index = template.steps.findIndex(step => step.id === stepId);
  if (index === -1) throw invalidInput(`${template.ref} has no step ${stepId} any more`, [{ pointer: '/untilStep', detail: `no step ${stepId} in ${template.ref}`, rule: 'step' }]);
  return { ...template, steps: template.steps.slice(0, index + 1) };
}

function summaryOf(entity: Entity, reading: TemplateReading): TemplateSummary {
  const spec = entity.spec ?? {};
  return {
    ref: stringifyEntityRef(entity),
    name: entity.metadata.name,
    namespace: entity.metadata.namespace ?? 'default',
    title: entity.metadata.title ?? entity.metadata.name,
    ...(entity.metadata.description ? { description: entity.metadata.description } : {}),
    tags: entity.metadata.tags ?? [],
    ...(typeof spec.type === 'string' ? { type: spec.type } : {}),
    ...(typeof spec.owner === 'string' ? { owner: spec.owner } : {}),
    problems: reading.problems,
    runnable: reading.problems.length === 0 && reading.template !== undefined,
    featureFlags: declaredFeatureFlags(reading.template?.parameters ?? []),
  };
}

function pickMetadata(entity: Entity): TaskSpec['templateInfo']['entity']['metadata'] {
  const m = entity.metadata;
  return { name: m.name, ...(m.title ? { title: m.title } : {}), ...(m.description ? { description: m.description } : {}), ...(m.tags ? { tags: m.tags } : {}) };
}
