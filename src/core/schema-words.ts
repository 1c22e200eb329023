/**
 * How a field and a broken schema rule are said in words. The server's platform problems and the portal's form
 * checks both use it, so a mistake reads the same before and after it is sent. Plain functions with no Node
 * imports: the portal bundles this file.
 */
import { isObject } from './is-object.js';

/**
 * A field's name in messages: its schema `title`, else its property name capitalised.
 * @example fieldLabel('instances', { type: 'integer' }) // 'Instances'
 */
export function fieldLabel(key: string, field: unknown): string {
  if (isObject(field) && typeof field.title === 'string' && field.title.trim()) return field.title;
  return key.charAt(0).toUpperCase() + key.slice(1);
}

/**
 * What a limit, pattern or requirement wants, in words; undefined for rules worded elsewhere. `limit` is the
 * rule's value (5 for `maximum: 5`), `field` the schema of the field (a pattern's example is its first `examples`
 * entry, else its `default`).
 * @example ruleWords('pattern', '^[0-9]+Gi$', { examples: ['10Gi'] }) // 'must look like 10Gi'
 */
export function ruleWords(keyword: string, limit: unknown, field: unknown): string | undefined {
  switch (keyword) {
    case 'required':
      return 'is required';
    case 'maximum':
      return `must be at most ${String(limit)}`;
    case 'minimum':
      return `must be at least ${String(limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(limit)}`;
    case 'exclusiveMinimum':
      return `must be more than ${String(limit)}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${String(limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(limit)} characters`;
    case 'minItems':
      return `must have at least ${String(limit)} ${limit === 1 ? 'item' : 'items'}`;
    case 'maxItems':
      return `must have at most ${String(limit)} ${limit === 1 ? 'item' : 'items'}`;
    case 'pattern': {
      const schema = isObject(field) ? field : {};
      const example = Array.isArray(schema.examples) ? schema.examples[0] : schema.default;
      return typeof example === 'string' ? `must look like ${example}` : `must match pattern "${String(limit)}"`;
    }
    default:
      return undefined;
  }
}
