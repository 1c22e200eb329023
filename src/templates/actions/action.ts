/**
 * What an action is: an id, a description, a typed input schema (JSON Schema, written with TypeBox so
 * the TypeScript type and the schema served by the API come from one definition), what running it
 * touches, and a handler. One small file per action; `defineAction` ties the types together.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { ActingAuthority } from '../../auth/acting-authority.js';
import type { ExpressionEvaluator } from '../../expressions/index.js';
import type { Workspace } from '../workspace/workspace.js';
import type { TemplateFiles } from '../workspace/template-files.js';
import type { InstalledFrom } from './action-description.js';

/**
 * What running an action changes, which decides what a resumed task does with a completed step:
 * - `workspace`: only the task's workspace; replayed (silently) to rebuild the workspace after a restart;
 * - `external`: the world outside (a repository, the catalog); never run twice, its recorded output is reused;
 * - `none`: nothing; its recorded output is reused.
 */
export type ActionEffect = 'workspace' | 'external' | 'none';

export interface ActionLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Everything a handler gets. Paths go through `workspace` and `templateFiles`, which confine them. */
export interface ActionContext<I> {
  input: I;
  workspace: Workspace;
  /** The template's own files, read-only (what `fetch:*` reads). */
  templateFiles: TemplateFiles;
  log: ActionLogger;
  /** Records an output value (`steps.<id>.output.<name>`). */
  output(name: string, value: unknown): void;
  /** Aborted when the task is cancelled or the worker shuts down. */
  signal: AbortSignal;
  /** A dry run: the handler must not change anything outside the workspace. */
  dryRun: boolean;
  /** The task: its id, when and by whom it was created, the template it runs and its form values (never secrets). */
  task: { id: string; createdAt: string; createdBy?: string; templateRef: string; templateVersion?: string; values: Record<string, unknown> };
  /**
   * The task's creator (the caller, for a dry run): what the task reads, registers and requests as. An
   * action that changes the catalog or the platform asks it first.
   */
  creator: ActingAuthority;
  step: { id: string; name: string };
  /** Secrets given with the task (also reachable as `${{ secrets.x }}` in inputs); never log them. */
  secrets: Readonly<Record<string, unknown>>;
  /**
   * The sandboxed expression engine (evaluator processes), for actions that render templates
   * (`fetch:template`). It treats the task's secrets as secret and teaches the task's redactor what
   * it derives from them.
   */
  expressions: ExpressionEvaluator;
  /** True while a resumed task replays a completed `workspace` step to rebuild its workspace. */
  replay: boolean;
  /**
   * True when this task started this step before and it did not finish (the task was interrupted and
   * resumed): an external action may find what its earlier attempt made (a repository created, not pushed).
   */
  rerun: boolean;
}

export interface ActionExample {
  description: string;
  example: string;
}

export interface TemplateAction<I = unknown> {
  id: string;
  description: string;
  schema: { input: TSchema; output?: TSchema };
  effect: ActionEffect;
  /** Whether the handler knows dry runs (every built-in does); others are skipped in a dry run. */
  supportsDryRun: boolean;
  examples?: ActionExample[];
  /** An organisation's own action (`templates.actions`): where it came from and its sandbox; absent: built in. */
  installed?: InstalledFrom & { sandbox: string };
  handler(ctx: ActionContext<I>): Promise<void>;
}

/**
 * Declares an action with an input type inferred from its schema.
 * @example
 *   export const debugLog = defineAction({
 *     id: 'debug:log', description: 'Writes a message to the task log', effect: 'none',
 *     input: Type.Object({ message: Type.Optional(Type.String()) }),
 *     async handler(ctx) { ctx.log.info(ctx.input.message ?? ''); },
 *   });
 */
export function defineAction<S extends TSchema>(definition: {
  id: string;
  description: string;
  input: S;
  output?: TSchema;
  effect: ActionEffect;
  supportsDryRun?: boolean;
  examples?: ActionExample[];
  handler(ctx: ActionContext<Static<S>>): Promise<void>;
}): TemplateAction<Static<S>> {
  return Object.freeze({
    id: definition.id,
    description: definition.description,
    schema: { input: definition.input, ...(definition.output ? { output: definition.output } : {}) },
    effect: definition.effect,
    supportsDryRun: definition.supportsDryRun ?? true,
    ...(definition.examples ? { examples: definition.examples } : {}),
    handler: definition.handler,
  });
}
