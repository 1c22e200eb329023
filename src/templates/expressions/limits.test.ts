import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';

describe('limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxSourceSize: 1024 * 1024,
      maxOutputSize: 2 * 1024 * 1024,
      maxLoopIterations: 100_000,
      maxRangeSize: 10_000,
      maxDepth: 200,
      timeBudgetMs: 1000,
    });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });

  it('fills partial limits with defaults and ignores unusable values', () => {
    const limits = resolveLimits({ timeBudgetMs: 250.7, maxDepth: -1, maxRangeSize: Number.NaN, maxLoopIterations: Infinity });
    expect(limits).toEqual({ ...DEFAULT_LIMITS, timeBudgetMs: 250 });
    expect(Object.isFrozen(limits)).toBe(true);
    expect(resolveLimits()).toBe(DEFAULT_LIMITS);
  });
});
