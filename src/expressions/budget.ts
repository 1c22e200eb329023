/**
 * The running account of one render call against its limits: loop iterations,
 * output size, and the wall-clock budget. One `Budget` is shared by everything a
 * single public call evaluates (e.g. every string inside one `renderValue`).
 */
import type { Limits } from './limits.js';
import { limitError, type SourceLocation } from './template-error.js';

/** How many evaluation steps pass between two clock reads. */
const CLOCK_EVERY = 128;

export class Budget {
  readonly limits: Readonly<Limits>;
  private readonly deadline: number;
  private iterations = 0;
  private output = 0;
  private ticks = 0;

  /**
   * Starts the clock.
   *
   * @example
   * const budget = new Budget(resolveLimits({ timeBudgetMs: 100 }));
   */
  constructor(limits: Readonly<Limits>) {
    this.limits = limits;
    this.deadline = performance.now() + limits.timeBudgetMs;
  }

  /**
   * Counts one evaluation step; reads the clock every few steps.
   *
   * @example
   * budget.tick(node.loc);
   */
  tick(loc?: SourceLocation): void {
    this.ticks++;
    if (this.ticks % CLOCK_EVERY === 0) this.checkTime(loc);
  }

  /**
   * Throws when the wall-clock budget is spent.
   *
   * @example
   * budget.checkTime();
   */
  checkTime(loc?: SourceLocation): void {
    if (performance.now() > this.deadline) {
      throw limitError('timeBudgetMs', `evaluation took longer than ${this.limits.timeBudgetMs} ms`, loc);
    }
  }

  /**
   * Counts one loop iteration against `maxLoopIterations` and reads the clock.
   *
   * @example
   * for (const item of items) { budget.iterate(node.loc); ... }
   */
  iterate(loc?: SourceLocation): void {
    this.iterations++;
    if (this.iterations > this.limits.maxLoopIterations) {
      throw limitError('maxLoopIterations', `more than ${this.limits.maxLoopIterations} loop iterations`, loc);
    }
    this.ticks++;
    this.checkTime(loc);
  }

  /**
   * Counts rendered output against `maxOutputSize` (summed over the whole call).
   *
   * @example
   * budget.addOutput(text.length, node.loc);
   */
  addOutput(size: number, loc?: SourceLocation): void {
    this.output += size;
    if (this.output > this.limits.maxOutputSize) {
      throw limitError('maxOutputSize', `output larger than ${this.limits.maxOutputSize} characters`, loc);
    }
  }

  /**
   * Refuses a single string or value of `size` units before or after it is built.
   *
   * @example
   * budget.checkSize(width * lines, node.loc);
   */
  checkSize(size: number, loc?: SourceLocation): void {
    if (!(size <= this.limits.maxOutputSize)) {
      throw limitError('maxOutputSize', `a value larger than ${this.limits.maxOutputSize} characters was built`, loc);
    }
  }

  /**
   * Passes a string through after checking its size.
   *
   * @example
   * return budget.checkString(left + right, node.loc);
   */
  checkString(value: string, loc?: SourceLocation): string {
    this.checkSize(value.length, loc);
    return value;
  }

  /**
   * Joins the texts of `items` with `separator`, counting each part (and separator) against
   * `maxOutputSize` as it is made, so an oversized result is refused before it is built.
   *
   * @example
   * budget.joinText([1, 'a'], item => toText(item), ', ', loc); // '1, a'
   */
  joinText<T>(items: Iterable<T>, toPart: (item: T) => string, separator: string, loc?: SourceLocation): string {
    const parts: string[] = [];
    let size = 0;
    for (const item of items) {
      const part = toPart(item);
      size += part.length + (parts.length > 0 ? separator.length : 0);
      this.checkSize(size, loc);
      parts.push(part);
    }
    return parts.join(separator);
  }
}
