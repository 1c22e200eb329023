/**
 * The v1beta3 template model: what a Template entity says, read into typed parts, with every problem
 * that would stop it from running found up front (no I/O here). Reading never throws: it returns the
 * template *and* its problems, each a field error with a JSON pointer into the entity.
 */
import type { Entity } from '../../core/entity.js';
import { DEFAULT_NAMESPACE } from '../../core/entity.js';
import { parseEntityRef, stringifyEntityRef } from '../../core/entity-ref.js';
import { joinPointer, type FieldError } from '../../core/problem.js';
import { checkTemplate } from '../../expressions/index.js';
import { checkParameterPages, pageCondition, parameterPages, type ParameterPage } from './parameters.js';

export const TEMPLATE_API_VERSION = 'scaffolder.backstage.io/v1beta3';

/** A template's ref in its canonical form (kind `template` unless it says another). */
export function canonicalTemplateRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'template' }));
}

export interface TemplateStep {
  /** The id written in the template, or `step-<n>` (one-based) when it has none. */
  id: string;
  name: string;
  action: string;
  input: Record<string, unknown>;
  if?: string | boolean;
  /** A list (or an expression giving a list or an object) to run the action once per item. */
  each?: unknown;
}

export interface OutputLink {
  title?: string;
  icon?: string;
  url?: string;
  entityRef?: string;
  if?: string | boolean;
}

export interface OutputText {
  title?: string;
  icon?: string;
  content?: string;
  default?: boolean;
  if?: string | boolean;
}

export interface TemplateOutput {
  links?: OutputLink[];
  text?: OutputText[];
  [key: string]: unknown;
}

/** A template ready to run (when it has no problems). */
export interface TemplateDefinition {
  ref: string;
  entity: Entity;
  name: string;
  namespace: string;
  title: string;
  description?: string;
  tags: string[];
  type?: string;
  owner?: string;
  parameters: ParameterPage[];
  steps: TemplateStep[];
  output: TemplateOutput;
  presentation?: Record<string, unknown>;
  /** JSON Schema of `secrets`, when the template declares one. */
  secretsSchema?: Record<string, unknown>;
}

export interface TemplateReading {
  template?: TemplateDefinition;
  problems: FieldError[];
}

