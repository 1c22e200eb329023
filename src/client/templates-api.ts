import type { ActionDescription } from '../templates/actions/action-description.js';
import type { DryRunRequest, DryRunResult, TemplateSummary } from '../templates/scaffolder-service.js';
import type { TaskEvent, TaskView } from '../templates/tasks/task-types.js';
import type { GeneratedRepository, ListGeneratedRepositoriesQuery, UpgradeRequest, UpgradeResult } from '../templates/upgrades/upgrade-views.js';
import type { ApiConnection } from './api-connection.js';

/** Golden paths: /api/scaffolder (templates, actions, tasks and their live events, dry runs). */
export class TemplatesApi {
  constructor(private readonly api: ApiConnection) {}

  /** Every template in the catalog, with the problems that keep any from running. */
  async list(): Promise<TemplateSummary[]> {
    return (await this.api.json<{ items: TemplateSummary[] }>({ method: 'GET', path: '/api/scaffolder/v2/templates' })).items;
  }

  actions(): Promise<ActionDescription[]> {
    return this.api.json({ method: 'GET', path: '/api/scaffolder/v2/actions' });
  }

  /** Checks the values and queues the task (a 422 problem naming each field otherwise). */
  createTask(request: { templateRef: string; values?: Record<string, unknown>; secrets?: Record<string, string>; featureFlags?: string[] }): Promise<{ id: string }> {
    return this.api.json({ method: 'POST', path: '/api/scaffolder/v2/tasks', body: request });
  }

  task(id: string): Promise<TaskView> {
    return this.api.json({ method: 'GET', path: `/api/scaffolder/v2/tasks/${encodeURIComponent(id)}` });
  }

  /** A task's events as they happen, ending after its completion (or when `signal` aborts). */
  async *taskEvents(id: string, options: { after?: number; signal?: AbortSignal } = {}): AsyncGenerator<TaskEvent> {
    const events = this.api.events({ method: 'GET', path: `/api/scaffolder/v2/tasks/${encodeURIComponent(id)}/eventstream`, query: { after: options.after }, ...(options.signal ? { signal: options.signal } : {}) });
    for await (const event of events) yield JSON.parse(event.data) as TaskEvent;
  }

  /** The repositories golden paths created (of one template, behind it, or made with an entity), with whether each is behind. */
  async generatedRepositories(query: ListGeneratedRepositoriesQuery & { entityRef?: string } = {}): Promise<GeneratedRepository[]> {
    return (await this.api.json<{ items: GeneratedRepository[] }>({ method: 'GET', path: '/api/scaffolder/v2/generated-repositories', query: { ...query } })).items;
  }

  /** Merges the template's render into a generated repository and opens a review branch (`dryRun`: push nothing). */
  upgrade(id: string, request: UpgradeRequest = {}): Promise<UpgradeResult> {
    return this.api.json({ method: 'POST', path: `/api/scaffolder/v2/generated-repositories/${encodeURIComponent(id)}/upgrade`, body: request });
  }

  /** Runs a template with every side effect withheld. */
  dryRun(request: DryRunRequest): Promise<DryRunResult> {
    return this.api.json({ method: 'POST', path: '/api/scaffolder/v2/dry-run', body: request });
  }
}
