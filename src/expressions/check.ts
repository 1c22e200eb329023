/**
 * Checking a template without rendering it, when a template is registered: every syntax
 * error, unsupported tag, unknown filter or test, refused call, unsafe regex and
 * unbalanced delimiter is reported with its line and column.
 */
import type { FieldError } from '../core/problem.js';
import { compileTemplate } from './compile.js';
import { createFilterRegistry } from './filter-registry.js';
import { resolveLimits } from './limits.js';
import type { CheckOptions } from './options.js';
import { issuesToFieldErrors } from './template-error.js';

/**
 * Parses a template and returns all problems as field errors (empty when it is fine).
 * Each detail starts with `line L, column C:`; `options.pointer` locates the string.
 *
 * @example
 * checkTemplate('${{ name | nope }}');
 * // [{ pointer: '', detail: 'line 1, column 12: unknown filter "nope"', rule: 'unknown-filter' }]
 * checkTemplate('{% include "x" %}', { pointer: '/spec/steps/0/input/path' });
 * // [{ pointer: '/spec/steps/0/input/path', detail: 'line 1, column 4: tag "include" is not supported: …', rule: 'unsupported-tag' }]
 */
export function checkTemplate(source: string, options: CheckOptions = {}): FieldError[] {
  const { issues } = compileTemplate(source, {
    cookiecutterCompat: options.cookiecutterCompat ?? false,
    limits: resolveLimits(options.limits),
    filters: createFilterRegistry(options.filters),
  });
  return issuesToFieldErrors(issues, options.pointer ?? '');
}
