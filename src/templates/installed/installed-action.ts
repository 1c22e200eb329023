/**
 * An organisation's own action as a `TemplateAction`: its handler never runs here. Each run is a module
 * sandbox job (`platform/steps/sandbox`, the isolation of platform module steps): the host module
 * (`action-host-source.ts`) imports the action's file there, copies the workspace into its own folder,
 * runs the handler and answers with its outputs and the files it changed, which are checked and then
 * applied through the workspace (confined paths, no links, size limits).
 */
import { realpath } from 'node:fs/promises';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { jsonSchemaValidator } from '../../core/json-schema.js';
import { invalidInput } from '../../core/problem.js';
import type { ModuleSandbox } from '../../platform/steps/sandbox/module-sandbox.js';
import { StepError } from '../../platform/steps/step-kind.js';
import type { ActionContext, TemplateAction } from '../actions/action.js';
import { ACTION_HOST_SOURCE } from './action-host-source.js';
import type { ActionEntry } from './action-sources.js';

/** What describing a file's actions gives for one action (checked before it is installed). */
export const DescribedActionSchema = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*$' }),
  description: Type.String(),
  schema: Type.Object({ input: Type.Object({}, { additionalProperties: true }), output: Type.Optional(Type.Object({}, { additionalProperties: true })) }),
  supportsDryRun: Type.Boolean(),
  examples: Type.Optional(Type.Array(Type.Object({ description: Type.String(), example: Type.String() }))),
});
export type DescribedAction = Static<typeof DescribedActionSchema>;

/** What a run hands back. */
const RunAnswerSchema = Type.Object({
  outputs: Type.Record(Type.String(), Type.Unknown()),
  files: Type.Array(Type.Object({ path: Type.String(), content: Type.String(), executable: Type.Boolean() })),
  deleted: Type.Array(Type.String()),
});
type RunAnswer = Static<typeof RunAnswerSchema>;

/** The sandbox installed actions run in, and how long one run may take. */
export interface ActionSandbox {
  sandbox: ModuleSandbox;
  timeoutSeconds: number;
}

/**
 * Runs the host module for one entry in the sandbox: `{ mode: 'describe' }` or a run. What it printed is
 * handed to `log` (also when it failed), and the answer is returned as is (the caller checks it). It also
 * reads the `readable` folders, and is stopped when `signal` aborts (a run: the task's signal).
 */
export async function runInSandbox(
  runner: ActionSandbox,
  entry: ActionEntry,
  request: Record<string, unknown>,
  label: string,
  log: (line: string) => void,
  options: { readable?: string[]; signal?: AbortSignal } = {},
): Promise<unknown> {
  try {
    const job = { label, source: ACTION_HOST_SOURCE, input: { ...request, entry: entry.file }, timeoutSeconds: runner.timeoutSeconds, readable: [...entry.readable, ...(options.readable ?? [])] };
    const { result, log: lines } = await runner.sandbox.run({ ...job, ...(options.signal ? { signal: options.signal } : {}) });
    lines.forEach(line => log(line));
    return result;
  } catch (error) {
    if (error instanceof StepError) error.log?.forEach(line => log(line));
    throw error;
  }
}

/**
 * @example registry.register(installedAction(described, entry, { sandbox, timeoutSeconds: 60 }))
 */
export function installedAction(described: DescribedAction, entry: ActionEntry, runner: ActionSandbox): TemplateAction {
  const { output } = described.schema;
  return Object.freeze({
    id: described.id,
    description: described.description,
    schema: { input: described.schema.input as TSchema, ...(output ? { output: output as TSchema } : {}) },
    // It cannot reach anything but the workspace (no network in bubblewrap): a resumed task replays it.
    effect: 'workspace' as const,
    supportsDryRun: described.supportsDryRun,
    ...(described.examples ? { examples: described.examples } : {}),
    installed: { ...entry.from, sandbox: runner.sandbox.description },
    async handler(ctx: ActionContext<unknown>): Promise<void> {
      await ctx.workspace.ensureRoot();
      const workspace = await realpath(ctx.workspace.root);
      const request = {
        mode: 'run',
        id: described.id,
        input: ctx.input,
        workspace,
        secrets: ctx.secrets,
        dryRun: ctx.dryRun,
        templateInfo: { entityRef: ctx.task.templateRef },
        ...(ctx.task.createdBy ? { user: { ref: ctx.task.createdBy } } : {}),
      };
      const answer = await runInSandbox(runner, entry, request, `action ${described.id} (${entry.from.name})`, line => ctx.log.info(line), { readable: [workspace], signal: ctx.signal });
      const problems = jsonSchemaValidator().validate(RunAnswerSchema, answer);
      if (problems.length) throw new StepError(`action ${described.id} answered something Pave cannot use: ${problems.map(p => `${p.pointer} ${p.detail}`).join('; ')}`);
      const { outputs, files, deleted } = answer as RunAnswer;
      if (output) {
        const errors = jsonSchemaValidator({ strict: false }).validate(output, outputs, { name: field => ['output', ...field.path].join('.') });
        if (errors.length) throw invalidInput(`The output of ${described.id} does not match its output schema: ${errors.map(e => e.detail).join('; ')}`, errors);
      }
      for (const path of deleted) await ctx.workspace.remove(path, `a file ${described.id} deleted`);
      for (const file of files) await ctx.workspace.writeFile(file.path, Buffer.from(file.content, 'base64'), { executable: file.executable, what: `a file ${described.id} wrote` });
      for (const [name, value] of Object.entries(outputs)) ctx.output(name, value);
    },
  });
}
