/**
 * The expression engine's API for the rest of Pave: the in-process entry points' semantics
 * (`renderString`, `renderValue`, `renderFile`, `evaluateCondition`), asynchronous, carried
 * out in the evaluator processes (`evaluator-pool.ts`) so no template can stall, crash or
 * exhaust the server. Text without any tag is returned without a round trip. Secret-derived
 * strings a call makes are reported (`onSecretStrings`) before the call settles, so they can
 * be masked in whatever the caller writes next, its error messages included.
 */
import { PaveError } from '../core/problem.js';
import type { EvaluationItem, EvaluationOptions, EvaluationRequest, ItemResult } from './evaluation.js';
import type { EvaluatorPool } from './evaluator-pool.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { SecretSources } from './secret-taint.js';

/** Options of one call. */
export interface EvaluateOptions extends EvaluationOptions {
  /** Receives the secret-derived strings the call made (only with `secrets`), before it settles. */
  onSecretStrings?: (strings: string[]) => void;
}

/** One item's outcome in a batch: its value, or the error it failed with. */
export type BatchResult<T> = { ok: true; value: T } | { ok: false; error: PaveError };
/** A file's (or path's) outcome in a batch. */
export type FileResult = BatchResult<string>;

interface SecretTracking {
  sources: () => SecretSources;
  learn: (strings: string[]) => void;
}

export class ExpressionEvaluator {
  /**
   * @example
   * const pool = new EvaluatorPool({ size: 2 });
   * const expressions = new ExpressionEvaluator(pool);
   * await expressions.renderString('${{ parameters.name | upper }}', { parameters: { name: 'api' } }); // 'API'
   */
  constructor(
    private readonly pool: EvaluatorPool,
    private readonly tracking?: SecretTracking,
  ) {}

  /** Ends the evaluator processes (shared with every tracking copy of this evaluator). */
  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * The same evaluator, treating `sources()` (read at each call) as secret in every call and
   * telling `learn` every secret-derived string made: what a task gives its actions, so the
   * files they render cannot reveal a transformed secret in an error.
   *
   * @example
   * const tracked = expressions.trackingSecrets(() => ({ values: redactor.values() }), s => redactor.add(s));
   */
  trackingSecrets(sources: () => SecretSources, learn: (strings: string[]) => void): ExpressionEvaluator {
    return new ExpressionEvaluator(this.pool, { sources, learn });
  }

  /**
   * `renderString`: a string that is exactly one `${{ expr }}` keeps the value's type.
   *
   * @example
   * await expressions.renderString('${{ parameters.tags }}', { parameters: { tags: ['a'] } }); // ['a']
   */
  async renderString(source: string, context: Record<string, unknown>, options: EvaluateOptions = {}): Promise<unknown> {
    if (!hasTags(source)) return source;
    return this.#one({ kind: 'string', source }, context, options);
  }

  /**
   * `renderValue`: every string inside objects and arrays is rendered; one budget for the whole value.
   *
   * @example
   * await expressions.renderValue({ name: '${{ values.name }}' }, { values: { name: 'api' } }); // { name: 'api' }
   */
  async renderValue(value: unknown, context: Record<string, unknown>, options: EvaluateOptions = {}): Promise<unknown> {
    if (!containsTags(value, (options.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth) + 1)) return value;
    return this.#one({ kind: 'value', value }, context, options);
  }

  /**
   * `renderFile`: file content or a path, rendered to text.
   *
   * @example
   * await expressions.renderFile('name: ${{ values.name }}\n', { values: { name: 'api' } }); // 'name: api\n'
   */
  async renderFile(source: string, context: Record<string, unknown>, options: EvaluateOptions = {}): Promise<string> {
    if (!hasTags(source)) return source;
    return (await this.#one({ kind: 'file', source }, context, options)) as string;
  }

  /**
   * `evaluateCondition`: a step's `if` (absent is true; 'false', '', 0, [] and the like are false).
   *
   * @example
   * await expressions.evaluateCondition('${{ parameters.enabled }}', { parameters: { enabled: false } }); // false
   */
  async evaluateCondition(value: unknown, context: Record<string, unknown>, options: EvaluateOptions = {}): Promise<boolean> {
    if (value === undefined || value === null) return true;
    if (typeof value === 'boolean') return value;
    return (await this.#one({ kind: 'condition', value }, context, options)) as boolean;
  }

  /**
   * Renders many files (or paths) against one context in one round trip, each with its own
   * budget; one failing does not stop the others. Sources without tags are not sent.
   *
   * @example
   * const [readme, ci] = await expressions.renderFiles([readmeText, ciText], { values });
   */
  async renderFiles(sources: readonly string[], context: Record<string, unknown>, options: EvaluateOptions = {}): Promise<FileResult[]> {
    return this.#batch<string, string>(
      sources,
      source => (hasTags(source) ? { kind: 'file', source } : { value: source }),
      context,
      options,
    );
  }

  /**
   * Decides many conditions (`if:` values) against one context in one round trip.
   *
   * @example
   * const [first, second] = await expressions.evaluateConditions(['${{ spec.ha }}', true], context);
   */
  async evaluateConditions(values: readonly unknown[], context: Record<string, unknown>, options: EvaluateOptions = {}): Promise<Array<BatchResult<boolean>>> {
    return this.#batch<unknown, boolean>(
      values,
      value => (value === undefined || value === null ? { value: true } : typeof value === 'boolean' ? { value } : { kind: 'condition', value }),
      context,
      options,
    );
  }

