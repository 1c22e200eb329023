/**
 * Runs a task's steps in order: renders each step's input with the sandboxed engine, checks it against
 * the action's schema, runs the action in the task's workspace, and records status and output through
 * a sink (the database for tasks, memory for dry runs). A resumed run skips steps that completed, reusing
 * their recorded output; `workspace` steps among them are replayed silently to rebuild the workspace,
 * so external side effects (a push, a registration) are never repeated.
 *
 * Every expression is evaluated in the engine's processes with `secrets` (and any context value holding a
 * known secret string) marked secret; each secret-derived string the engine reports is masked from then on
 * in everything this run writes, and handed to the sink to be kept with the task.
 */
import { isPaveError, PaveError, type FieldError, type Problem } from '../../core/problem.js';
import type { ActingAuthority } from '../../auth/acting-authority.js';
import type { ExpressionEvaluator } from '../../expressions/index.js';
import type { ActionRegistry } from '../actions/action-registry.js';
import type { ActionContext, TemplateAction } from '../actions/action.js';
import type { TemplateOutput, TemplateStep } from '../model/template.js';
import type { Workspace } from '../workspace/workspace.js';
import type { TemplateFiles } from '../workspace/template-files.js';
import { Redactor } from '../workspace/redactor.js';
import type { StepStatus, TaskEventBody, TaskEventType, TaskOutputView, TaskSpec, TaskStep } from './task-types.js';

/** Why a run stopped early. Only `cancel` ends the task; the others leave it to be resumed. */
export class TaskInterrupted extends Error {
  constructor(readonly reason: 'cancel' | 'shutdown' | 'lease-lost') {
    super(reason === 'cancel' ? 'The task was cancelled' : `The task was interrupted (${reason}); it will be resumed`);
    this.name = 'TaskInterrupted';
  }
}

/** Where a run reports: the database for tasks, memory for dry runs. */
export interface TaskSink {
  event(type: TaskEventType, body: TaskEventBody): Promise<void>;
  /** Marks a step running; true when this task had started it before (a resumed task runs it again). */
  stepStarted(index: number): Promise<boolean | void>;
  stepFinished(index: number, status: StepStatus, result?: { output?: Record<string, unknown>; error?: TaskStep['error'] }): Promise<void>;
  /** A running step handed back unfinished because the worker shuts down (it is run again on resume). */
  stepInterrupted?(index: number): Promise<void>;
  /** Strings expressions derived from the secrets: to be masked like them wherever the task is shown. */
  secretsDerived?(strings: string[]): Promise<void>;
}

export interface RunTaskInput {
  taskId: string;
  createdAt: string;
  createdBy?: string;
  /** Whom the task acts as (see `ActionContext.creator`). */
  creator: ActingAuthority;
  spec: TaskSpec;
  secrets: Record<string, unknown>;
  workspace: Workspace;
  templateFiles: TemplateFiles;
  dryRun: boolean;
  signal: AbortSignal;
  sink: TaskSink;
  /** The sandboxed expression engine (evaluator processes). */
  expressions: ExpressionEvaluator;
  /** Masks secrets in what the run writes; pass one to mask the same afterwards (it learns derived strings). */
  redactor?: Redactor;
  /** Completed and skipped steps of an earlier, interrupted run (by index). */
  recorded?: Map<number, { status: StepStatus; output: Record<string, unknown> }>;
}

export type RunResult =
  | { status: 'completed'; output: TaskOutputView }
  | { status: 'failed'; error: { title?: string; detail?: string; errors?: FieldError[] } }
  | { status: 'cancelled' };

/**
 * @example
 *   const result = await runTask(registry, { taskId, spec, secrets: {}, workspace, templateFiles, dryRun: true, signal, sink, expressions, createdAt, creator: UNRESTRICTED });
 */
