/**
 * Template upgrades for the repositories golden paths created. A completed task records each repository
 * its publishing steps created, with the template, its version and the values used. When the template
 * changes, an upgrade renders it again with those values (a dry run: nothing else happens), lets git merge
 * that render into the repository (`template-merge.ts`) and proposes the result for review
 * (`upgrade-target.ts`): a branch, a pull request or a merge request, conflicts marked and listed, never
 * forced. Opening one is audited (`templates.repository.upgrade`) and announced
 * (`templates.repository.upgraded`) in one transaction with what it records and the job that follows its
 * review (`review-watcher.ts`). The repository takes the new version once that review is merged
 * (`templates.repository.upgrade-merged`); closed unmerged, it stays behind (`templates.repository.upgrade-declined`).
 * Knows nothing about HTTP.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { templateVersion } from '../../catalog/location-provenance.js';
import type { Entity } from '../../core/entity.js';
import { parseEntityRef } from '../../core/entity-ref.js';
import { canonicalTemplateRef } from '../model/template.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { invalidInput, notFound } from '../../core/problem.js';
import type { ResourceFacts } from '../../auth/policy.js';
import { UNRESTRICTED, type ActingAuthority } from '../../auth/acting-authority.js';
import type { EntityScope } from '../../catalog/query/entity-scope.js';
import type { ExpressionEvaluator } from '../../expressions/index.js';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { initBareRepository } from '../../git/bare-repository.js';
import { principalOf, type AuditLog, type ChangeAuthor } from '../../store/audit-log.js';
import type { EventLog } from '../../store/event-log.js';
import type { JobQueue } from '../../store/job-queue.js';
import type { Store } from '../../store/store.js';
import { hostedRepositoryResource } from '../actions/publish-git.js';
import { taskResource } from '../tasks/task-resource.js';
import type { TaskSpec, TaskStep } from '../tasks/task-types.js';
import type { DirectoryEntry, DryRunResult } from '../scaffolder-service.js';
import { GeneratedRepositoryStore, type GeneratedRepositoryRecord, type UpgradeReviewRecord } from './generated-repository-store.js';
import { TemplateMerge, type RenderedFile } from './template-merge.js';
import { TEMPLATE_RECORD_PATH, templateRecordText } from './template-record.js';
import { cloneUrlOf, createsRepository, upgradeTarget, type BranchLooks } from './upgrade-target.js';
import type { GeneratedRepository, ListGeneratedRepositoriesQuery, ReviewState, UpgradeResult } from './upgrade-views.js';

/** The queue of the jobs that follow open reviews, one per repository (`review-watcher.ts` runs them). */
export const REVIEW_QUEUE = 'templates.upgrade-review';

/** The annotation a golden path's entities carry naming the task that created them (`catalog/location-provenance.ts`). */
const CREATED_BY_TASK = 'pave.dev/created-by-task';

export interface TemplateUpgradesOptions {
  store: Store;
  queue: JobQueue;
  /** How often an open review is looked at (`templates.upgrades.reviewCheckSeconds`). */
  reviewCheckSeconds: number;
  eventLog: EventLog;
  audit: AuditLog;
  integrations: ScmIntegrations;
  expressions: ExpressionEvaluator;
  /** A catalog entity within a read scope (templates, and the entities naming their task). */
  entity: (ref: string, scope: EntityScope) => Promise<Entity | undefined>;
  /** A dry run of a template in the catalog: the render an upgrade merges. */
  render: (request: { templateRef: string; values: Record<string, unknown>; authority: ActingAuthority; createdBy?: string; untilStep: string }) => Promise<DryRunResult>;
  /** Pave's data folder: the render store is `<dataDir>/scaffolder/renders.git`. */
  dataDir: string;
  /** Folder of Pave's own repositories, and the portal page of one (by its folder). */
  gitRoot: string;
  repositoryPageUrl?: (localPath: string) => string | undefined;
  clock?: Clock;
  /** `reading.maxCloneBytes`: the most a look at a branch-only review may fetch; default 256 MiB. */
  maxCloneBytes?: number;
}

/** Who asks for an upgrade: checks and catalog reads are theirs. */
export interface UpgradeCaller {
  author: ChangeAuthor;
  authority: ActingAuthority;
  createdBy?: string;
}

