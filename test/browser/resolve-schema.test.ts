/**
 * The portal's schema form decides which fields a template's form shows from its values, as
 * react-jsonschema-form does, with no compiled validator: `resolveSchema` (allOf, if/then/else, property and
 * schema dependencies with oneOf, an object's oneOf) over `matchesSchema`, and `followBranches` (defaults of
 * fields that appear, values of fields that go).
 */
import { describe, expect, it } from 'vitest';
import { resolveSchema } from '../../web/src/components/schema-form/resolve-schema.js';
import { matchesSchema } from '../../web/src/components/schema-form/schema-match.js';
import { checkPage, followBranches, schemaAt, type JsonSchema } from '../../web/src/components/schema-form/schema.js';

const page: JsonSchema = {
  properties: { kind: { type: 'string', enum: ['service', 'library'] }, environment: { type: 'string' }, owner: { type: 'string' } },
  dependencies: {
    owner: ['kind'],
    kind: {
      oneOf: [
        { properties: { kind: { const: 'service' }, port: { type: 'integer', default: 8080 } }, required: ['port'] },
        { properties: { kind: { const: 'library' }, language: { type: 'string' } }, required: ['language'] },
      ],
    },
  },
  allOf: [{ if: { properties: { environment: { const: 'prod' } }, required: ['environment'] }, then: { properties: { replicas: { type: 'integer', minimum: 2 } }, required: ['replicas'] }, else: { properties: { debug: { type: 'boolean' } } } }],
};
const names = (values: Record<string, unknown>) => Object.keys(resolveSchema(page, values).properties ?? {});

describe('the form follows its values', () => {
  it('matches the schema language conditions are written in', () => {
    expect(matchesSchema({ properties: { a: { const: 1 } }, required: ['a'] }, { a: 1 })).toBe(true);
    expect(matchesSchema({ properties: { a: { const: 1 } }, required: ['a'] }, {})).toBe(false);
    expect(matchesSchema({ type: 'integer', minimum: 2 }, 1)).toBe(false);
    expect(matchesSchema({ not: { enum: ['x'] } }, 'y')).toBe(true);
    expect(matchesSchema({ oneOf: [{ type: 'string' }, { minLength: 1 }] }, 'ab')).toBe(false);
    expect(matchesSchema({ items: { pattern: '^[a-z]+$' }, minItems: 1 }, ['ok', 'NO'])).toBe(false);
    expect(matchesSchema({ if: { const: 'a' }, then: { minLength: 2 }, else: {} }, 'a')).toBe(false);
  });

  it('shows the dependency branch and the if/then/else branch the values choose', () => {
    expect(names({})).toEqual(['kind', 'environment', 'owner', 'debug']);
    expect(names({ kind: 'service' })).toEqual(['kind', 'environment', 'owner', 'debug', 'port']);
    expect(names({ kind: 'library', environment: 'prod' })).toEqual(['kind', 'environment', 'owner', 'replicas', 'language']);
    expect(resolveSchema(page, { kind: 'library', environment: 'prod', owner: 'x' }).required).toEqual(['replicas', 'kind', 'language']);
    // A property already there keeps its own schema (the branch's const does not replace the enum).
    expect(resolveSchema(page, { kind: 'service' }).properties!.kind).toEqual({ type: 'string', enum: ['service', 'library'] });
  });

  it('checks the fields shown, and finds a field whatever branch shows it', () => {
    expect(Object.keys(checkPage(page, { kind: 'library', environment: 'prod', replicas: 1 }))).toEqual(['/replicas', '/language']);
    expect(schemaAt(page, '/language')).toEqual({ type: 'string' });
    expect(schemaAt({ properties: { list: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' } } } } } }, '/list/3/path')).toEqual({ type: 'string' });
  });

  it('gives a field that appears its default and takes a field that goes away', () => {
    expect(followBranches(page, {}, { kind: 'service' })).toEqual({ kind: 'service', port: 8080 });
    expect(followBranches(page, { kind: 'service', port: 8080 }, { kind: 'library', port: 8080 })).toEqual({ kind: 'library' });
  });
});
