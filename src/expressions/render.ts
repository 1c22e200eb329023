/**
 * The rendering entry points used by the task runner (step inputs, `if:`, outputs) and by
 * `fetch:template` and platform `template` steps (file content and paths).
 */
import type { TemplateOptions } from './options.js';
import { RenderSession } from './render-session.js';

/**
 * Renders one string with Backstage semantics: when the whole string is exactly one
 * `${{ expr }}` the result keeps its type (array, object, number, boolean; undefined
 * when the value is undefined); otherwise the result is the rendered text. Statement
 * tags (`{% if %}`, `{% for %}`, `{% set %}`) work here too, as in Backstage.
 *
 * @example
 * renderString('${{ parameters.tags }}', { parameters: { tags: ['a'] } });      // ['a']
 * renderString('repo: ${{ parameters.name }}', { parameters: { name: 'api' } }); // 'repo: api'
 */
export function renderString(source: string, context: Readonly<Record<string, unknown>>, options?: TemplateOptions): unknown {
  return new RenderSession(context, options).renderTyped(source);
}

/**
 * Deep-renders every string inside objects and arrays with `renderString`'s rules
 * (for step inputs). Other values are returned unchanged; keys are not rendered.
 * One budget covers the whole value.
 *
 * @example
 * renderValue({ url: './skeleton', values: { name: '${{ parameters.name }}' } }, { parameters: { name: 'api' } });
 * // { url: './skeleton', values: { name: 'api' } }
 */
export function renderValue(value: unknown, context: Readonly<Record<string, unknown>>, options?: TemplateOptions): unknown {
  return new RenderSession(context, options).renderValue(value);
}

/**
 * Renders file content (or a file path) to text, with statement tags, comments, raw
 * blocks and whitespace control. `options.cookiecutterCompat` also enables `{{ … }}`.
 *
 * @example
 * renderFile('name: ${{ values.name }}\n{%- if values.owner %}\nowner: ${{ values.owner }}{% endif %}\n',
 *   { values: { name: 'api', owner: 'team-a' } });
 * // 'name: api\nowner: team-a\n'
 */
export function renderFile(content: string, context: Readonly<Record<string, unknown>>, options?: TemplateOptions): string {
  return new RenderSession(context, options).renderText(content);
}

/**
 * Decides whether a step runs (its `if:`). Booleans are used as they are; a string is
 * rendered with `renderString` and is false when the result is false, undefined, null,
 * 0, NaN, '', an empty list, or the text 'false' (any case, surrounding spaces ignored).
 * An absent condition (undefined or null) is true.
 *
 * @example
 * evaluateCondition('${{ not parameters.dryRun }}', { parameters: { dryRun: true } }); // false
 * evaluateCondition('false', {});                                                     // false
 */
export function evaluateCondition(value: unknown, context: Readonly<Record<string, unknown>>, options?: TemplateOptions): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'boolean') return value;
  const result = typeof value === 'string' ? new RenderSession(context, options).renderTyped(value) : value;
  return conditionTruthy(result);
}

/**
 * Truthiness of a rendered condition (Backstage's, plus the text 'false').
 *
 * @example
 * conditionTruthy([]);       // false
 * conditionTruthy(' False '); // false
 * conditionTruthy('no');     // true
 */
export function conditionTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'string') return value.trim() !== '' && value.trim().toLowerCase() !== 'false';
  return !!value;
}
