/**
 * Validation of an entity's `spec` against its kind's JSON Schema, with ajv (all errors at once),
 * translated into field errors whose pointers start at `/spec`. Pure: no I/O.
 */
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import { joinPointer, pointerSegment, type FieldError } from '../../core/problem.js';

/** A draft-07 JSON Schema for a kind's `spec`. */
export type SpecSchema = SchemaObject;

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true, verbose: true });
const compiled = new WeakMap<SpecSchema, ValidateFunction>();

function compile(schema: SpecSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Validates `spec` against `schema` and returns every mistake, located under `/spec`.
 * The schema is compiled once and cached.
 * @example validateSpec({ type: 'object', required: ['owner'] }, {}) // [{ pointer: '/spec/owner', detail: 'is required', rule: 'required' }]
 */
export function validateSpec(schema: SpecSchema, spec: unknown): FieldError[] {
  const validate = compile(schema);
  if (validate(spec)) return [];
  return translateErrors(validate.errors ?? []);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'a boolean',
  number: 'a number',
  integer: 'an integer',
  null: 'null',
};

/** The JSON type of a value, as used in error messages: `null`, `array`, `object`, `string`, … */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function typeList(types: unknown): string {
  const list = (Array.isArray(types) ? types : String(types).split(',')).map(t => TYPE_NAMES[String(t)] ?? String(t));
  return list.join(' or ');
}

function translate(error: ErrorObject): FieldError {
  const base = joinPointer('spec') + error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { pointer: base + '/' + pointerSegment(String(params.missingProperty)), detail: 'is required', rule: 'required' };
    case 'type':
      return { pointer: base, detail: `must be ${typeList(params.type)} (found ${jsonTypeOf(error.data)})`, rule: 'type' };
    case 'minLength':
      return params.limit === 1
        ? { pointer: base, detail: 'must not be empty', rule: 'non-empty' }
        : { pointer: base, detail: `must be at least ${String(params.limit)} characters`, rule: 'min-length' };
    case 'minItems':
      return { pointer: base, detail: `must have at least ${String(params.limit)} items`, rule: 'min-items' };
    case 'enum':
      return {
        pointer: base,
        detail: `must be one of ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`,
        rule: 'enum',
      };
    case 'const':
      return { pointer: base, detail: `must be ${JSON.stringify(params.allowedValue)}`, rule: 'const' };
    default:
      return { pointer: base, detail: error.message ?? `must satisfy ${error.keyword}`, rule: error.keyword };
  }
}

/** Turns ajv errors into field errors, dropping exact duplicates. */
function translateErrors(errors: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    const fieldError = translate(error);
    const key = `${fieldError.pointer}\u0000${fieldError.detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fieldError);
  }
  return out;
}