export async function runTask(actions: ActionRegistry, input: RunTaskInput): Promise<RunResult> {
  const redactor = input.redactor ?? new Redactor(input.secrets);
  const derived: string[] = [];
  const expressions = input.expressions.trackingSecrets(
    () => ({ roots: ['secrets'], values: redactor.values() }),
    strings => {
      redactor.add(strings);
      derived.push(...strings);
    },
  );
  // Kept with the task before anything holding them is stored (step outputs are stored raw).
  const keepDerived = async () => {
    const strings = derived.splice(0);
    if (strings.length) await input.sink.secretsDerived?.(strings);
  };
  const { spec, signal } = input;
  const sink: TaskSink = {
    event: (type, body) => input.sink.event(type, body),
    stepStarted: index => input.sink.stepStarted(index),
    stepFinished: async (index, status, result) => {
      await keepDerived();
      await input.sink.stepFinished(index, status, result);
    },
    stepInterrupted: async index => input.sink.stepInterrupted?.(index),
  };
  const steps: Record<string, { output: Record<string, unknown> }> = {};
  const base = {
    parameters: spec.parameters,
    secrets: input.secrets,
    user: spec.user,
    steps,
    context: { task: { id: input.taskId } },
  };
  const log = (body: TaskEventBody) => sink.event('log', redactor.value(body));

  for (const [index, step] of spec.steps.entries()) {
    if (cancelled(signal)) return { status: 'cancelled' };
    throwIfInterrupted(signal);
    const action = actions.get(step.action);
    const recorded = input.recorded?.get(index);
    if (recorded) {
      steps[step.id] = { output: recorded.output };
      if (recorded.status === 'completed' && action?.effect === 'workspace') {
        try {
          await runAction(actions, action, step, index, { ...base, steps }, input, expressions, redactor, () => undefined, true);
        } catch (error) {
          if (error instanceof TaskInterrupted) throw error;
          return fail(`Could not rebuild the workspace after a restart: step "${step.name}" failed on replay: ${describe(error, redactor)}`, error, index, redactor, sink);
        }
      }
      continue;
    }
    if (!action) return fail(`Step "${step.name}": unsupported action ${step.action}`, undefined, index, redactor, sink);
    let runs: boolean;
    try {
      runs = await expressions.evaluateCondition(step.if, { ...base, steps });
    } catch (error) {
      await sink.stepFinished(index, 'failed', { error: problemOf(error, redactor, `/spec/steps/${index}/if`) });
      return fail(`Step "${step.name}": its if condition could not be evaluated: ${describe(error, redactor)}`, error, index, redactor, sink, `/spec/steps/${index}/if`);
    }
    if (!runs) {
      await sink.stepFinished(index, 'skipped', { output: {} });
      steps[step.id] = { output: {} };
      await log({ message: `Skipping step ${step.id} because its if condition was false`, stepId: step.id, status: 'skipped' });
      continue;
    }
    if (input.dryRun && !action.supportsDryRun) {
      await sink.stepFinished(index, 'skipped', { output: {} });
      steps[step.id] = { output: {} };
      await log({ message: `Skipping because ${action.id} does not support dry run`, stepId: step.id, status: 'skipped' });
      continue;
    }
    const rerun = (await sink.stepStarted(index)) === true;
    await log({ message: `Beginning step ${step.name}`, stepId: step.id, status: 'processing' });
    let pending = Promise.resolve();
    const stepLog = (level: 'info' | 'warn', message: string) => {
      pending = pending.then(() => log({ message, stepId: step.id, level }));
    };
    try {
      const output = await runAction(actions, action, step, index, { ...base, steps }, input, expressions, redactor, stepLog, false, rerun);
      await pending;
      steps[step.id] = { output };
      await sink.stepFinished(index, 'completed', { output });
      await log({ message: `Finished step ${step.name}`, stepId: step.id, status: 'completed' });
    } catch (error) {
      await pending.catch(() => undefined);
      if (error instanceof TaskInterrupted || signal.aborted) {
        const reason = error instanceof TaskInterrupted ? error : (signal.reason as unknown);
        if (reason instanceof TaskInterrupted && reason.reason === 'cancel') {
          await sink.stepFinished(index, 'cancelled');
          await log({ message: `Step ${step.name} was cancelled`, stepId: step.id, status: 'cancelled' });
          return { status: 'cancelled' };
        }
        const interrupted = reason instanceof TaskInterrupted ? reason : new TaskInterrupted('shutdown');
        // Handed back on purpose: a resumed run must not take it for a step that killed its process.
        if (interrupted.reason === 'shutdown') await sink.stepInterrupted?.(index);
        throw interrupted;
      }
      const problem = problemOf(error, redactor, `/spec/steps/${index}`);
      await sink.stepFinished(index, 'failed', { error: problem });
      await log({ message: `Step ${step.name} failed: ${problem.detail}`, stepId: step.id, status: 'failed', level: 'error' });
      return { status: 'failed', error: { title: 'Step failed', detail: `Step "${step.name}" (${step.action}) failed: ${problem.detail}`, ...(problem.errors ? { errors: problem.errors } : {}) } };
    }
  }

  if (cancelled(signal)) return { status: 'cancelled' };
  throwIfInterrupted(signal);
  try {
    const output = redactor.value(await renderOutput(spec.output, { ...base, steps }, expressions));
    await keepDerived();
    return { status: 'completed', output };
  } catch (error) {
    return { status: 'failed', error: { title: 'Output failed', detail: `The template output could not be rendered: ${describe(error, redactor)}`, errors: problemOf(error, redactor, '/spec/output').errors } };
  }
}

