import { describe, expect, it } from 'vitest';
import { validateSpec } from './spec-schema.js';

const schema = {
  type: 'object',
  required: ['owner', 'a~b/c'],
  properties: {
    owner: { type: 'string', minLength: 1 },
    list: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 2 },
    presence: { type: 'string', enum: ['required', 'optional'] },
    kind: { const: 'x' },
    either: { type: ['string', 'boolean'] },
    long: { type: 'string', minLength: 3 },
    'a~b/c': {},
  },
};

describe('validateSpec', () => {
  it('returns nothing for a valid spec', () => {
    expect(validateSpec(schema, { owner: 'a', 'a~b/c': 1, list: ['x', 'y'], either: true })).toEqual([]);
  });

  it('reports every error at once, under /spec (the wording of each rule is core/json-schema.ts\'s)', () => {
    expect(validateSpec(schema, { owner: '', list: [5], either: 3 })).toEqual([
      { pointer: '/spec/a~0b~1c', detail: 'is required', rule: 'required' },
      { pointer: '/spec/owner', detail: 'must not be empty', rule: 'non-empty' },
      { pointer: '/spec/list', detail: 'must have at least 2 items', rule: 'min-items' },
      { pointer: '/spec/list/0', detail: 'must be a string (found number)', rule: 'type' },
      { pointer: '/spec/either', detail: 'must be a string or a boolean (found number)', rule: 'type' },
    ]);
  });

  it('reports a non-object spec at /spec', () => {
    expect(validateSpec(schema, [])).toEqual([{ pointer: '/spec', detail: 'must be an object (found array)', rule: 'type' }]);
  });
});
