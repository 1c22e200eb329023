/**
 * Installs an organisation's own actions: finds the configured files (`action-sources.ts`), asks the
 * sandbox what each exports (its code runs nowhere else, not even to be described), checks every
 * description, and makes each a `TemplateAction` (`installed-action.ts`). What cannot be installed is
 * returned as a problem, one line each, and the rest are installed.
 */

/**
 * Loads the configured actions and registers them beside the built-in ones; an id already taken (a
 * built-in's, or an earlier file's) is a problem, never a replacement.
 * @example for (const problem of await installActions(scaffolder.actions, config.templates.actions, runner, cwd)) logger.error(problem);
 */
export async function installActions(registry: ActionRegistry, config: Pick<InstalledActionsConfig, 'folders' | 'packages'>, runner: ActionSandbox, cwd: string): Promise<string[]> {
  const { actions, problems } = await loadInstalledActions(config, runner, cwd);
  for (const action of actions) {
    if (registry.has(action.id)) problems.push(`${action.installed?.name}: action ${action.id} is not installed: an action with that id exists already`);
    else registry.register(action);
  }
  return problems;
}
import { jsonSchemaValidator } from '../../core/json-schema.js';
import type { TemplateAction } from '../actions/action.js';
import type { ActionRegistry } from '../actions/action-registry.js';
import type { InstalledActionsConfig } from '../templates-config.js';
import { actionEntries } from './action-sources.js';
import { DescribedActionSchema, installedAction, runInSandbox, type ActionSandbox, type DescribedAction } from './installed-action.js';

/**
 * @example const { actions, problems } = await loadInstalledActions(config.templates.actions, { sandbox, timeoutSeconds: 60 }, cwd);
 */
export async function loadInstalledActions(config: Pick<InstalledActionsConfig, 'folders' | 'packages'>, runner: ActionSandbox, cwd: string): Promise<{ actions: TemplateAction[]; problems: string[] }> {
  const { entries, problems } = await actionEntries(config, cwd);
  const actions: TemplateAction[] = [];
  for (const entry of entries) {
    const said: string[] = [];
    let described: unknown;
    try {
      described = await runInSandbox(runner, entry, { mode: 'describe' }, `actions of ${entry.from.name}`, line => said.push(line));
    } catch (error) {
      problems.push(`${entry.from.name} could not be read: ${(error as Error).message}`);
      continue;
    }
    if (!Array.isArray(described) || described.length === 0) {
      problems.push(`${entry.from.name} exports no action (an object with an id and a handler, or a list of them)`);
      continue;
    }
    for (const [index, action] of described.entries()) {
      const wrong = describedProblems(action);
      if (wrong.length) problems.push(`${entry.from.name}: action ${index + 1}${typeof (action as { id?: unknown }).id === 'string' ? ` (${(action as { id: string }).id})` : ''} ${wrong.join('; ')}`);
      else actions.push(installedAction(action as DescribedAction, entry, runner));
    }
  }
  return { actions, problems };
}

/** What is wrong with one description: its shape, then its schemas as JSON Schema. */
function describedProblems(action: unknown): string[] {
  const shape = jsonSchemaValidator().validate(DescribedActionSchema, action);
  if (shape.length) return shape.map(p => `${p.pointer || 'the action'} ${p.detail}`);
  const { schema } = action as DescribedAction;
  const validator = jsonSchemaValidator({ strict: false });
  return [...validator.schemaProblems(schema.input, '/schema/input'), ...(schema.output ? validator.schemaProblems(schema.output, '/schema/output') : [])].map(p => `${p.pointer} ${p.detail}`);
}