  /**
   * Decides many conditions in one round trip, each against its own context: `contexts[root]` of its item
   * (a scorecard's rules over many entities: the same few condition texts, parsed once, each entity's facts
   * its own context). Each has its own budget.
   *
   * @example
   * const [a, b] = await expressions.evaluateConditionsEach([{ value: '${{ facts.ok }}', root: 'e0' }, { value: '${{ facts.ok }}', root: 'e1' }], { e0: { facts: { ok: true } }, e1: { facts: { ok: false } } });
   */
  async evaluateConditionsEach(items: ReadonlyArray<{ value: string; root: string }>, contexts: Record<string, Record<string, unknown>>, options: EvaluateOptions = {}): Promise<Array<BatchResult<boolean>>> {
    return this.#batch<{ value: string; root: string }, boolean>(items, item => ({ kind: 'condition', value: item.value, root: item.root }), contexts, options);
  }

  /** Sends the items that need the engine in one request; the others are answered here. */
  async #batch<S, T>(
    inputs: readonly S[],
    plan: (input: S) => EvaluationItem | { value: T },
    context: Record<string, unknown>,
    options: EvaluateOptions,
  ): Promise<Array<BatchResult<T>>> {
    const planned = inputs.map(plan);
    const results: Array<BatchResult<T>> = planned.map(p => ('kind' in p ? { ok: true, value: undefined as T } : { ok: true, value: p.value }));
    const sent = planned.flatMap((p, index) => ('kind' in p ? [index] : []));
    if (sent.length === 0) return results;
    const answers = await this.#run(
      sent.map(index => planned[index] as EvaluationItem),
      context,
      options,
    );
    sent.forEach((index, i) => {
      const answer = answers[i] as ItemResult;
      results[index] = answer.ok ? { ok: true, value: answer.value as T } : { ok: false, error: new PaveError(answer.problem) };
    });
    return results;
  }

  async #one(item: EvaluationItem, context: Record<string, unknown>, options: EvaluateOptions): Promise<unknown> {
    const [answer] = await this.#run([item], context, options);
    if (!answer) throw new Error('the evaluator answered no result');
    if (!answer.ok) throw new PaveError(answer.problem);
    return answer.value;
  }

  async #run(items: EvaluationItem[], context: Record<string, unknown>, options: EvaluateOptions): Promise<ItemResult[]> {
    const secrets = options.secrets ?? this.tracking?.sources();
    const request: EvaluationRequest = {
      context,
      options: {
        ...(options.cookiecutterCompat !== undefined ? { cookiecutterCompat: options.cookiecutterCompat } : {}),
        ...(options.limits ? { limits: options.limits } : {}),
        ...(secrets ? { secrets } : {}),
      },
      items,
    };
    const response = await this.pool.run(request);
    if (response.secretStrings.length > 0) {
      this.tracking?.learn(response.secretStrings);
      options.onSecretStrings?.(response.secretStrings);
    }
    if (response.results.length !== items.length) throw new Error('the evaluator answered the wrong number of results');
    return response.results;
  }
}

/** Whether a string can hold any tag (the engine's own cheap test). */
function hasTags(source: string): boolean {
  return source.includes('{');
}

/** Whether any string inside a value can hold a tag; too deep counts as yes, so the engine reports it. */
function containsTags(value: unknown, depthLeft: number): boolean {
  if (typeof value === 'string') return hasTags(value);
  if (value === null || typeof value !== 'object') return false;
  if (depthLeft <= 0) return true;
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.some(item => containsTags(item, depthLeft - 1));
}
