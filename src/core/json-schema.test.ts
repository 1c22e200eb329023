import { describe, expect, it } from 'vitest';
import { jsonSchemaValidator, jsonTypeOf, JsonSchemaValidator, schemaErrors } from './json-schema.js';

const schema = {
  type: 'object',
  required: ['name', 'a~b/c'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1024, default: 8080 },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
    mode: { enum: ['a', 'b'] },
    kind: { const: 'x' },
    email: { type: 'string', format: 'email' },
    either: { type: ['string', 'boolean'] },
    long: { type: 'string', minLength: 3 },
    pick: { if: { const: 1 }, then: { const: 1 }, else: { type: 'string' } },
    'a~b/c': {},
  },
};

describe('jsonSchemaValidator', () => {
  it('shares one validator per set of options, which compiles each schema once', () => {
    const validator = jsonSchemaValidator();
    expect(jsonSchemaValidator()).toBe(validator);
    expect(jsonSchemaValidator({ useDefaults: true })).not.toBe(validator);
    expect(validator.compile(schema)).toBe(validator.compile(structuredClone(schema)));
  });

  it('reports every mistake at once, each rule in words, pointers escaped and under `at`', () => {
    const value = { name: '', port: '80', tags: [], mode: 'c', kind: 'y', email: 'nope', either: 3, long: 'ab', pick: 2, extra: true };
    expect(jsonSchemaValidator().validate(schema, value, { at: '/spec' })).toEqual([
      { pointer: '/spec/a~0b~1c', detail: 'is required', rule: 'required' },
      { pointer: '/spec/extra', detail: 'is not allowed (no such field)', rule: 'additionalProperties' },
      { pointer: '/spec/name', detail: 'must not be empty', rule: 'non-empty' },
      { pointer: '/spec/port', detail: 'must be an integer (found string)', rule: 'type' },
      { pointer: '/spec/tags', detail: 'must have at least 1 item', rule: 'min-items' },
      { pointer: '/spec/mode', detail: 'must be one of "a", "b"', rule: 'enum' },
      { pointer: '/spec/kind', detail: 'must be "x"', rule: 'const' },
      { pointer: '/spec/email', detail: 'must match format "email"', rule: 'format' },
      { pointer: '/spec/either', detail: 'must be a string or a boolean (found number)', rule: 'type' },
      { pointer: '/spec/long', detail: 'must be at least 3 characters', rule: 'min-length' },
      { pointer: '/spec/pick', detail: 'must be a string (found number)', rule: 'type' },
    ]);
  });

  it('fills in defaults only when asked to', () => {
    const value = { name: 'x', 'a~b/c': 1 };
    expect(jsonSchemaValidator().validate(schema, value)).toEqual([]);
    expect(value).not.toHaveProperty('port');
    expect(jsonSchemaValidator({ useDefaults: true }).validate(schema, value)).toEqual([]);
    expect(value).toMatchObject({ port: 8080 });
  });

  it("names fields the caller's way, words unknown properties its way, and skips what it excuses", () => {
    const validate = jsonSchemaValidator().compile(schema);
    validate({ port: 'x', extra: 1, 'a~b/c': 1 });
    const errors = schemaErrors(validate.errors ?? [], {
      at: '/values',
      name: field => `${field.path.join('.') || 'the values'} (${field.pointer})`,
      unknownProperty: 'is not a parameter of this template',
      skip: error => error.instancePath === '/port',
    });
    expect(errors).toEqual([
      { pointer: '/values/name', detail: 'name (/values/name) is required', rule: 'required' },
      { pointer: '/values/extra', detail: 'extra (/values/extra) is not a parameter of this template', rule: 'additionalProperties' },
    ]);
  });

  it('says what is wrong with a schema itself, strictly or not', () => {
    const strict = new JsonSchemaValidator();
    expect(strict.schemaProblems([], '/spec/api/schema')).toEqual([{ pointer: '/spec/api/schema', detail: 'must be a JSON Schema object', rule: 'type' }]);
    expect(strict.schemaProblems({ type: 'objekt' }, '/s')).toContainEqual({ pointer: '/s/type', rule: 'json-schema', detail: 'is not a valid JSON Schema: /type must be equal to one of the allowed values' });
    expect(strict.schemaProblems({ type: 'object', 'ui:field': 'x' }, '/s')).toEqual([{ pointer: '/s', rule: 'json-schema', detail: expect.stringMatching(/^is not a valid JSON Schema: strict mode: unknown keyword: "ui:field"/) }]);
    expect(new JsonSchemaValidator({ strict: false }).schemaProblems({ type: 'object', 'ui:field': 'x' }, '/s')).toEqual([]);
    expect(strict.schemaProblems(schema, '/s')).toEqual([]);
  });

  it('names JSON types', () => {
    expect([null, [], {}, 'x', 1, true].map(jsonTypeOf)).toEqual(['null', 'array', 'object', 'string', 'number', 'boolean']);
  });
});
