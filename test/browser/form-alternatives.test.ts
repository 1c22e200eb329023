/**
 * The portal's schema form, without a browser: which oneOf/anyOf alternative is shown (chosen, else matched,
 * else the one naming most of the values, else the first), what switching keeps, a field's alternatives of
 * types, the Secret fields a form shows and their keys (the server's: by path), how places move when an item of
 * a list is removed, and the checks before sending (a Secret's from the secrets, minItems and maxItems).
 */
import { describe, expect, it } from 'vitest';
import { alternativesOf, chosenAlternative, fieldSchema, switchedValue } from '../../web/src/components/schema-form/alternatives.js';
import { resolveSchema } from '../../web/src/components/schema-form/resolve-schema.js';
import { checkPage, withoutItem, type JsonSchema } from '../../web/src/components/schema-form/schema.js';
import { secretKeyOf, shownSecretKeys } from '../../web/src/components/schema-form/secrets.js';

const storage: JsonSchema = {
  type: 'object',
  oneOf: [
    { title: 'Bucket', required: ['bucket'], properties: { bucket: { type: 'string' }, region: { type: 'string', default: 'eu' } } },
    { title: 'Database', required: ['engine', 'password'], properties: { engine: { enum: ['pg'] }, password: { type: 'string', minLength: 8, 'ui:field': 'Secret' } } },
  ],
};
const page: JsonSchema = {
  properties: {
    storage,
    retention: { title: 'Retention', oneOf: [{ title: 'Days', type: 'integer' }, { title: 'Forever', type: 'string', enum: ['forever'] }] },
    regions: { type: 'array', uniqueItems: true, minItems: 1, maxItems: 2, items: { enum: ['eu', 'us', 'ap'] } },
    services: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, apiKey: { type: 'string', 'ui:field': 'Secret' } }, required: ['apiKey'] } },
  },
  required: ['storage'],
};
const alternatives = alternativesOf(storage)!;

describe('alternatives and secrets in the schema form', () => {
  it('offers alternatives of fields or of types, not consts or constraints alone', () => {
    expect(alternatives.map(a => a.title)).toEqual(['Bucket', 'Database']);
    expect(alternativesOf({ oneOf: [{ const: 'a' }, { const: 'b' }] })).toBeUndefined();
    expect(alternativesOf({ oneOf: [{ required: ['a'] }, { required: ['b'] }] })).toBeUndefined();
  });

  it('shows the chosen alternative, else the one the values match or name most, else the first', () => {
    expect(chosenAlternative(alternatives, { bucket: 'b' }, 1)).toBe(1);
    expect(chosenAlternative(alternatives, { bucket: 'b' })).toBe(0);
    expect(chosenAlternative(alternatives, { engine: 'pg' })).toBe(1);
    expect(chosenAlternative(alternatives, {})).toBe(0);
    expect(Object.keys(resolveSchema(storage, {}, 1).properties!)).toEqual(['engine', 'password']);
    expect(resolveSchema(storage, {}, 1).required).toEqual(['engine', 'password']);
  });

  it("switching drops the old alternative's fields; a field's alternatives of types keep a value only if it fits", () => {
    expect(switchedValue(alternatives, { bucket: 'b', region: 'eu', other: 1 }, 0, 1)).toEqual({ other: 1 });
    const retention = page.properties!.retention!;
    const [days, forever] = alternativesOf(retention)!;
    expect(fieldSchema(retention, 'forever')).toEqual({ title: 'Forever', type: 'string', enum: ['forever'] });
    expect(fieldSchema(retention, undefined, 0)).toEqual({ title: 'Days', type: 'integer' });
    expect(switchedValue([days!, forever!], 30, 0, 1)).toBeUndefined();
  });

  it('lists the Secret fields the values show, keyed by path, and moves places down when an item is removed', () => {
    const values = { storage: { engine: 'pg' }, services: [{ name: 'a' }, { name: 'b' }] };
    expect(shownSecretKeys(page, values, {})).toEqual(['storage.password', 'services.0.apiKey', 'services.1.apiKey']);
    expect(shownSecretKeys(page, values, { '/storage': 0 })).toEqual(['services.0.apiKey', 'services.1.apiKey']);
    expect(secretKeyOf('/a~1b/0/c')).toBe('a/b.0.c');
    expect(withoutItem({ 'services.0.apiKey': 'a', 'services.1.apiKey': 'b', 'services.10.apiKey': 'k', other: 'o' }, 'services', 0, '.')).toEqual({
      'services.0.apiKey': 'b',
      'services.9.apiKey': 'k',
      other: 'o',
    });
    expect(withoutItem({ '/services/1/storage': 1, '/services/0': 0 }, '/services', 0, '/')).toEqual({ '/services/0/storage': 1 });
  });

  it("checks a Secret from the secrets, an alternative's own rules, and a list's bounds before sending", () => {
    const values = { storage: { engine: 'pg' }, regions: ['eu', 'us', 'ap'], services: [{ name: 'a' }] };
    expect(checkPage(page, values, { choices: { '/storage': 1 }, secrets: { 'storage.password': 'short' } })).toEqual({
      '/storage/password': ['Password must be at least 8 characters'],
      '/regions': ['Regions must have at most 2 items'],
      '/services/0/apiKey': ['ApiKey is required'],
    });
    expect(checkPage(page, { ...values, regions: ['eu'] }, { choices: { '/storage': 1 }, secrets: { 'storage.password': 'long-enough', 'services.0.apiKey': 'k' } })).toEqual({});
  });
});
