/**
 * Validation of an entity's `spec` against its kind's JSON Schema: every mistake at once, with pointers
 * under `/spec` (`core/json-schema.ts`, strict, no defaults filled in). Pure: no I/O.
 */
import type { SchemaObject } from 'ajv';
import { jsonSchemaValidator } from '../../core/json-schema.js';
import type { FieldError } from '../../core/problem.js';

/** A draft-07 JSON Schema for a kind's `spec`. */
export type SpecSchema = SchemaObject;

/**
 * Validates `spec` against `schema` and returns every mistake, located under `/spec`.
 * The schema is compiled once and cached.
 * @example validateSpec({ type: 'object', required: ['owner'] }, {}) // [{ pointer: '/spec/owner', detail: 'is required', rule: 'required' }]
 */
export function validateSpec(schema: SpecSchema, spec: unknown): FieldError[] {
  return jsonSchemaValidator().validate(schema, spec, { at: '/spec' });
}
