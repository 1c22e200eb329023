/**
 * The shape of filters: built-in ones declare their argument names (so keyword
 * arguments such as `truncate(length=10)` work); custom ones are plain TypeScript
 * functions that Pave registers (never templates).
 */
import type { Budget } from './budget.js';
import type { SourceLocation } from './template-error.js';

/** What a filter may use while it runs. */
export interface FilterContext {
  budget: Budget;
  loc: SourceLocation;
  /** True in cookiecutter (Jinja) mode. */
  pythonSemantics: boolean;
}

/**
 * A filter registered by Pave: receives the piped value and the positional arguments
 * (engine values: strings, numbers, booleans, null, undefined, arrays, plain objects).
 * Returning a function is an error.
 *
 * @example
 * const shout: CustomFilter = value => String(value).toUpperCase() + '!';
 * renderString('${{ name | shout }}', { name: 'hi' }, { filters: { shout } }); // 'HI!'
 */
export type CustomFilter = (value: unknown, ...args: unknown[]) => unknown;

/** A built-in filter. */
export interface FilterDefinition {
  /** Names of the arguments after the piped value, for keyword arguments. */
  params: readonly string[];
  apply(value: unknown, args: readonly unknown[], ctx: FilterContext): unknown;
}
