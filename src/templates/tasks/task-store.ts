/**
 * Tasks in the database: the task row, its steps and its event log. Only this file writes the
 * scaffolder tables; everything is plain rows, so any process on the same store sees the same tasks.
 * What the worker changes — a task starting, a step finishing, a task ending — is written in one transaction
 * with its `templates.task.*` event in the platform's event log.
 */
import { newId } from '../../core/ids.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { notFound } from '../../core/problem.js';
import type { EventLog } from '../../store/event-log.js';
import type { Db, Store } from '../../store/store.js';
import type {} from '../templates-tables.js'; // the tables it queries, for Kysely's types
import { taskEvent } from './task-events.js';
import type {
  StepStatus,
  TaskEvent,
  TaskEventBody,
  TaskEventType,
  TaskOutputView,
  TaskSpec,
  TaskStatus,
  TaskStep,
  TaskSummary,
  TaskView,
} from './task-types.js';

export interface TaskRecord extends TaskSummary {
  spec: TaskSpec;
  cancelRequested: boolean;
  output?: TaskOutputView;
  error?: TaskView['error'];
}

export interface ListTasksRequest {
  createdBy?: string;
  status?: TaskStatus[];
  /** Tasks of this template only (its canonical ref). */
  templateRef?: string;
  limit?: number;
  offset?: number;
}

/** Keeps the tasks a reader may see, in their order (the routes pass the permission policy's answer). */
export type TaskFilter = (tasks: TaskSummary[]) => Promise<TaskSummary[]>;

const SUMMARY_COLUMNS = ['id', 'template_ref', 'status', 'created_by', 'created_at', 'last_heartbeat_at', 'completed_at'] as const;
/** Tasks read per batch while filtering a list. */
const FILTER_BATCH = 500;

const parse = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

/** The event-bus topic telling streams that a task has a new event ({ taskId }). */
export const TASK_EVENT_TOPIC = 'scaffolder.task';

