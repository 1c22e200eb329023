/**
 * Rendering one request with one capability revision: schema check, reference resolution, the
 * workflow, output check and placement selector. Reconciles and dry runs (`pave render`, the render
 * route) share this code; it has no side effects.
 */
import { createHash } from 'node:crypto';
import { type FieldError } from '../core/problem.js';
import { jsonSchemaValidator, type SchemaErrorOptions } from '../core/json-schema.js';
import { isObject } from '../core/is-object.js';
import { fieldLabel, ruleWords } from '../core/schema-words.js';
import { findReferences, resolveReferences, type OutputReference } from './model/references.js';
import type { Capability, RequestEntity } from './model/types.js';
import { templateContext } from './steps/template-step.js';
import type { StepInput, StepOptions } from './steps/step-kind.js';
import { runWorkflow, type WorkflowOutcome } from './steps/workflow-runner.js';

/** A stable sha256 of a capability document (what a revision is identified by). */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

/** JSON with object keys sorted, so equal values hash equally. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/**
 * Validates a value against a capability's schema, defaults filled in (on the copy given). Each detail names
 * its field as people read it (run messages join details without their pointers) and says what is wanted.
 */
function validateAgainst(schema: object, value: unknown, options: SchemaErrorOptions): FieldError[] {
  return jsonSchemaValidator({ useDefaults: true }).validate(schema, value, { ...options, name: field => fieldName(schema, field.path, field.pointer), words: wantedWords });
}

/**
 * Validates a request's spec against its capability's schema (defaults filled in on a copy). A string
 * holding a `${requests.…}` reference is excused from type and format rules until it is resolved.
 */
export function validateRequestSpec(capability: Capability, spec: Record<string, unknown>): { spec: Record<string, unknown>; errors: FieldError[] } {
  const copy = structuredClone(spec);
  const references = new Set(findReferences(copy).map(r => r.pointer));
  const errors = validateAgainst(capability.spec.api.schema, copy, { at: '/spec', skip: error => references.has('/spec' + error.instancePath) });
  return { spec: copy, errors };
}

export interface RenderRequestInput {
  capability: Capability;
  request: RequestEntity;
  /** Outputs of the requests this one references (missing ones count as not ready). */
  dependencies: Readonly<Record<string, Record<string, unknown> | undefined>>;
  observedOutputs?: Record<string, unknown>;
  action: 'configure' | 'delete';
  dryRun: boolean;
  /** Dry runs without a store: leave references that have no value as text instead of waiting. */
  allowUnresolved?: boolean;
}

/** A request ready to run: its spec checked and resolved, the step input built, the input hash known. */
export interface PreparedRender {
  capability: Capability;
  inputHash: string;
  spec: Record<string, unknown>;
  stepInput: Omit<StepInput, 'context'> & { context: Omit<StepInput['context'], 'steps'> };
  /** References left as text (only with `allowUnresolved`). */
  unresolved: OutputReference[];
  action: 'configure' | 'delete';
}

export type PrepareResult =
  | { stage: 'invalid'; errors: FieldError[] }
  | { stage: 'waiting'; missing: OutputReference[] }
  | { stage: 'prepared'; prepared: PreparedRender };

export interface RenderedRequest {
  outcome: WorkflowOutcome;
  /** The capability's placement selector with its expressions rendered. */
  selector: Record<string, string>;
}

/**
 * Checks a request's spec, resolves its references and computes the hash of everything a render depends
 * on, without running any step.
 */
