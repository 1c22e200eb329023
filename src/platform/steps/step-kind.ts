/**
 * What a workflow step is: a pure function of its input. Three kinds implement it, one file each:
 * `template-step.ts` (the expression engine, no code runs), `module-step.ts` (a platform team's
 * ES module in a sandboxed process with time, memory and output limits; see `sandbox/`) and
 * `workload-step.ts` (Pave's own renderer of a Score workload's Deployment and Service).
 */
import type { ExpressionEvaluator } from '../../expressions/index.js';
import type { StepSpec } from '../model/types.js';
import type { ModuleSandbox } from './sandbox/module-sandbox.js';

/** What every step receives. */
export interface StepInput {
  request: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string; title?: string; labels: Record<string, string>; annotations: Record<string, string> };
    /** The spec with defaults filled in and references to other requests' outputs resolved. */
    spec: Record<string, unknown>;
  };
  revision: { name: string; version: string };
  /** What the request exposed after its last successful run. */
  observed: { outputs: Record<string, unknown> };
  context: {
    action: 'configure' | 'delete';
    /** Outputs of the requests this one references, by name. */
    dependencies: Record<string, { outputs: Record<string, unknown> }>;
    /** Outputs of the steps that ran before this one, by step name. */
    steps: Record<string, { outputs: Record<string, unknown> }>;
    /** True for `pave render` and the render route: the result is shown, never written. */
    dryRun: boolean;
  };
}

/** A file a step produced, relative to the request's folder. */
export interface StepFile {
  path: string;
  content: string;
}

/** What every step returns. */
export interface StepResult {
  files: StepFile[];
  outputs: Record<string, unknown>;
  message?: string;
  /** Ask to be run again after this many seconds (e.g. while an external system is still busy). */
  retryAfterSeconds?: number;
  log: string[];
}

/** What a step kind runs with besides its input. */
export interface StepOptions {
  timeoutSeconds: number;
  /** The sandboxed expression engine (its own processes). */
  expressions: ExpressionEvaluator;
  /** Where `module` steps run (see `sandbox/`). */
  moduleSandbox: ModuleSandbox;
  /** Stops a running `module` step when aborted (the reconciler stopping), its process group killed. */
  signal?: AbortSignal;
}

/** One kind of step. */
export interface StepKind<S extends StepSpec = StepSpec> {
  readonly type: S['type'];
  run(step: S, input: StepInput, options: StepOptions): Promise<StepResult>;
}

/** A step failed; the message is what the request's conditions show. */
export class StepError extends Error {
  /** What the step printed before it failed, for the run's log. */
  log?: string[];

  constructor(message: string, log?: string[]) {
    super(message);
    this.name = 'StepError';
    if (log) this.log = log;
  }
}