const IDENTITY = { name: 'Pave Scaffolder', email: 'scaffolder@pave.local' };

export class TemplateUpgrades {
  readonly repositories: GeneratedRepositoryStore;
  readonly #options: TemplateUpgradesOptions;
  readonly #clock: Clock;
  readonly #renders: string;
  readonly #looks: BranchLooks;

  constructor(options: TemplateUpgradesOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.repositories = new GeneratedRepositoryStore(options.store);
    this.#renders = join(options.dataDir, 'scaffolder', 'renders.git');
    this.#looks = { maxBytes: options.maxCloneBytes ?? 256 * 1024 * 1024, seen: new Map() };
  }

  /**
   * Records the repositories a completed task's publishing steps created. Where a step published to
   * (repoUrl, sourcePath, defaultBranch) is read again from its input with the task's values and step
   * outputs, never its secrets: a step whose place depends on a secret, or that ran per item (`each`), is
   * left out and the returned messages say why.
   */
  async recordTask(task: { id: string; templateRef: string; createdBy?: string; createdAt: string; spec: TaskSpec }, steps: TaskStep[]): Promise<string[]> {
    const outputs = Object.fromEntries(steps.map(step => [step.id, { output: step.output ?? {} }]));
    const notes: string[] = [];
    for (const [index, step] of task.spec.steps.entries()) {
      const ran = steps[index];
      if (!createsRepository(step.action) || ran?.status !== 'completed' || !ran.output) continue;
      const commit = ran.output.commitHash;
      const cloneUrl = cloneUrlOf(step.action, ran.output);
      if (typeof commit !== 'string' || !commit || !cloneUrl) continue;
      if (step.each !== undefined) {
        notes.push(`Step "${step.name}" published once per item; its repositories are not followed for template upgrades`);
        continue;
      }
      const input = (step.input ?? {}) as Record<string, unknown>;
      let where: { repoUrl?: unknown; sourcePath?: unknown; defaultBranch?: unknown };
      try {
        where = (await this.#options.expressions.renderValue(
          { repoUrl: input.repoUrl, sourcePath: input.sourcePath, defaultBranch: input.defaultBranch },
          { parameters: task.spec.parameters, user: task.spec.user, steps: outputs, context: { task: { id: task.id } }, secrets: {} },
        )) as typeof where;
      } catch (error) {
        notes.push(`Step "${step.name}": where it published cannot be read without the task's secrets (${(error as Error).message}); its repository is not followed for template upgrades`);
        continue;
      }
      await this.repositories.record({
        taskId: task.id,
        stepId: step.id,
        templateRef: task.templateRef,
        templateVersion: task.spec.templateInfo.version ?? '',
        values: task.spec.parameters,
        publisher: step.action,
        repoUrl: typeof where.repoUrl === 'string' ? where.repoUrl : cloneUrl,
        cloneUrl,
        branch: typeof where.defaultBranch === 'string' && where.defaultBranch ? where.defaultBranch : 'main',
        sourcePath: typeof where.sourcePath === 'string' && where.sourcePath ? where.sourcePath : '.',
        renderCommit: commit,
        ...(task.createdBy ? { createdBy: task.createdBy } : {}),
        createdAt: this.#clock.now().toISOString(),
      });
    }
    return notes;
  }

  /**
   * The generated repositories, oldest first, each with its template's version now and whether it is
   * behind; `entityRef` keeps those the named entity's task created. Templates and entities are read
   * as `reader`; each record's form values only where `reader` may read the task that used them.
   */
  async list(query: ListGeneratedRepositoriesQuery & { entityRef?: string }, reader: ActingAuthority = UNRESTRICTED): Promise<GeneratedRepository[]> {
    const scope = await reader.readScope();
    const taskIds = query.entityRef ? [await this.#taskOf(query.entityRef, scope)] : undefined;
    const records = await this.repositories.list({ ...(query.templateRef ? { templateRef: canonicalTemplateRef(query.templateRef) } : {}), ...(taskIds ? { taskIds } : {}) });
    const versions = new Map<string, string | undefined>();
    for (const ref of new Set(records.map(record => record.templateRef))) {
      const entity = await this.#options.entity(ref, scope);
      versions.set(ref, entity ? templateVersion(entity) : undefined);
    }
    const shown = query.behind ? records.filter(record => isBehind(record, versions.get(record.templateRef))) : records;
    return Promise.all(shown.map(async record => this.#view(record, versions.get(record.templateRef), reader)));
  }

  async get(id: string, reader: ActingAuthority = UNRESTRICTED): Promise<GeneratedRepository> {
    const record = await this.repositories.get(id);
    const entity = await this.#options.entity(record.templateRef, await reader.readScope());
    return this.#view(record, entity ? templateVersion(entity) : undefined, reader);
  }

  /**
   * A generated repository as the permission policy sees it: owned by whoever ran the golden path, and for
   * one of Pave's own repositories also by the team whose folder holds it.
   */
  async resource(id: string): Promise<ResourceFacts> {
    const record = await this.repositories.get(id);
    const local = this.#localPath(record);
    const hosted = local ? hostedRepositoryResource(this.#options.gitRoot, local) : undefined;
    return {
      ref: `generated-repository:default/${record.id.toLocaleLowerCase('en-US')}`,
      kind: 'generated-repository',
      namespace: 'default',
      owners: [...(record.createdBy ? [record.createdBy] : []), ...(hosted?.owners ?? [])],
    };
  }

  /**
   * Renders the template again with the recorded values (its steps up to the publishing one) and merges it into the repository on a review
   * branch: `up-to-date` when that changes nothing; otherwise the branch is pushed and proposed (not in
   * a dry run), the repository's render moves on, and the upgrade is audited and announced.
   * @example await upgrades.upgrade(id, { author: changeAuthor(request), authority }) // { outcome: 'conflicts', conflicts: ['README.md'], reviewUrl: '…/pull/1', … }
   */
  async upgrade(id: string, caller: UpgradeCaller, options: { dryRun?: boolean } = {}): Promise<UpgradeResult> {
    const record = await this.repositories.get(id);
    const entity = await this.#options.entity(record.templateRef, await caller.authority.readScope());
    if (!entity) throw notFound(`The template ${record.templateRef} is not in the catalog (or not readable); ${record.id} cannot be upgraded`);
    const toVersion = templateVersion(entity);
    // The review for this version is open: asking again shows it, and pushes nothing over what people may have added to it.
    if (!options.dryRun && record.review?.state === 'open' && record.review.toVersion === toVersion && record.lastUpgrade) return { ...record.lastUpgrade, alreadyOpen: true };
    // The steps after the publishing one (registering, say) did not shape what it published.
    const rendered = await this.#options.render({ templateRef: record.templateRef, values: record.values, authority: caller.authority, untilStep: record.stepId, ...(caller.createdBy ? { createdBy: caller.createdBy } : {}) });
    if (rendered.status !== 'completed') {
      throw invalidInput(`${record.templateRef} no longer renders with the values ${record.id} was made with: ${rendered.error?.detail ?? rendered.error?.title ?? rendered.status}`, rendered.error?.errors ?? []);
    }
    const at = this.#clock.now().toISOString();
    const files = [...filesUnder(rendered.directoryContents, record.sourcePath), templateRecord(record, toVersion)];
    const branch = reviewBranchName(record.templateRef, toVersion);
    const target = await upgradeTarget(record, this.#options.integrations, name => this.#branchPage(record, name), this.#looks);
    await initBareRepository(this.#renders, { branch: 'main' });
    const message = `Upgrade to ${record.templateRef} ${toVersion}`;
    const merge = await TemplateMerge.merge({
      cloneUrl: record.cloneUrl,
      env: target.env,
      branch: record.branch,
      baseRender: record.renderCommit,
      renders: { url: this.#renders, ref: commit => `refs/renders/${record.id}/${commit}` },
      files,
      reviewBranch: branch,
      message,
      identity: { ...IDENTITY, date: at },
    });
    try {
      const { outcome, changed, conflicts, mergeCommit, renderCommit } = merge.result;
      const result: UpgradeResult = {
        repository: record.id,
        fromVersion: record.templateVersion,
        toVersion,
        outcome,
        dryRun: options.dryRun ?? false,
        ...(outcome !== 'up-to-date' ? { branch } : {}),
        ...(mergeCommit && outcome !== 'up-to-date' ? { commit: mergeCommit } : {}),
        changed,
        conflicts,
        at,
        by: principalOf(caller.author.actor),
      };
      if (options.dryRun || outcome === 'up-to-date' || !renderCommit) return result;
      await merge.push();
      const proposed = await target.propose({ branch, title: message, body: reviewBody(record, result) });
      const opened = { ...result, ...(proposed.url ? { reviewUrl: proposed.url } : {}) };
      const review: UpgradeReviewRecord = { state: 'open', toVersion, branch, ...(proposed.url ? { url: proposed.url } : {}), openedAt: at, renderCommit, ...(proposed.number !== undefined ? { number: proposed.number } : {}) };
      const subject = (await this.resource(record.id)).ref;
      await this.#options.store.transaction(async trx => {
        await this.repositories.opened(trx, record.id, opened, review);
        await this.#options.queue.enqueue(REVIEW_QUEUE, record.id, { repository: record.id }, { runAt: this.nextCheck(), db: trx });
        await this.#options.audit.record(
          { actor: caller.author.actor, action: 'templates.repository.upgrade', entityRef: subject, ...(caller.author.context ? { context: caller.author.context } : {}), detail: { template: record.templateRef, from: record.templateVersion, to: toVersion, outcome, branch } },
          trx,
        );
        await this.#options.eventLog.append(trx, {
          type: 'templates.repository.upgraded',
          subject,
          actor: principalOf(caller.author.actor),
          payload: { repository: record.id, template: record.templateRef, fromVersion: record.templateVersion, toVersion, outcome, branch, conflicts: conflicts.length, ...(record.createdBy ? { owner: record.createdBy } : {}) },
        });
      });
      return opened;
    } finally {
      await merge.dispose();
    }
  }

  /**
   * Asks the repository's provider what became of its open review: merged, the repository takes the review's
   * version and render (no longer behind); closed without merging, it stays where it was. Either is appended as
   * an event (work nobody asked for at that moment: no audit entry). Returns the state, or undefined when no
   * review is open (or the record is gone).
   * @example await upgrades.checkReview(id) // 'merged'
   */
  async checkReview(id: string): Promise<ReviewState | undefined> {
    const record = await this.repositories.find(id);
    if (record?.review?.state !== 'open') return undefined;
    const target = await upgradeTarget(record, this.#options.integrations, name => this.#branchPage(record, name), this.#looks);
    const state = await target.state(record.review);
    if (state === 'open') return state;
    const at = this.#clock.now().toISOString();
    const subject = (await this.resource(record.id)).ref;
    await this.#options.store.transaction(async trx => {
      if (!(await this.repositories.decided(trx, record, state, at))) return;
      await this.#options.eventLog.append(trx, {
        type: state === 'merged' ? 'templates.repository.upgrade-merged' : 'templates.repository.upgrade-declined',
        subject,
        payload: { repository: record.id, template: record.templateRef, fromVersion: record.templateVersion, toVersion: record.review!.toVersion, branch: record.review!.branch, ...(record.createdBy ? { owner: record.createdBy } : {}) },
      });
    });
    return state;
  }

  /** When an open review is next looked at, by the app's clock (the job queue's). */
  nextCheck(): Date {
    return new Date(this.#clock.now().getTime() + this.#options.reviewCheckSeconds * 1000);
  }

  /**
   * A record as `reader` sees it. Its values are the task's form input, and a task is its creator's
   * (`task-resource.ts`): everyone signed in may list the repositories, but the values only show to
   * whoever may read the task.
   */
  async #view(record: GeneratedRepositoryRecord, currentVersion: string | undefined, reader: ActingAuthority): Promise<GeneratedRepository> {
    const mayReadTask = await reader.allows('templates.task.read', taskResource({ id: record.taskId, templateRef: record.templateRef, ...(record.createdBy ? { createdBy: record.createdBy } : {}) }));
    return {
      id: record.id,
      taskId: record.taskId,
      templateRef: record.templateRef,
      templateVersion: record.templateVersion,
      ...(currentVersion !== undefined ? { currentVersion } : {}),
      behind: isBehind(record, currentVersion),
      ...(mayReadTask ? { values: record.values } : {}),
      publisher: record.publisher,
      repoUrl: record.repoUrl,
      webUrl: this.#webUrl(record),
      branch: record.branch,
      ...(record.createdBy ? { createdBy: record.createdBy } : {}),
      createdAt: record.createdAt,
      ...(record.lastUpgrade ? { lastUpgrade: record.lastUpgrade } : {}),
      ...(record.review ? { review: reviewView(record.review) } : {}),
    };
  }

  /** A hosted repository's portal page, else the remote's address without `.git` (never a server path). */
  #webUrl(record: GeneratedRepositoryRecord): string {
    const local = this.#localPath(record);
    if (local) return this.#options.repositoryPageUrl?.(local) ?? record.repoUrl;
    return record.cloneUrl.replace(/\.git$/, '');
  }

  #branchPage(record: GeneratedRepositoryRecord, branch: string): string | undefined {
    const local = this.#localPath(record);
    const page = local ? this.#options.repositoryPageUrl?.(local) : undefined;
    return page ? `${page}?ref=${encodeURIComponent(branch)}` : undefined;
  }

  #localPath(record: GeneratedRepositoryRecord): string | undefined {
    return record.cloneUrl.startsWith('file:') ? fileURLToPath(record.cloneUrl) : undefined;
  }

  /** The task that created an entity, from its provenance annotation; a 404 when it names none (or is not readable). */
  async #taskOf(entityRef: string, scope: EntityScope): Promise<string> {
    const entity = await this.#options.entity(entityRef, scope);
    const task = entity?.metadata.annotations?.[CREATED_BY_TASK];
    if (!task) throw notFound(`${entityRef} was not created by a golden path (it has no ${CREATED_BY_TASK} annotation)`);
    return task;
  }
}