export interface ReadTemplateOptions {
  /** Whether Pave has an action; steps naming others are listed as `unsupported action X`. */
  hasAction: (id: string) => boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads a Template entity (or any parsed YAML document). Problems: a wrong apiVersion or kind, steps
 * without an action, repeated step ids, actions Pave lacks, and every expression the sandboxed engine
 * cannot run (syntax, unsupported tags, unknown filters), each located by pointer.
 * @example
 *   const { template, problems } = readTemplate(entity, { hasAction: id => registry.has(id) });
 *   // problems: [{ pointer: '/spec/steps/1/action', detail: 'unsupported action publish:github', rule: 'unsupported-action' }]
 */
export function readTemplate(raw: unknown, options: ReadTemplateOptions): TemplateReading {
  const problems: FieldError[] = [];
  const add = (pointer: string, detail: string, rule: string) => problems.push({ pointer, detail, rule });
  if (!isRecord(raw)) return { problems: [{ pointer: '', detail: 'must be a Template entity (a mapping)', rule: 'type' }] };
  if (raw.kind !== 'Template') add('/kind', `must be Template (is ${JSON.stringify(raw.kind)})`, 'kind');
  if (raw.apiVersion !== TEMPLATE_API_VERSION) {
    add('/apiVersion', `${JSON.stringify(raw.apiVersion)} is not supported: Pave runs ${TEMPLATE_API_VERSION} templates (migrate older ones as Backstage describes)`, 'api-version');
  }
  const metadata = isRecord(raw.metadata) ? raw.metadata : {};
  const name = typeof metadata.name === 'string' && metadata.name ? metadata.name : '';
  if (!name) add('/metadata/name', 'is required', 'required');
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : DEFAULT_NAMESPACE;
  const spec = isRecord(raw.spec) ? raw.spec : undefined;
  if (!spec) add('/spec', 'is required', 'required');

  const pages = parameterPages(spec?.parameters);
  if (spec?.parameters !== undefined && !isRecord(spec.parameters) && !Array.isArray(spec.parameters)) {
    add('/spec/parameters', 'must be a JSON Schema object or a list of them (form pages)', 'type');
  }
  problems.push(...checkParameterPages(spec?.parameters));
  pages.forEach((page, i) => checkExpressions(pageCondition(page), Array.isArray(spec?.parameters) ? `/spec/parameters/${i}/if` : '/spec/parameters/if', problems));

  const steps: TemplateStep[] = [];
  const rawSteps = spec?.steps;
  if (spec && !Array.isArray(rawSteps)) add('/spec/steps', 'must be a list of steps', 'type');
  const seenIds = new Map<string, number>();
  (Array.isArray(rawSteps) ? rawSteps : []).forEach((rawStep: unknown, index) => {
    const pointer = joinPointer('spec', 'steps', index);
    if (!isRecord(rawStep)) return add(pointer, 'must be a mapping with an action', 'type');
    const id = typeof rawStep.id === 'string' && rawStep.id.trim() ? rawStep.id : `step-${index + 1}`;
    if (rawStep.id !== undefined && (typeof rawStep.id !== 'string' || !rawStep.id.trim())) add(pointer + '/id', 'must be non-empty text', 'type');
    const earlier = seenIds.get(id);
    if (earlier !== undefined) add(pointer + '/id', `repeats the id "${id}" of step ${earlier + 1}; later steps could not read its output`, 'duplicate');
    seenIds.set(id, index);
    const action = typeof rawStep.action === 'string' ? rawStep.action.trim() : '';
    if (!action) add(pointer + '/action', 'is required (the action to run, e.g. fetch:template)', 'required');
    else if (!options.hasAction(action)) add(pointer + '/action', `unsupported action ${action}`, 'unsupported-action');
    if (rawStep.input !== undefined && !isRecord(rawStep.input)) add(pointer + '/input', 'must be a mapping', 'type');
    if (rawStep.if !== undefined && typeof rawStep.if !== 'string' && typeof rawStep.if !== 'boolean') add(pointer + '/if', 'must be text or true/false', 'type');
    for (const key of ['input', 'if', 'each', 'name'] as const) checkExpressions(rawStep[key], `${pointer}/${key}`, problems);
    steps.push({
      id,
      name: typeof rawStep.name === 'string' && rawStep.name ? rawStep.name : id,
      action,
      input: isRecord(rawStep.input) ? rawStep.input : {},
      ...(typeof rawStep.if === 'string' || typeof rawStep.if === 'boolean' ? { if: rawStep.if } : {}),
      ...(rawStep.each !== undefined ? { each: rawStep.each } : {}),
    });
  });

  let output: TemplateOutput = {};
  if (spec?.output !== undefined) {
    if (!isRecord(spec.output)) add('/spec/output', 'must be a mapping (links, text, and named values)', 'type');
    else {
      output = spec.output as TemplateOutput;
      checkExpressions(spec.output, '/spec/output', problems);
    }
  }
  const secretsSchema = isRecord(spec?.secrets) && isRecord(spec.secrets.schema) ? spec.secrets.schema : undefined;
  if (!name || !spec) return { problems };
  const entity = raw as unknown as Entity;
  const title = typeof metadata.title === 'string' && metadata.title ? metadata.title : name;
  return {
    template: {
      ref: stringifyEntityRef({ kind: 'Template', namespace, name }),
      entity,
      name,
      namespace,
      title,
      ...(typeof metadata.description === 'string' ? { description: metadata.description } : {}),
      tags: Array.isArray(metadata.tags) ? metadata.tags.filter((t): t is string => typeof t === 'string') : [],
      ...(typeof spec.type === 'string' ? { type: spec.type } : {}),
      ...(typeof spec.owner === 'string' ? { owner: spec.owner } : {}),
      parameters: pages,
      steps,
      output,
      ...(isRecord(spec.presentation) ? { presentation: spec.presentation } : {}),
      ...(secretsSchema ? { secretsSchema } : {}),
    },
    problems,
  };
}

/** Checks every string inside a value with the sandboxed engine's parser; problems are located by pointer. */
export function checkExpressions(value: unknown, pointer: string, problems: FieldError[], depth = 0): void {
  if (depth > 64) return;
  if (typeof value === 'string') {
    if (value.includes('{')) problems.push(...checkTemplate(value, { pointer }));
  } else if (Array.isArray(value)) value.forEach((item, i) => checkExpressions(item, `${pointer}/${i}`, problems, depth + 1));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) checkExpressions(item, pointer + joinPointer(key), problems, depth + 1);
}
