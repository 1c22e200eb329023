/**
 * The actions a Pave can run, by id. Built-in actions are registered by the scaffolder service; more
 * can be registered (a platform team's own, or stand-ins in tests). Inputs are validated against each
 * action's schema after rendering, with every mistake named by pointer.
 */
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { conflict, invalidInput, type FieldError } from '../../core/problem.js';
import type { TemplateAction } from './action.js';

const require = createRequire(import.meta.url);
const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, logger: false }));

/** An action as the API describes it (`GET /api/scaffolder/v2/actions`). */
export interface ActionDescription {
  id: string;
  description: string;
  schema: { input: Record<string, unknown>; output?: Record<string, unknown> };
  effect: string;
  supportsDryRun: boolean;
  examples?: Array<{ description: string; example: string }>;
}

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
    this.#actions.set(action.id, { action, validate: ajv.compile(schema) });
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
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Checks a rendered input; throws 422 naming each field under `pointer` (the step's input). */
  validateInput(id: string, input: unknown, pointer: string): void {
    const entry = this.#actions.get(id);
    if (!entry) throw invalidInput(`unsupported action ${id}`);
    if (entry.validate(input)) return;
    const errors: FieldError[] = (entry.validate.errors ?? []).map(error => {
      const missing = error.keyword === 'required' ? `/${String((error.params as { missingProperty?: string }).missingProperty)}` : '';
      const extra = error.keyword === 'additionalProperties' ? `/${String((error.params as { additionalProperty?: string }).additionalProperty)}` : '';
      const at = error.instancePath + missing + extra;
      const detail =
        error.keyword === 'required' ? 'is required' : error.keyword === 'additionalProperties' ? `is not an input of ${id}` : (error.message ?? 'is invalid');
      return { pointer: pointer + at, detail: `input${at.replace(/\//g, '.') || ''} ${detail}`, rule: error.keyword };
    });
    throw invalidInput(`The input of ${id} is not valid: ${errors.map(e => e.detail).join('; ')}`, errors);
  }
}