/** A review as people see it (the render and number stay inside). */
function reviewView({ renderCommit: _render, number: _number, ...review }: UpgradeReviewRecord): GeneratedRepository['review'] {
  return review;
}

function isBehind(record: GeneratedRepositoryRecord, currentVersion: string | undefined): boolean {
  return currentVersion !== undefined && currentVersion !== record.templateVersion;
}

/** The render's files inside the folder the step published, relative to it. */
function filesUnder(entries: readonly DirectoryEntry[], sourcePath: string): RenderedFile[] {
  const prefix = sourcePath.replace(/^\.\/?/, '').replace(/\/+$/, '');
  return entries.flatMap(entry => {
    if (prefix && !entry.path.startsWith(`${prefix}/`)) return [];
    return [{ path: prefix ? entry.path.slice(prefix.length + 1) : entry.path, content: Buffer.from(entry.base64Content, 'base64'), ...(entry.executable ? { executable: true } : {}) }];
  });
}

/** `.pave/template.yaml` at the new version: the template, its version and the values the repository is rendered from. */
function templateRecord(record: GeneratedRepositoryRecord, version: string): RenderedFile {
  return { path: TEMPLATE_RECORD_PATH, content: Buffer.from(templateRecordText(record.templateRef, version, record.values)) };
}

/** `pave/upgrade-<template>-<version>`: one branch per template version, so asking again updates it. */
export function reviewBranchName(templateRef: string, version: string): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').replace(/\.{2,}/g, '.').slice(0, 40) || 'latest';
  return `pave/upgrade-${clean(parseEntityRef(templateRef).name)}-${clean(version.slice(0, 12))}`;
}

function reviewBody(record: GeneratedRepositoryRecord, result: UpgradeResult): string {
  const lines = [
    `The golden path ${record.templateRef} changed (${record.templateVersion || 'unversioned'} → ${result.toVersion}). Pave rendered it again with the values this repository was made with and merged that into ${record.branch}.`,
    '',
    `Changed files: ${result.changed.length}`,
  ];
  if (result.conflicts.length) {
    lines.push('', `**${result.conflicts.length} file(s) conflict** with changes made here; they carry git's conflict markers on this branch. Resolve them before merging:`, ...result.conflicts.map(path => `- \`${path}\``));
  }
  return lines.join('\n');
}
