/**
 * A template's parameters: one JSON Schema or a list of pages (each a JSON Schema with `ui:*` hints for
 * the form). Values are validated against every page (`core/json-schema.ts`, not strict: Backstage forms
 * carry keywords of their own), `ui:*` and `backstage:*` keys set aside, defaults filled in, and each
 * mistake reported as a field error naming the field (by its title) and the rule.
 */
import type { ValidateFunction } from 'ajv';
import { jsonSchemaValidator, schemaErrors, type SchemaField } from '../../core/json-schema.js';
import { joinPointer, type FieldError } from '../../core/problem.js';
import { secretPatterns, withSecrets, withoutSecrets } from './secret-fields.js';

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

const forms = () => jsonSchemaValidator({ strict: false, useDefaults: true });

/**
 * A page's own condition: an `if:` expression (`${{ parameters.kind === 'api' }}`) says whether the page is
 * asked at all, and only asked pages are validated. A JSON Schema `if` (a schema: an object or a boolean) keeps
 * its meaning; text can only be a condition.
 * @example pageCondition({ title: 'API', if: '${{ parameters.registerApi }}' }) // '${{ parameters.registerApi }}'
 */
export function pageCondition(page: ParameterPage): string | undefined {
  return typeof page.if === 'string' ? page.if : undefined;
}

function compile(schema: unknown): ValidateFunction {
  const stripped = stripFormHints(schema) as Record<string, unknown>;
  // Pages are validated against the whole set of values; `$id`s would clash between templates.
  delete stripped.$id;
  if (typeof stripped.if === 'string') delete stripped.if;
  return forms().compile({ type: 'object', ...stripped });
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
      problems.push({ pointer, detail: `is not a valid JSON Schema: ${(error as Error).message}`, rule: 'json-schema' });
    }
  });
  return problems;
}

/**
 * Validates form values against every page. Returns the values with defaults filled in, and every
 * mistake with a pointer under `pointerBase` (e.g. `/values/owner`) and a detail naming the field.
 * @example validateParameters(pages, { name: 42 }) // { values, errors: [{ pointer: '/values/name', detail: 'Name (name) must be a string (found number)', rule: 'type' }] }
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
    const found = schemaErrors(validate.errors ?? [], { at: pointerBase, name: field => fieldName(field, page), unknownProperty: 'is not a parameter of this template' });
    for (const error of found) {
      // The same mistake can break a rule on two pages.
      const key = `${error.pointer}\u0000${error.detail}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push(error);
    }
  }
  return { values: copy, errors };
}

/** A field as the form shows it: `Port (port)` when its page gives it a title, else its path. */
function fieldName({ path }: SchemaField, page: ParameterPage): string {
  const top = path[0];
  const properties = isRecord(page.properties) ? page.properties : {};
  const declared = top !== undefined && isRecord(properties[top]) ? properties[top] : undefined;
  const title = declared && typeof declared.title === 'string' ? declared.title : undefined;
  return path.length ? (title ? `${title} (${path.join('.')})` : path.join('.')) : 'the values';
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

/**
 * Validates form values and secrets together: each Secret field, at any depth (`secret-fields.ts`), is checked
 * with its value from `secrets` (what Backstage's form leaves in its place among the values, a row of
 * asterisks, is dropped), and the values returned hold no Secret field, so none is stored with the task's
 * parameters; nor are the values of Secret fields on the template's pages not asked (`allPages`).
 * @example validateForm(pages, { name: 'orders', token: '****' }, { token: 's3cret' }) // { values: { name: 'orders' }, errors: [] }
 */
export function validateForm(
  pages: readonly ParameterPage[],
  values: unknown,
  secrets: Readonly<Record<string, unknown>>,
  allPages: readonly ParameterPage[] = pages,
): { values: Record<string, unknown>; errors: FieldError[] } {
  const everywhere = secretPatterns(allPages);
  if (!everywhere.length || !isRecord(values)) return validateParameters(pages, values);
  const result = validateParameters(pages, withSecrets(values, secrets, secretPatterns(pages)));
  return { values: withoutSecrets(result.values, everywhere), errors: result.errors };
}

/** Validates `secrets` against the template's `spec.secrets.schema`, when it has one. */
export function validateSecrets(schema: Record<string, unknown> | undefined, secrets: Record<string, unknown>): FieldError[] {
  if (!schema) return [];
  return validateParameters([schema], secrets, '/secrets').errors;
}