export function prepareRender(input: RenderRequestInput): PrepareResult {
  const { capability, request } = input;
  const checked = validateRequestSpec(capability, request.spec ?? {});
  if (checked.errors.length) return { stage: 'invalid', errors: checked.errors };
  const resolved = resolveReferences(checked.spec, input.dependencies);
  if (resolved.missing.length && !input.allowUnresolved) return { stage: 'waiting', missing: resolved.missing };
  const spec = resolved.value as Record<string, unknown>;
  const stillReferenced = new Set(findReferences(spec).map(r => r.pointer));
  const afterResolution = validateAgainst(capability.spec.api.schema, structuredClone(spec), { at: '/spec', skip: error => stillReferenced.has('/spec' + error.instancePath) });
  if (afterResolution.length) {
    return { stage: 'invalid', errors: afterResolution.map(e => ({ ...e, detail: `${e.detail} (after resolving references)` })) };
  }
  const dependencies = Object.fromEntries(
    [...new Set(findReferences(request.spec).map(r => r.request))].sort().map(name => [name, { outputs: input.dependencies[name] ?? {} }]),
  );
  const stepInput: PreparedRender['stepInput'] = {
    request: {
      apiVersion: request.apiVersion,
      kind: request.kind,
      metadata: {
        name: request.metadata.name,
        namespace: request.metadata.namespace,
        ...(typeof request.metadata.title === 'string' ? { title: request.metadata.title } : {}),
        labels: { ...(request.metadata.labels ?? {}) },
        annotations: { ...(request.metadata.annotations ?? {}) },
      },
      spec,
    },
    revision: { name: capability.metadata.name, version: capability.spec.version },
    observed: { outputs: input.observedOutputs ?? {} },
    context: { action: input.action, dependencies, dryRun: input.dryRun },
  };
  const inputHash = digestOf({ capability: digestOf(capability), request: stepInput.request, dependencies, action: input.action });
  return { stage: 'prepared', prepared: { capability, inputHash, spec, stepInput, unresolved: resolved.missing, action: input.action } };
}

/** Runs a prepared render's workflow, checks its outputs and renders the placement selector. No side effects. */
export async function executeRender(prepared: PreparedRender, options: StepOptions & { attempt?: number; now?: () => string }): Promise<RenderedRequest> {
  const { capability, stepInput } = prepared;
  const steps = prepared.action === 'configure' ? capability.spec.workflows.configure : (capability.spec.workflows.delete ?? []);
  const outcome = await runWorkflow(steps, stepInput, options);
  if (!outcome.failure && prepared.action === 'configure' && capability.spec.outputs) {
    const outputErrors = validateAgainst(capability.spec.outputs, structuredClone(outcome.outputs), { at: '/outputs' });
    if (outputErrors.length) {
      outcome.failure = { reason: 'InvalidOutput', message: `the outputs do not match the capability's outputs schema: ${outputErrors.map(e => e.detail).join('; ')}` };
      outcome.files = new Map();
    }
  }
  const selector: Record<string, string> = {};
  const context = templateContext({ ...stepInput, context: { ...stepInput.context, steps: {} } });
  const entries = Object.entries(capability.spec.placement?.selector ?? {});
  try {
    const rendered = await options.expressions.renderFiles(
      entries.map(([, value]) => value),
      context,
    );
    entries.forEach(([key], i) => {
      const result = rendered[i]!;
      if (result.ok) selector[key] = result.value.trim();
      else if (!outcome.failure) outcome.failure = { reason: 'InvalidOutput', message: `placement selector ${key}: ${result.error.message}` };
    });
  } catch (error) {
    if (!outcome.failure) outcome.failure = { reason: 'InvalidOutput', message: `placement selector: ${(error as Error).message}` };
  }
  return { outcome, selector };
}

/** A field's name in messages (`fieldLabel`: its schema `title`, else its property name capitalised), else its pointer. */
function fieldName(schema: object, path: readonly string[], pointer: string): string {
  let at: unknown = schema;
  for (const segment of path) {
    if (!isObject(at)) break;
    at = /^\d+$/.test(segment) && isObject(at.items) ? at.items : isObject(at.properties) ? at.properties[segment] : undefined;
  }
  const key = path.at(-1);
  if (key && !/^\d+$/.test(key)) return fieldLabel(key, at);
  return isObject(at) && typeof at.title === 'string' && at.title.trim() ? at.title : pointer || '(value)';
}

/** Limits, lengths and patterns in words, as the portal's form says them before sending ("must look like 10Gi"). */
function wantedWords(error: Parameters<NonNullable<SchemaErrorOptions['words']>>[0]): string | undefined {
  const params = error.params as { limit?: unknown; pattern?: unknown };
  return ruleWords(error.keyword, params.pattern ?? params.limit, error.parentSchema);
}
