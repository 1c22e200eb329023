/**
 * How the expression engine reports problems: syntax issues collected while parsing,
 * and `PaveError`s (422, invalid input) for syntax, evaluation and limit failures.
 * Every message names the line and column in the template source.
 */
import { invalidInput, PaveError, type FieldError } from '../core/problem.js';
import type { Limits } from './limits.js';

/** One-based position in a template source. */
export interface SourceLocation {
  line: number;
  column: number;
}

/** A syntax problem found by the lexer or parser. */
export interface SyntaxIssue {
  message: string;
  loc: SourceLocation;
  /** Short rule name: `syntax`, `unsupported-tag`, `unknown-filter`, `unbalanced`, `limit`. */
  rule: string;
}

/** Field-error rule used for evaluation failures. */
export const RUNTIME_RULE = 'template-runtime';

/**
 * Formats a location the way every engine message does.
 *
 * @example
 * formatLocation({ line: 2, column: 7 }); // 'line 2, column 7'
 */
export function formatLocation(loc: SourceLocation): string {
  return `line ${loc.line}, column ${loc.column}`;
}

/**
 * Turns syntax issues into field errors, located by `pointer`.
 *
 * @example
 * issuesToFieldErrors([{ message: 'unknown filter "x"', loc: { line: 1, column: 9 }, rule: 'unknown-filter' }]);
 * // [{ pointer: '', detail: 'line 1, column 9: unknown filter "x"', rule: 'unknown-filter' }]
 */
export function issuesToFieldErrors(issues: readonly SyntaxIssue[], pointer = ''): FieldError[] {
  return issues.map(issue => ({
    pointer,
    detail: `${formatLocation(issue.loc)}: ${issue.message}`,
    rule: issue.rule,
  }));
}

/**
 * The error thrown when a template does not parse: all issues, the first one in the detail.
 *
 * @example
 * throw syntaxError(issues, '/spec/steps/0/input/name');
 */
export function syntaxError(issues: readonly SyntaxIssue[], pointer = ''): PaveError {
  const errors = issuesToFieldErrors(issues, pointer);
  const first = errors[0]?.detail ?? 'invalid template';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return invalidInput(`Template syntax error at ${first}${more}`, errors);
}

/**
 * An evaluation failure at a place in the template.
 *
 * @example
 * throw runtimeError('cannot call split() on undefined', { line: 1, column: 4 });
 */
export function runtimeError(message: string, loc?: SourceLocation, rule: string = RUNTIME_RULE): PaveError {
  const detail = loc ? `${formatLocation(loc)}: ${message}` : message;
  return invalidInput(`Template error at ${detail}`, [{ pointer: '', detail, rule }]);
}

/**
 * A limit was exceeded; the field error's rule is `limits.<name>`, and its detail names the limit
 * too (callers that show only the detail, such as platform steps, still say which limit).
 *
 * @example
 * throw limitError('maxLoopIterations', 'more than 100000 loop iterations');
 * // detail: 'more than 100000 loop iterations (limit maxLoopIterations)'
 */
export function limitError(limit: keyof Limits, message: string, loc?: SourceLocation): PaveError {
  const detail = `${loc ? `${formatLocation(loc)}: ` : ''}${message} (limit ${limit})`;
  return invalidInput(`Template limit exceeded: ${detail}`, [{ pointer: '', detail, rule: `limits.${limit}` }]);
}

/**
 * Re-targets an engine error at the JSON pointer of the string that failed, for `renderValue`.
 * Errors that are not `PaveError`s are returned unchanged.
 *
 * @example
 * throw withPointer(error, '/input/values/name');
 */
export function withPointer(error: unknown, pointer: string): unknown {
  if (!(error instanceof PaveError) || pointer === '') return error;
  const errors = (error.problem.errors ?? []).map(e => (e.pointer === '' ? { ...e, pointer } : e));
  const problem = { ...error.problem, detail: `${pointer}: ${error.problem.detail ?? error.problem.title}`, errors };
  return new PaveError(problem);
}