async function runAction(
  registry: ActionRegistry,
  action: TemplateAction,
  step: TemplateStep,
  index: number,
  context: Record<string, unknown>,
  input: RunTaskInput,
  expressions: ExpressionEvaluator,
  redactor: Redactor,
  log: (level: 'info' | 'warn', message: string) => void,
  replay: boolean,
  rerun = false,
): Promise<Record<string, unknown>> {
  const pointer = `/spec/steps/${index}`;
  const iterations = await iterationsOf(step, index, context, expressions);
  const output: Record<string, unknown> = {};
  for (const [i, each] of iterations.entries()) {
    // Between iterations only: a handler that finished is recorded as finished, whatever came meanwhile.
    if (i > 0) throwIfInterrupted(input.signal);
    const scope = each ? { ...context, each } : context;
    let rendered: unknown;
    try {
      rendered = await expressions.renderValue(step.input, scope);
    } catch (error) {
      throw rePoint(error, pointer + '/input');
    }
    const known = inputProperties(action);
    if (!replay && known && rendered && typeof rendered === 'object') {
      for (const key of Object.keys(rendered)) if (!known.has(key)) log('warn', `input.${key} is not an input of ${action.id}; it is ignored`);
    }
    // Backstage's rule: an input the expression left undefined is simply absent.
    const cleaned = JSON.parse(JSON.stringify(rendered ?? {})) as Record<string, unknown>;
    registry.validateInput(action.id, cleaned, pointer + '/input');
    const ctx: ActionContext<unknown> = {
      input: cleaned,
      workspace: input.workspace,
      templateFiles: input.templateFiles,
      log: { info: message => log('info', redactor.text(message)), warn: message => log('warn', redactor.text(message)) },
      output(name, value) {
        if (each) ((output[name] ??= []) as unknown[]).push(value);
        else output[name] = value;
      },
      signal: input.signal,
      dryRun: input.dryRun,
      task: { id: input.taskId, createdAt: input.createdAt, templateRef: input.spec.templateInfo.entityRef, values: input.spec.parameters, ...(input.spec.templateInfo.version ? { templateVersion: input.spec.templateInfo.version } : {}), ...(input.createdBy ? { createdBy: input.createdBy } : {}) },
      creator: input.creator,
      step: { id: step.id, name: step.name },
      secrets: input.secrets,
      expressions,
      replay,
      rerun,
    };
    try {
      await action.handler(ctx);
    } catch (error) {
      throw rePoint(error, pointer);
    }
  }
  return output;
}

function inputProperties(action: TemplateAction): Set<string> | undefined {
  const properties = (action.schema.input as { properties?: Record<string, unknown> }).properties;
  return properties ? new Set(Object.keys(properties)) : undefined;
}

