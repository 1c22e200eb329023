/**
 * JSON Schema checks for capabilities (is the schema itself valid?) and requests (does a spec satisfy
 * it?), with ajv, translated into field errors with JSON pointers. Pure: no I/O.
 */
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { pointerSegment, type FieldError } from '../../core/problem.js';
import type { JsonSchema } from './types.js';

const require = createRequire(import.meta.url);
const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;

/** Validates documents: every error at once, defaults filled in (on copies the caller passes). */
const validator = addFormats(new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, useDefaults: true }));
const compiled = new Map<string, ValidateFunction>();

/**
 * Checks that a value is a usable JSON Schema (draft-07): the meta-schema's errors, each located under
 * `pointer`, and, when those pass, ajv's strict-mode compile error (unknown keywords, bad formats, …).
 * @example checkSchema({ type: 'objekt' }, '/spec/api/schema') // [{ pointer: '/spec/api/schema/type', … }]
 */
export function checkSchema(schema: unknown, pointer: string): FieldError[] {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return [{ pointer, detail: 'must be a JSON Schema object', rule: 'type' }];
  }
  const metaValid = validator.validateSchema(schema);
  if (!metaValid) {
    return (validator.errors ?? []).map(error => ({
      pointer: pointer + error.instancePath,
      detail: `is not a valid JSON Schema: ${error.instancePath || 'the schema'} ${error.message ?? 'is invalid'}`,
      rule: 'json-schema',
    }));
  }
  try {
    compile(schema as JsonSchema);
    return [];
  } catch (error) {
    return [{ pointer, detail: `is not a valid JSON Schema: ${(error as Error).message}`, rule: 'json-schema' }];
  }
}

function compile(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = validator.compile(schema);
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * Validates a value against a schema and returns every mistake, located under `pointer`. The value is
 * changed in place: defaults are filled in. `tolerate` may excuse an error (used for reference strings).
 */
export function validateAgainst(
  schema: JsonSchema,
  value: unknown,
  pointer: string,
  tolerate?: (error: { instancePath: string; keyword: string }) => boolean,
): FieldError[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of validate.errors ?? []) {
    if (tolerate?.(error)) continue;
    const fieldError = translate(error, pointer);
    const key = `${fieldError.pointer}\u0000${fieldError.detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fieldError);
  }
  return out;
}

function translate(error: ErrorObject, base: string): FieldError {
  const at = base + error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const pointer = at + '/' + pointerSegment(String(params.missingProperty));
      return { pointer, detail: `${pointer} is required`, rule: 'required' };
    }
    case 'additionalProperties': {
      const pointer = at + '/' + pointerSegment(String(params.additionalProperty));
      return { pointer, detail: `${pointer} is not allowed (no such field)`, rule: 'additionalProperties' };
    }
    case 'enum':
      return {
        pointer: at,
        detail: `${at} must be one of ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`,
        rule: 'enum',
      };
    default:
      return { pointer: at, detail: `${at || '(value)'} ${error.message ?? `must satisfy ${error.keyword}`}`, rule: error.keyword };
  }
}
