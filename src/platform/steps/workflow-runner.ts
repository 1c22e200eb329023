import { isPaveError } from '../../core/problem.js';
import type { RunStep, StepSpec } from '../model/types.js';
import { moduleStep } from './module-step.js';
import { checkOutputFiles, type ProducedFile } from './output-files.js';
import { StepError, type StepInput, type StepKind, type StepOptions } from './step-kind.js';
import { templateStep } from './template-step.js';
import { workloadStep } from './workload-step.js';

const KINDS: Record<StepSpec['type'], StepKind> = {
  template: templateStep as StepKind,
  module: moduleStep as StepKind,
  workload: workloadStep as StepKind,
};

export interface WorkflowOutcome {
  /** Files for the request's folder, path → content, sorted. Empty when the workflow failed. */
  files: Map<string, string>;
  /** Outputs of every step merged in order (later steps win). */
  outputs: Record<string, unknown>;
  message?: string;
  retryAfterSeconds?: number;
  steps: RunStep[];
  /** Set when a step threw or the produced files were refused; nothing may be written then. */
  failure?: { reason: 'StepFailed' | 'InvalidOutput'; message: string };
}

/**
 * Runs a workflow's steps in order, each a pure function of its input plus the outputs of the steps
 * before it. The same code path serves reconciles and dry runs (`input.context.dryRun`); this function
 * itself has no side effects. Stops at the first failing step.
 */
export async function runWorkflow(
  steps: readonly StepSpec[],
  input: Omit<StepInput, 'context'> & { context: Omit<StepInput['context'], 'steps'> },
  options: StepOptions & { attempt?: number; now?: () => string },
): Promise<WorkflowOutcome> {
  const now = options.now ?? (() => new Date().toISOString());
  const outcome: WorkflowOutcome = { files: new Map(), outputs: {}, steps: [] };
  const produced: ProducedFile[] = [];
  const stepOutputs: Record<string, { outputs: Record<string, unknown> }> = {};
  const messages: string[] = [];
  for (const step of steps) {
    const startedAt = now();
    try {
      const result = await KINDS[step.type].run(step, { ...input, context: { ...input.context, steps: stepOutputs } }, { timeoutSeconds: options.timeoutSeconds, expressions: options.expressions, moduleSandbox: options.moduleSandbox, ...(options.signal ? { signal: options.signal } : {}) });
      produced.push(...result.files.map(file => ({ step: step.name, ...file })));
      stepOutputs[step.name] = { outputs: result.outputs };
      Object.assign(outcome.outputs, result.outputs);
      if (result.message) messages.push(result.message);
      if (result.retryAfterSeconds !== undefined) {
        outcome.retryAfterSeconds = Math.max(outcome.retryAfterSeconds ?? 0, result.retryAfterSeconds);
      }
      outcome.steps.push({
        name: step.name,
        type: step.type,
        phase: 'Succeeded',
        attempts: options.attempt ?? 1,
        startedAt,
        finishedAt: now(),
        log: result.log,
        ...(result.message ? { message: result.message } : {}),
      });
    } catch (error) {
      const message = error instanceof StepError || isPaveError(error) ? error.message : `unexpected error: ${(error as Error).message}`;
      const log = error instanceof StepError ? (error.log ?? []) : [];
      outcome.steps.push({ name: step.name, type: step.type, phase: 'Failed', attempts: options.attempt ?? 1, startedAt, finishedAt: now(), log, error: message });
      for (const rest of steps.slice(steps.indexOf(step) + 1)) {
        outcome.steps.push({ name: rest.name, type: rest.type, phase: 'Skipped', attempts: 0, startedAt: now(), finishedAt: now(), log: [] });
      }
      outcome.failure = { reason: 'StepFailed', message: `step ${step.name} failed: ${message}` };
      return outcome;
    }
  }
  const checked = checkOutputFiles(produced);
  if (checked.errors.length) {
    outcome.failure = { reason: 'InvalidOutput', message: checked.errors.join('; ') };
    return outcome;
  }
  outcome.files = checked.files;
  if (messages.length) outcome.message = messages.join('; ');
  return outcome;
}
