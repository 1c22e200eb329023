/**
 * The task vocabulary shared by the store, the runner, the service and the API. Shapes follow
 * Backstage's scaffolder (statuses, event types, `spec.templateInfo`) so its clients can read them.
 */
import type { Entity } from '../../core/entity.js';
import type { FieldError } from '../../core/problem.js';
import type { RecordedIdentity } from '../../auth/recorded-identity.js';
import type { TemplateOutput, TemplateStep } from '../model/template.js';

export type TaskStatus = 'open' | 'processing' | 'completed' | 'failed' | 'cancelled';
export type StepStatus = 'open' | 'processing' | 'completed' | 'failed' | 'skipped' | 'cancelled';
export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

/** What a task runs: fixed when it is created, so a later template edit does not change a running task. */
export interface TaskSpec {
  apiVersion: string;
  steps: TemplateStep[];
  output: TemplateOutput;
  /** The validated form values (defaults filled in). */
  parameters: Record<string, unknown>;
  user: { ref?: string; entity?: Entity };
  /**
   * How the creator acted when it made the task (principal, sign-in, token scopes and id): the task
   * reads the catalog as this identity, rebuilt when it runs. Absent when nobody is recorded (auth off).
   */
  identity?: RecordedIdentity;
  templateInfo: {
    entityRef: string;
    /** Where the template was read from: `file:<path>` or `url:<repository>#<ref>:<path>` (fetch:* reads beside it). */
    baseUrl: string;
    /** For file templates: the folder nothing may be read outside of. */
    root?: string;
    /** The template's version when the task was made (`templateVersion`: declared, else its catalog etag): what its repositories and entities are recorded at. */
    version?: string;
    entity: { metadata: { name: string; title?: string; description?: string; tags?: string[] } };
  };
}

export interface TaskEventBody {
  message: string;
  stepId?: string;
  status?: StepStatus | TaskStatus;
  level?: 'info' | 'warn' | 'error';
  /** On `completion`: the task output. */
  output?: unknown;
  /** On a failure: the problem. */
  error?: { title?: string; detail?: string; errors?: FieldError[] };
}

export type TaskEventType = 'log' | 'completion' | 'cancelled' | 'recovered';

export interface TaskEvent {
  id: number;
  taskId: string;
  type: TaskEventType;
  body: TaskEventBody;
  createdAt: string;
}

export interface TaskStep {
  id: string;
  name: string;
  action: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  output?: Record<string, unknown>;
  error?: { detail?: string; errors?: FieldError[] };
}

export interface TaskSummary {
  id: string;
  templateRef: string;
  status: TaskStatus;
  createdBy?: string;
  createdAt: string;
  lastHeartbeatAt?: string;
  completedAt?: string;
}

/** One task as the API shows it. Secrets never appear. */
export interface TaskView extends TaskSummary {
  spec: TaskSpec;
  steps: TaskStep[];
  output?: TaskOutputView;
  error?: { title?: string; detail?: string; errors?: FieldError[] };
}

/** A rendered template output: links and text (conditions applied), plus any named values. */
export interface TaskOutputView {
  links?: Array<{ title?: string; icon?: string; url?: string; entityRef?: string }>;
  text?: Array<{ title?: string; icon?: string; content?: string; default?: boolean }>;
  [key: string]: unknown;
}