export class TaskStore {
  constructor(
    private readonly store: Store,
    private readonly eventLog: EventLog,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Inserts a task and its steps (all open) in `db`'s transaction, where its creation is audited too.
   * @example const id = await store.transaction(trx => tasks.create(trx, { templateRef, spec }));
   */
  async create(db: Db, input: { templateRef: string; spec: TaskSpec; secrets?: Record<string, unknown>; createdBy?: string }): Promise<string> {
    const id = newId();
    const now = this.#now();
    await db
      .insertInto('scaffolder_tasks')
      .values({
        id,
        template_ref: input.templateRef,
        spec: JSON.stringify(input.spec),
        status: 'open',
        created_by: input.createdBy ?? null,
        secrets: input.secrets && Object.keys(input.secrets).length ? JSON.stringify(input.secrets) : null,
        derived_secrets: null,
        cancel_requested: 0,
        output: null,
        error: null,
        created_at: now,
        updated_at: now,
        last_heartbeat_at: null,
        completed_at: null,
      })
      .execute();
    if (input.spec.steps.length) {
      await db
        .insertInto('scaffolder_task_steps')
        .values(
          input.spec.steps.map((step, index) => ({
            task_id: id,
            step_index: index,
            step_id: step.id,
            name: step.name,
            action: step.action,
            status: 'open',
            attempts: 0,
            output: null,
            error: null,
            started_at: null,
            finished_at: null,
          })),
        )
        .execute();
    }
    return id;
  }

  async find(id: string, db: Db = this.store.db): Promise<TaskRecord | undefined> {
    const row = await db.selectFrom('scaffolder_tasks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return {
      ...this.#summary(row),
      spec: JSON.parse(row.spec) as TaskSpec,
      cancelRequested: row.cancel_requested === 1,
      ...(row.output ? { output: parse<TaskOutputView>(row.output) } : {}),
      ...(row.error ? { error: parse<TaskView['error']>(row.error) } : {}),
    };
  }

  async get(id: string, db: Db = this.store.db): Promise<TaskRecord> {
    const task = await this.find(id, db);
    if (!task) throw notFound(`No task with id ${id}`);
    return task;
  }

  async secrets(id: string): Promise<Record<string, unknown>> {
    const row = await this.store.db.selectFrom('scaffolder_tasks').select('secrets').where('id', '=', id).executeTakeFirst();
    return parse<Record<string, unknown>>(row?.secrets ?? null) ?? {};
  }

  /**
   * Strings the task's expressions derived from its secrets so far (masked like the secrets).
   * @example const redactor = new Redactor(await tasks.secrets(id), await tasks.derivedSecrets(id));
   */
  async derivedSecrets(id: string): Promise<string[]> {
    const row = await this.store.db.selectFrom('scaffolder_tasks').select('derived_secrets').where('id', '=', id).executeTakeFirst();
    return parse<string[]>(row?.derived_secrets ?? null) ?? [];
  }

  /**
   * Adds secret-derived strings (only the task's runner writes them, so read-modify-write is safe).
   * @example await tasks.addDerivedSecrets(id, ['S3CRET']);
   */
  async addDerivedSecrets(id: string, strings: readonly string[]): Promise<void> {
    const known = new Set(await this.derivedSecrets(id));
    const before = known.size;
    for (const s of strings) known.add(s);
    if (known.size === before) return;
    await this.store.db.updateTable('scaffolder_tasks').set({ derived_secrets: JSON.stringify([...known]) }).where('id', '=', id).execute();
  }

  /**
   * Tasks, newest first. With `readable`, only the tasks it keeps: the matching rows are read in batches
   * and filtered, so the total and the page count exactly those.
   */
  async list(request: ListTasksRequest = {}, readable?: TaskFilter): Promise<{ tasks: TaskSummary[]; totalTasks: number }> {
    let query = this.store.db.selectFrom('scaffolder_tasks');
    if (request.createdBy) query = query.where('created_by', '=', request.createdBy);
    if (request.status?.length) query = query.where('status', 'in', request.status);
    if (request.templateRef) query = query.where('template_ref', '=', request.templateRef);
    const limit = Math.min(Math.max(request.limit ?? 100, 1), 1000);
    const offset = Math.max(request.offset ?? 0, 0);
    const newestFirst = query.select(SUMMARY_COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc');
    if (!readable) {
      const total = await query.select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirst();
      const rows = await newestFirst.limit(limit).offset(offset).execute();
      return { tasks: rows.map(row => this.#summary(row)), totalTasks: Number(total?.n ?? 0) };
    }
    const tasks: TaskSummary[] = [];
    let total = 0;
    let last: { created_at: string; id: string } | undefined;
    for (;;) {
      const after = last;
      // Keyset batches: a task created meanwhile (newest, so first) cannot shift what is still to read.
      const batch = await (after ? newestFirst.where(eb => eb.or([eb('created_at', '<', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '<', after.id)])])) : newestFirst)
        .limit(FILTER_BATCH)
        .execute();
      for (const task of await readable(batch.map(row => this.#summary(row)))) {
        if (total >= offset && tasks.length < limit) tasks.push(task);
        total++;
      }
      if (batch.length < FILTER_BATCH) return { tasks, totalTasks: total };
      last = batch[batch.length - 1];
    }
  }

  async steps(id: string): Promise<TaskStep[]> {
    const rows = await this.store.db.selectFrom('scaffolder_task_steps').selectAll().where('task_id', '=', id).orderBy('step_index').execute();
    return rows.map(row => ({
      id: row.step_id,
      name: row.name,
      action: row.action,
      status: row.status as StepStatus,
      attempts: row.attempts,
      ...(row.started_at ? { startedAt: row.started_at } : {}),
      ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
      ...(row.output ? { output: JSON.parse(row.output) as Record<string, unknown> } : {}),
      ...(row.error ? { error: JSON.parse(row.error) as TaskStep['error'] } : {}),
    }));
  }

  /** Tasks that should be in the queue (open, or interrupted while processing). */
  async unfinishedIds(): Promise<string[]> {
    const rows = await this.store.db.selectFrom('scaffolder_tasks').select('id').where('status', 'in', ['open', 'processing']).execute();
    return rows.map(r => r.id);
  }

  /** Adds to a task's own log (what its page and stream show); its streams wake once it is committed. */
  async appendEvent(taskId: string, type: TaskEventType, body: TaskEventBody, db: Db = this.store.db): Promise<void> {
    await db.insertInto('scaffolder_task_events').values({ task_id: taskId, type, body: JSON.stringify(body), created_at: this.#now() }).execute();
    this.store.afterCommit(db, () => this.store.events.publish(TASK_EVENT_TOPIC, { taskId }));
  }

  async events(taskId: string, after = 0, limit = 1000): Promise<TaskEvent[]> {
    const rows = await this.store.db
      .selectFrom('scaffolder_task_events')
      .selectAll()
      .where('task_id', '=', taskId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(row => ({
      id: Number(row.id),
      taskId: row.task_id,
      type: row.type as TaskEventType,
      body: JSON.parse(row.body) as TaskEventBody,
      createdAt: row.created_at,
    }));
  }

  /**
   * A task starts running (or, `resumed`, runs again after an interruption): `templates.task.started`. False (nothing
   * written) when it ended since the worker read it: a cancellation that committed in between stands.
   */
  async start(id: string, options: { resumed: boolean }): Promise<boolean> {
    const now = this.#now();
    return this.store.transaction(async trx => {
      const started = await trx
        .updateTable('scaffolder_tasks')
        .set({ status: 'processing', updated_at: now, last_heartbeat_at: now })
        .where('id', '=', id)
        .where('status', 'in', ['open', 'processing'])
        .executeTakeFirst();
      if (Number(started.numUpdatedRows) === 0) return false;
      await this.#append(trx, id, 'templates.task.started', { resumed: options.resumed });
      return true;
    });
  }

  async heartbeat(id: string): Promise<{ cancelRequested: boolean }> {
    const now = this.#now();
    await this.store.db.updateTable('scaffolder_tasks').set({ last_heartbeat_at: now }).where('id', '=', id).where('status', '=', 'processing').execute();
    const row = await this.store.db.selectFrom('scaffolder_tasks').select('cancel_requested').where('id', '=', id).executeTakeFirst();
    return { cancelRequested: row?.cancel_requested === 1 };
  }

  /**
   * Ends a task: its final status, output or error; the secrets are dropped. Appends `templates.task.completed`,
   * `failed` (with the error's title only) or `cancelled`.
   */
  async finish(id: string, status: 'completed' | 'failed' | 'cancelled', result: { output?: TaskOutputView; error?: TaskView['error'] } = {}): Promise<void> {
    const now = this.#now();
    await this.store.transaction(async trx => {
      await trx
        .updateTable('scaffolder_tasks')
        .set({
          status,
          output: result.output === undefined ? null : JSON.stringify(result.output),
          error: result.error === undefined ? null : JSON.stringify(result.error),
          secrets: null,
          derived_secrets: null,
          updated_at: now,
          completed_at: now,
        })
        .where('id', '=', id)
        .execute();
      await this.#append(trx, id, `templates.task.${status}`, status === 'failed' && result.error?.title ? { error: result.error.title } : {});
    });
  }

  /** Marks cancellation as asked for, in `db`'s transaction (where the cancellation is audited). */
  async requestCancel(db: Db, id: string): Promise<void> {
    await db.updateTable('scaffolder_tasks').set({ cancel_requested: 1, updated_at: this.#now() }).where('id', '=', id).execute();
  }

  /**
   * Cancels a task that has not started, in `db`'s transaction: its steps and log say so, and
   * `templates.task.cancelled` names `actor`. False (nothing written) when a worker started it meanwhile.
   */
  async cancelOpen(db: Db, id: string, actor: string): Promise<boolean> {
    const now = this.#now();
    const updated = await db
      .updateTable('scaffolder_tasks')
      .set({ status: 'cancelled', completed_at: now, updated_at: now, secrets: null, derived_secrets: null })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await this.closeOpenSteps(id, 'cancelled', db);
    await this.appendEvent(id, 'cancelled', { message: 'Task cancelled before it started', status: 'cancelled' }, db);
    await this.appendEvent(id, 'completion', { message: 'Task cancelled', status: 'cancelled' }, db);
    await this.#append(db, id, 'templates.task.cancelled', {}, actor);
    return true;
  }

  /** Marks a step running; answers whether it had been started before (then a resumed task runs it again). */
  async stepStarted(taskId: string, index: number): Promise<boolean> {
    const step = await this.store.db.selectFrom('scaffolder_task_steps').select(['attempts', 'started_at']).where('task_id', '=', taskId).where('step_index', '=', index).executeTakeFirst();
    await this.store.db
      .updateTable('scaffolder_task_steps')
      .set({ status: 'processing', attempts: (step?.attempts ?? 0) + 1, started_at: this.#now(), finished_at: null, error: null })
      .where('task_id', '=', taskId)
      .where('step_index', '=', index)
      .execute();
    return Boolean(step?.started_at);
  }

  /**
   * A step handed back unfinished on purpose (the worker shut down): no longer running, and this start
   * does not count as an attempt. A step still `processing` when its task is resumed was therefore
   * running when its process died (see the crash-loop guard in the scaffolder service).
   * @example await tasks.stepInterrupted(taskId, 3);
   */
  async stepInterrupted(taskId: string, index: number): Promise<void> {
    await this.store.db
      .updateTable('scaffolder_task_steps')
      .set(eb => ({ status: 'open', attempts: eb('attempts', '-', 1) }))
      .where('task_id', '=', taskId)
      .where('step_index', '=', index)
      .where('status', '=', 'processing')
      .execute();
  }

  /** A step finished (completed, failed, skipped or cancelled): `templates.task.step-finished` with its id and status. */
  async stepFinished(taskId: string, index: number, status: StepStatus, result: { output?: Record<string, unknown>; error?: TaskStep['error'] } = {}): Promise<void> {
    await this.store.transaction(async trx => {
      const step = await trx
        .updateTable('scaffolder_task_steps')
        .set({
          status,
          finished_at: this.#now(),
          output: result.output === undefined ? null : JSON.stringify(result.output),
          error: result.error === undefined ? null : JSON.stringify(result.error),
        })
        .where('task_id', '=', taskId)
        .where('step_index', '=', index)
        .returning('step_id')
        .executeTakeFirst();
      if (step) await this.#append(trx, taskId, 'templates.task.step-finished', { step: step.step_id, status });
    });
  }

  /** Steps not yet run when a task ends (cancelled or failed) are marked so. */
  async closeOpenSteps(taskId: string, status: StepStatus, db: Db = this.store.db): Promise<void> {
    await db
      .updateTable('scaffolder_task_steps')
      .set({ status, finished_at: this.#now() })
      .where('task_id', '=', taskId)
      .where('status', 'in', ['open', 'processing'])
      .execute();
  }

  /** Raw recorded outputs of completed/skipped steps, by index, for a resumed run. */
  async recorded(taskId: string): Promise<Map<number, { status: StepStatus; output: Record<string, unknown> }>> {
    const rows = await this.store.db
      .selectFrom('scaffolder_task_steps')
      .select(['step_index', 'status', 'output'])
      .where('task_id', '=', taskId)
      .where('status', 'in', ['completed', 'skipped'])
      .execute();
    return new Map(rows.map(row => [row.step_index, { status: row.status as StepStatus, output: row.output ? (JSON.parse(row.output) as Record<string, unknown>) : {} }]));
  }

  #summary(row: { id: string; template_ref: string; status: string; created_by: string | null; created_at: string; last_heartbeat_at: string | null; completed_at: string | null }): TaskSummary {
    return {
      id: row.id,
      templateRef: row.template_ref,
      status: row.status as TaskStatus,
      ...(row.created_by ? { createdBy: row.created_by } : {}),
      createdAt: row.created_at,
      ...(row.last_heartbeat_at ? { lastHeartbeatAt: row.last_heartbeat_at } : {}),
      ...(row.completed_at ? { completedAt: row.completed_at } : {}),
    };
  }

  /** Appends a task's event in `db`'s transaction, with the facts of its row (template, creator). */
  async #append(db: Db, id: string, type: string, payload: Record<string, unknown>, actor?: string): Promise<void> {
    const row = await db.selectFrom('scaffolder_tasks').select(['template_ref', 'created_by']).where('id', '=', id).executeTakeFirst();
    if (!row) return;
    await this.eventLog.append(db, taskEvent(type, { id, templateRef: row.template_ref, ...(row.created_by ? { createdBy: row.created_by } : {}) }, payload, actor));
  }

  #now(): string {
    return this.clock.now().toISOString();
  }
}
