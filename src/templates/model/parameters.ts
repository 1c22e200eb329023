/**
 * A template's parameters: one JSON Schema or a list of pages (each a JSON Schema with `ui:*` hints for
 * the form). Values are validated with ajv against every page, `ui:*` and `backstage:*` keys set aside,
 * defaults filled in, and each mistake reported as a field error naming the field and the rule.
 */
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { joinPointer, pointerSegment, type FieldError } from '../../core/problem.js';

const require = createRequire(import.meta.url);
const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;

/** One page of the form: a JSON Schema object (with `title`, `properties`, `required`, `ui:*` hints…). */
export type ParameterPage = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The pages of `spec.parameters` (one object is one page). */
export function parameterPages(parameters: unknown): ParameterPage[] {
  if (Array.isArray(parameters)) return parameters.filter(isRecord);
  if (isRecord(parameters)) return [parameters];
  return [];
}

/** Schema keywords whose value is a schema, a list of schemas, or a map of schemas. */
const SCHEMA_VALUED = new Set(['items', 'additionalItems', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'items']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);

/**
 * A copy of a form schema that ajv can compile: `ui:*` and `backstage:*` hints removed wherever a schema
 * may stand (never from property names).
 * @example stripFormHints({ properties: { name: { type: 'string', 'ui:autofocus': true } } })
 *   // { properties: { name: { type: 'string' } } }
 */
export function stripFormHints(schema: unknown, depth = 0): unknown {
  if (depth > 64 || !isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('ui:') || key.startsWith('backstage:')) continue;
    if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, Array.isArray(sub) ? sub : stripFormHints(sub, depth + 1)]));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(sub => stripFormHints(sub, depth + 1));
    else if (SCHEMA_VALUED.has(key)) out[key] = stripFormHints(value, depth + 1);
    else out[key] = value;
  }
  return out;
}

const ajv = addFormats(
  new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, useDefaults: true, logger: false, validateFormats: true }),
);
const cache = new Map<string, ValidateFunction>();

function compile(schema: unknown): ValidateFunction {
  const stripped = stripFormHints(schema) as Record<string, unknown>;
  // Pages are validated against the whole set of values; `$id`s would clash between templates.
  delete stripped.$id;
  const key = JSON.stringify(stripped);
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile({ type: 'object', ...stripped });
    if (cache.size > 500) cache.clear();
    cache.set(key, validate);
  }
  return validate;
}

/** Problems with the parameter pages themselves (schemas ajv cannot compile), located under /spec/parameters. */
export function checkParameterPages(parameters: unknown): FieldError[] {
  const problems: FieldError[] = [];
  const list = Array.isArray(parameters) ? parameters : parameters === undefined ? [] : [parameters];
  list.forEach((page, i) => {
    const pointer = Array.isArray(parameters) ? joinPointer('spec', 'parameters', i) : '/spec/parameters';
    if (!isRecord(page)) return problems.push({ pointer, detail: 'must be a JSON Schema object (a form page)', rule: 'type' });
    try {
      compile(page);
    } catch (error) {
      problems.push({ pointer, detail: `is not a usable JSON Schema: ${(error as Error).message}`, rule: 'json-schema' });
    }
  });
  return problems;
}

/**
 * Validates form values against every page. Returns the values with defaults filled in, and every
 * mistake with a pointer under `pointerBase` (e.g. `/values/owner`) and a detail naming the field.
 * @example validateParameters(pages, { name: 42 }) // { values, errors: [{ pointer: '/values/name', detail: 'Name (name) must be string', rule: 'type' }] }
 */
export function validateParameters(pages: readonly ParameterPage[], values: unknown, pointerBase = '/values'): { values: Record<string, unknown>; errors: FieldError[] } {
  if (!isRecord(values)) return { values: {}, errors: [{ pointer: pointerBase, detail: 'must be a mapping of parameter names to values', rule: 'type' }] };
  const copy = structuredClone(values);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const page of pages) {
    let validate: ValidateFunction;
    try {
      validate = compile(page);
    } catch {
      continue; // reported as a template problem
    }
    if (validate(copy)) continue;
    for (const error of validate.errors ?? []) {
      const field = fieldError(error, page, pointerBase);
      const key = `${field.pointer} ${field.detail}`;
      if (!seen.has(key) && !isNoise(error)) {
        seen.add(key);
        errors.push(field);
      }
    }
  }
  return { values: copy, errors };
}

/** ajv adds a summary error for a failed `if` that only repeats the real one from `then`/`else`. */
function isNoise(error: ErrorObject): boolean {
  return error.keyword === 'if';
}

function fieldError(error: ErrorObject, page: ParameterPage, base: string): FieldError {
  const segments = error.instancePath.split('/').slice(1).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') segments.push(String((error.params as { missingProperty?: string }).missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String((error.params as { additionalProperty?: string }).additionalProperty));
  const pointer = base + segments.map(s => '/' + pointerSegment(s)).join('');
  const top = segments[0];
  const properties = isRecord(page.properties) ? page.properties : {};
  const declared = top !== undefined && isRecord(properties[top]) ? properties[top] : undefined;
  const title = declared && typeof declared.title === 'string' ? declared.title : undefined;
  const field = segments.length ? (title ? `${title} (${segments.join('.')})` : segments.join('.')) : 'the values';
  let detail: string;
  switch (error.keyword) {
    case 'required':
      detail = `${field} is required`;
      break;
    case 'additionalProperties':
      detail = `${field} is not a parameter of this template`;
      break;
    case 'enum':
      detail = `${field} must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(v => JSON.stringify(v)).join(', ')}`;
      break;
    default:
      detail = `${field} ${error.message ?? 'is invalid'}`;
  }
  return { pointer, detail, rule: error.keyword };
}

/** Backstage's parameter-schema answer: the form pages, each with its title and schema (hints kept). */
export interface ParameterSchema {
  title: string;
  description?: string;
  presentation?: Record<string, unknown>;
  steps: Array<{ title: string; description?: string; schema: Record<string, unknown> }>;
}

export function parameterSchemaOf(template: { title: string; description?: string; presentation?: Record<string, unknown>; parameters: readonly ParameterPage[] }): ParameterSchema {
  return {
    title: template.title,
    ...(template.description ? { description: template.description } : {}),
    ...(template.presentation ? { presentation: template.presentation } : {}),
    steps: template.parameters.map(page => ({
      title: typeof page.title === 'string' ? page.title : 'Please enter the following information',
      ...(typeof page.description === 'string' ? { description: page.description } : {}),
      schema: page,
    })),
  };
}

/** Validates `secrets` against the template's `spec.secrets.schema`, when it has one. */
export function validateSecrets(schema: Record<string, unknown> | undefined, secrets: Record<string, unknown>): FieldError[] {
  if (!schema) return [];
  return validateParameters([schema], secrets, '/secrets').errors;
}
