/**
 * One evaluation request as it crosses the process boundary: a context, options that are
 * plain data (no custom filters: functions cannot cross), and a batch of items rendered
 * against the same context, each with its own budget. `runEvaluation` carries one out
 * synchronously; the evaluator process calls it, and so can tests of the language.
 */
import { invalidInput, isPaveError, type Problem } from '../core/problem.js';
import type { Limits } from './limits.js';
import { conditionTruthy } from './render.js';
import { RenderSession } from './render-session.js';
import type { SecretSources } from './secret-taint.js';

/** One thing to render, with the semantics of the in-process function of the same name. */
export type EvaluationItem =
  /** `renderString`: a whole-expression string keeps its type. */
  | { kind: 'string'; source: string }
  /** `renderValue`: every string inside objects and arrays. */
  | { kind: 'value'; value: unknown }
  /** `renderFile`: text (file content or path). */
  | { kind: 'file'; source: string }
  /**
   * `evaluateCondition`: a step's or file's `if`. With `root`, the item sees only the request context's
   * `root` entry as its whole context: many conditions, each over its own small context, in one request.
   */
  | { kind: 'condition'; value: unknown; root?: string };

/** Options that can travel between processes (data only). */
export interface EvaluationOptions {
  cookiecutterCompat?: boolean;
  limits?: Partial<Limits>;
  secrets?: SecretSources;
}

export interface EvaluationRequest {
  context: Record<string, unknown>;
  options: EvaluationOptions;
  items: EvaluationItem[];
}

/** The outcome of one item: its value, or the problem it failed with. */
export type ItemResult = { ok: true; value: unknown } | { ok: false; problem: Problem };

export interface EvaluationResponse {
  results: ItemResult[];
  /** Every secret-derived string any item made (see `secret-taint.ts`), longest first. */
  secretStrings: string[];
}

/**
 * Renders every item of a request; one item failing does not stop the others. Calls
 * `onItemDone` after each item (the process reports progress with it).
 *
 * @example
 * runEvaluation({ context: { values: { name: 'api' } }, options: {}, items: [{ kind: 'file', source: 'name: ${{ values.name }}' }] });
 * // { results: [{ ok: true, value: 'name: api' }], secretStrings: [] }
 */
export function runEvaluation(request: EvaluationRequest, onItemDone?: (index: number) => void): EvaluationResponse {
  const secretStrings = new Set<string>();
  const results = request.items.map((item, index): ItemResult => {
    const session = new RenderSession(contextOf(request.context, item), request.options);
    try {
      return { ok: true, value: renderItem(session, item) };
    } catch (error) {
      // Anything else (a stack overflow, say) is still this template's failure, not the process's.
      const problem = isPaveError(error) ? error.problem : invalidInput(`Template evaluation failed: ${(error as Error)?.message ?? String(error)}`).problem;
      return { ok: false, problem };
    } finally {
      for (const s of session.secretStrings()) secretStrings.add(s);
      onItemDone?.(index);
    }
  });
  return { results, secretStrings: [...secretStrings].sort((a, b) => b.length - a.length) };
}

/** The context an item renders against: the request's, or its own entry of it (`root`; none is an empty one). */
function contextOf(context: Record<string, unknown>, item: EvaluationItem): Record<string, unknown> {
  if (item.kind !== 'condition' || item.root === undefined) return context;
  const own = Object.hasOwn(context, item.root) ? context[item.root] : undefined;
  return own !== null && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
}

function renderItem(session: RenderSession, item: EvaluationItem): unknown {
  switch (item.kind) {
    case 'string':
      return session.renderTyped(item.source);
    case 'value':
      return session.renderValue(item.value);
    case 'file':
      return session.renderText(item.source);
    case 'condition':
      if (item.value === undefined || item.value === null) return true;
      if (typeof item.value === 'boolean') return item.value;
      return conditionTruthy(typeof item.value === 'string' ? session.renderTyped(item.value) : item.value);
  }
}
