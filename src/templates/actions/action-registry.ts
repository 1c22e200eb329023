/**
 * The actions a Pave can run, by id. Built-in actions are registered by the scaffolder service; more
 * can be registered (a platform team's own, or stand-ins in tests). Inputs are validated against each
 * action's schema after rendering, with every mistake named by pointer.
 */
import type { ValidateFunction } from 'ajv';
import { jsonSchemaValidator, schemaErrors } from '../../core/json-schema.js';
import { conflict, invalidInput } from '../../core/problem.js';
import type { TemplateAction } from './action.js';
import type { ActionDescription } from './action-description.js';

/**
 * Action inputs: not strict, since actions registered besides the built-in ones may carry keywords of their
 * own; no defaults filled in, so an action sees the input its template wrote.
 */
const inputs = () => jsonSchemaValidator({ strict: false });


export class ActionRegistry {
  readonly #actions = new Map<string, { action: TemplateAction; validate: ValidateFunction }>();
  #version = 0;

  /** Goes up with every registration, so cached template readings (their problems) can tell they are stale. */
  get version(): number {
    return this.#version;
  }

  /** @example registry.register(debugLogAction) */
  register(action: TemplateAction): this {
    if (this.#actions.has(action.id)) throw conflict(`An action with id ${action.id} is already registered`);
    // JSON round trip drops TypeBox's symbol keys, leaving plain JSON Schema.
    const schema = JSON.parse(JSON.stringify(action.schema.input)) as object;
    this.#actions.set(action.id, { action, validate: inputs().compile(schema) });
    this.#version++;
    return this;
  }

  has(id: string): boolean {
    return this.#actions.has(id);
  }

  get(id: string): TemplateAction | undefined {
    return this.#actions.get(id)?.action;
  }

  list(): ActionDescription[] {
    return [...this.#actions.values()]
      .map(({ action }) => ({
        id: action.id,
        description: action.description,
        schema: JSON.parse(JSON.stringify(action.schema)) as ActionDescription['schema'],
        effect: action.effect,
        supportsDryRun: action.supportsDryRun,
        ...(action.examples ? { examples: action.examples } : {}),
        ...(action.installed ? { installed: action.installed } : {}),
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Checks a rendered input; throws 422 naming each field under `pointer` (the step's input). */
  validateInput(id: string, input: unknown, pointer: string): void {
    const entry = this.#actions.get(id);
    if (!entry) throw invalidInput(`unsupported action ${id}`);
    if (entry.validate(input)) return;
    const errors = schemaErrors(entry.validate.errors ?? [], { at: pointer, name: field => ['input', ...field.path].join('.'), unknownProperty: `is not an input of ${id}` });
    throw invalidInput(`The input of ${id} is not valid: ${errors.map(e => e.detail).join('; ')}`, errors);
  }
}