async function iterationsOf(
  step: TemplateStep,
  index: number,
  context: Record<string, unknown>,
  expressions: ExpressionEvaluator,
): Promise<Array<{ key: string; value: unknown } | undefined>> {
  if (step.each === undefined) return [undefined];
  let value: unknown;
  try {
    value = typeof step.each === 'string' ? await expressions.renderString(step.each, context) : await expressions.renderValue(step.each, context);
  } catch (error) {
    throw rePoint(error, `/spec/steps/${index}/each`);
  }
  if (Array.isArray(value)) return value.map((item, i) => ({ key: String(i), value: item }));
  if (value && typeof value === 'object') return Object.entries(value).map(([key, item]) => ({ key, value: item }));
  throw new PaveError({ type: 'https://pave.dev/problems/invalid-input', title: 'Invalid input', status: 422, detail: `each must give a list or a mapping (gave ${value === undefined ? 'nothing' : typeof value})`, errors: [{ pointer: `/spec/steps/${index}/each`, detail: 'must be a list or a mapping', rule: 'type' }] });
}

/** Renders `output`: links and text whose `if` is false are left out; other keys are rendered as they are. */
export async function renderOutput(output: TemplateOutput, context: Record<string, unknown>, expressions: ExpressionEvaluator): Promise<TaskOutputView> {
  const result: TaskOutputView = {};
  for (const [key, value] of Object.entries(output)) {
    if ((key === 'links' || key === 'text') && Array.isArray(value)) {
      const kept: Array<Record<string, unknown>> = [];
      for (const item of value as Array<Record<string, unknown>>) {
        if (!item || typeof item !== 'object') continue;
        if (!(await expressions.evaluateCondition(item.if, context))) continue;
        const { if: _if, ...rest } = item;
        const rendered = (await expressions.renderValue(rest, context)) as Record<string, unknown>;
        kept.push(Object.fromEntries(Object.entries(rendered).filter(([, v]) => v !== undefined && v !== '')));
      }
      result[key] = kept;
    } else {
      result[key] = await expressions.renderValue(value, context);
    }
  }
  return JSON.parse(JSON.stringify(result)) as TaskOutputView;
}

/** Cancellation was asked for (the task ends as cancelled, not to be resumed). */
function cancelled(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof TaskInterrupted && signal.reason.reason === 'cancel';
}

function throwIfInterrupted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  const reason = signal.reason as unknown;
  throw reason instanceof TaskInterrupted ? reason : new TaskInterrupted('shutdown');
}

async function fail(detail: string, error: unknown, index: number, redactor: Redactor, sink: TaskSink, pointer = `/spec/steps/${index}`): Promise<RunResult> {
  const problem = error === undefined ? { detail: redactor.text(detail) } : problemOf(error, redactor, pointer);
  await sink.event('log', { message: redactor.text(detail), level: 'error', status: 'failed' });
  return { status: 'failed', error: { title: 'Task failed', detail: redactor.text(detail), ...(problem.errors ? { errors: problem.errors } : {}) } };
}

function describe(error: unknown, redactor: Redactor): string {
  if (isPaveError(error)) return redactor.text(error.problem.detail ?? error.problem.title);
  return redactor.text(error instanceof Error ? error.message : String(error));
}

/** A problem (redacted) for any error, its field errors located under `pointer` when they have none. */
function problemOf(error: unknown, redactor: Redactor, pointer: string): { detail: string; errors?: FieldError[] } {
  const detail = describe(error, redactor);
  if (!isPaveError(error)) return { detail, errors: [{ pointer, detail, rule: 'action' }] };
  const errors = (error.problem.errors ?? []).map(e => ({ ...e, pointer: e.pointer.startsWith('/spec/') ? e.pointer : pointer + e.pointer, detail: redactor.text(e.detail) }));
  return { detail, ...(errors.length ? { errors } : { errors: [{ pointer, detail, rule: 'action' }] }) };
}

/** Puts an engine or action error under the step's pointer (errors already located in /spec stay). */
function rePoint(error: unknown, pointer: string): unknown {
  if (!isPaveError(error)) return error;
  const problem: Problem = {
    ...error.problem,
    errors: (error.problem.errors ?? []).map(e => (e.pointer.startsWith('/spec/') ? e : { ...e, pointer: pointer + e.pointer })),
  };
  return new PaveError(problem);
}
