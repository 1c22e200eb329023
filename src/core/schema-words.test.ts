import { describe, expect, it } from 'vitest';
import { fieldLabel, ruleWords } from './schema-words.js';

describe('schema words', () => {
  it('names a field by its title, else by its property name capitalised', () => {
    expect(fieldLabel('storage', { type: 'string', title: 'Volume size' })).toBe('Volume size');
    expect(fieldLabel('instances', { type: 'integer', title: '  ' })).toBe('Instances');
    expect(fieldLabel('databaseHost', undefined)).toBe('DatabaseHost');
  });

  it('says what each limit, length, pattern and requirement wants', () => {
    expect(ruleWords('required', undefined, {})).toBe('is required');
    expect(ruleWords('maximum', 5, {})).toBe('must be at most 5');
    expect(ruleWords('minimum', 1, {})).toBe('must be at least 1');
    expect(ruleWords('exclusiveMaximum', 10, {})).toBe('must be less than 10');
    expect(ruleWords('exclusiveMinimum', 0, {})).toBe('must be more than 0');
    expect(ruleWords('minLength', 1, {})).toBe('must not be empty');
    expect(ruleWords('minLength', 3, {})).toBe('must be at least 3 characters');
    expect(ruleWords('maxLength', 63, {})).toBe('must be at most 63 characters');
    expect(ruleWords('enum', ['a'], {})).toBeUndefined();
  });

  it('shows a pattern by its first example, else its default, else the pattern itself', () => {
    const pattern = '^[0-9]+(Mi|Gi)$';
    expect(ruleWords('pattern', pattern, { pattern, examples: ['10Gi', '512Mi'], default: '1Gi' })).toBe('must look like 10Gi');
    expect(ruleWords('pattern', pattern, { pattern, default: '1Gi' })).toBe('must look like 1Gi');
    expect(ruleWords('pattern', pattern, { pattern })).toBe(`must match pattern "${pattern}"`);
  });
});
