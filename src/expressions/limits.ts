/**
 * Resource limits of the template expression engine. Every render call gets its own
 * budget (see `budget.ts`); exceeding any limit is a `PaveError` naming the limit.
 * Sizes are counted in UTF-16 code units (JavaScript string length).
 */

/** The limits one render or check call runs under. */
export interface Limits {
  /** Largest accepted template source, per string or file. Default 1 MiB. */
  maxSourceSize: number;
  /**
   * Largest output of one call (all text it renders, summed), and largest string or
   * value any single operation may build. Default 2 MiB.
   */
  maxOutputSize: number;
  /** Loop iterations allowed in one call, summed over all `for` loops. Default 100 000. */
  maxLoopIterations: number;
  /** Most elements `range()` may produce. Default 10 000. */
  maxRangeSize: number;
  /**
   * Deepest nesting of the parser (parentheses, operators, tags), of the syntax tree,
   * and of values walked by `renderValue` and `dump`. Default 200.
   */
  maxDepth: number;
  /** Wall-clock budget of one call in milliseconds, checked while evaluating. Default 1000. */
  timeBudgetMs: number;
}

/** The defaults: generous for real templates, small enough to keep a server responsive. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxSourceSize: 1024 * 1024,
  maxOutputSize: 2 * 1024 * 1024,
  maxLoopIterations: 100_000,
  maxRangeSize: 10_000,
  maxDepth: 200,
  timeBudgetMs: 1000,
});

/**
 * Completes partial limits with the defaults and freezes the result.
 * Values that are not positive finite numbers fall back to the default.
 *
 * @example
 * const limits = resolveLimits({ timeBudgetMs: 250 });
 * limits.maxLoopIterations; // 100000
 */
export function resolveLimits(partial?: Partial<Limits>): Readonly<Limits> {
  if (!partial) return DEFAULT_LIMITS;
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
    const value = partial[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[key] = Math.floor(value);
  }
  return Object.freeze(out);
}
