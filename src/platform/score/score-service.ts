/**
 * Score workloads on the platform API: `pave score apply` makes a Score file's requests (one per resource, in
 * the team's namespace, as the caller) and its workload's request in one change, and `pave score render` shows
 * what they would commit, writing nothing. Both are thin over the platform service: the requests are checked,
 * permission-checked, stored, reconciled and committed exactly as requests applied one by one are.
 */
import { invalidInput, isPaveError, type FieldError } from '../../core/problem.js';
import type { Identity } from '../../auth/identity.js';
import type { PermissionService } from '../../auth/permission-service.js';
import type { ChangeAuthor } from '../../store/audit-log.js';
import type { DryRunResult } from '../dry-run.js';
import type { RequestEntity } from '../model/types.js';
import type { ApplyResult, PlatformService, RequestView } from '../platform-service.js';
import { LABEL_WORKLOAD, planScore, type ScorePlan } from './score-plan.js';
import type { ScoreInput } from './score-input.js';
import { workloadCapability } from './workload-capability.js';

/** Who publishes Pave's own workload capability when a Score file first needs it. */
const SCORE_AUTHOR: ChangeAuthor = { actor: 'pave:score' };
/** Where the Score file sits in the API's body: every pointer into it starts here. */
const AT = '/score';

export interface ScoreApplied {
  workload: ApplyResult;
  resources: Array<ApplyResult & { resources: string[]; capability: string }>;
  /** The workload's requests for resources its Score file no longer has: being deleted. */
  removed: RequestView[];
}

export interface ScoreRendered {
  workload: { request: RequestEntity; render: DryRunResult };
  resources: Array<{ resources: string[]; capability: string; request: RequestEntity; render: DryRunResult }>;
}

/**
 * @example await platform.score.apply({ score: yaml.parse(text), namespace: 'checkout-team', environment: 'dev' }, changeAuthor(request), request.identity)
 */
export class ScoreService {
  readonly #platform: PlatformService;
  readonly #permissions: Pick<PermissionService, 'authorize'> | undefined;

  constructor(options: { platform: PlatformService; permissions?: Pick<PermissionService, 'authorize'> }) {
    this.#platform = options.platform;
    this.#permissions = options.permissions;
  }

  /**
   * The Score file's requests as the published capabilities provide them: a 422 naming every mistake in the
   * file (pointers under `/score`), or the plan.
   */
  async plan(input: ScoreInput): Promise<ScorePlan> {
    const capabilities = (await this.#platform.listCapabilities()).map(summary => summary.capability);
    const { plan, errors } = planScore(input.score, { namespace: input.namespace, ...(input.environment ? { environment: input.environment } : {}) }, capabilities);
    if (!plan) throw invalidInput(`The Score file has ${errors.length} mistake(s): ${errors.map(e => `${e.pointer || '(file)'} ${e.detail}`).join('; ')}`, errors.map(e => ({ ...e, pointer: AT + e.pointer })));
    return plan;
  }

  /**
   * Applies a Score file: every request it makes is checked (schema, binding, namespace owner) and, with a
   * `caller`, authorized as `platform.request.create` on its own request with its document as input, before any
   * is stored; then all are stored in one transaction and reconciled. The requests an earlier apply made for
   * this workload's own resources (labelled with it) that the file no longer has are deleted in the same change,
   * each authorized as `platform.request.delete`; shared resources (an `id`) are never removed this way, as
   * other workloads may use them. A mistake anywhere leaves nothing written.
   */
  async apply(input: ScoreInput, author: ChangeAuthor, caller?: Identity): Promise<ScoreApplied> {
    const plan = await this.plan(input);
    const documents = [...plan.resources.map(r => r.request), plan.workload];
    const removed = await this.#removedResources(plan);
    if (caller && this.#permissions) {
      for (const document of documents) {
        const resource = await this.#platform.requestResource(document.metadata.namespace, document.metadata.name, { required: true });
        await this.#permissions.authorize(caller, 'platform.request.create', resource, document);
      }
      for (const view of removed) {
        const resource = await this.#platform.requestResource(view.metadata.namespace, view.metadata.name);
        await this.#permissions.authorize(caller, 'platform.request.delete', resource, view);
      }
    }
    await this.#platform.publishCapability(workloadCapability(), SCORE_AUTHOR);
    const results = await this.#platform.applyRequests(documents, author, {
      onInvalid: (i, error) => this.#inScoreFile(plan, i, error),
      remove: removed.map(view => ({ namespace: view.metadata.namespace, name: view.metadata.name })),
    });
    return {
      workload: results.at(-1)!,
      resources: plan.resources.map((planned, i) => ({ ...results[i]!, resources: planned.resources, capability: planned.capability })),
      removed: await Promise.all(removed.map(view => this.#platform.getRequest(view.metadata.namespace, view.metadata.name))),
    };
  }

  /** The workload's own requests in the namespace (labelled with it, not already being deleted) that the plan no longer makes. */
  async #removedResources(plan: ScorePlan): Promise<RequestView[]> {
    const { name: workload, namespace } = plan.workload.metadata;
    const planned = new Set([workload, ...plan.resources.map(r => r.request.metadata.name)]);
    const requests = await this.#platform.listRequests({ namespace });
    return requests.filter(view => view.metadata.labels?.[LABEL_WORKLOAD] === workload && !planned.has(view.metadata.name) && view.status.phase !== 'Deleting');
  }

  /**
   * What applying a Score file would commit: each request rendered with its published capability and the
   * workload with Pave's own (outputs of requests that are not Ready yet stay as references, listed as
   * unresolved). Writes nothing.
   */
  async render(input: ScoreInput): Promise<ScoreRendered> {
    const plan = await this.plan(input);
    const resources: ScoreRendered['resources'] = [];
    for (const [i, planned] of plan.resources.entries()) {
      try {
        resources.push({ ...planned, render: await this.#platform.render(planned.request) });
      } catch (error) {
        this.#inScoreFile(plan, i, error);
      }
    }
    try {
      return { workload: { request: plan.workload, render: await this.#platform.renderWith(workloadCapability(), plan.workload) }, resources };
    } catch (error) {
      return this.#inScoreFile(plan, plan.resources.length, error);
    }
  }

  /** Rethrows a request's problem with its fields located in the Score file (the resource's params, the workload's containers). */
  #inScoreFile(plan: ScorePlan, index: number, error: unknown): never {
    if (!isPaveError(error) || error.status !== 422) throw error;
    const planned = plan.resources[index];
    const where = planned ? `${AT}/resources/${planned.resources[0]}` : AT;
    const located = (error.problem.errors ?? []).map((e): FieldError => {
      const pointer = e.pointer.startsWith('/spec') ? (planned ? `${where}/params${e.pointer.slice('/spec'.length)}` : `${AT}${e.pointer.slice('/spec'.length)}`) : e.pointer === '/kind' && planned ? `${where}/type` : where;
      return { ...e, pointer };
    });
    const what = planned ? `resource ${planned.resources.join(', ')} (${planned.request.kind} ${planned.request.metadata.name})` : `workload ${plan.workload.metadata.name}`;
    throw invalidInput(`The Score file's ${what} is refused: ${error.problem.detail ?? error.message}`, located);
  }
}
