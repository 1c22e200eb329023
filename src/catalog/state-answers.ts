import { entityScopeKey, type EntityScope } from './query/entity-scope.js';
import { CatalogState } from './catalog-state.js';
import type { Store } from '../store/store.js';

/**
 * About how much memory the answers kept may take (estimated by each kind's `weigh`), in bytes: a
 * search's ~500 ranked results are ~100–300 KB, a facet answer or count far less.
 */
const DEFAULT_MAX_WEIGHT = 32 * 1024 * 1024;

/** What an answer is: its kind (what computed it), so that two kinds never share a key. */
export type AnswerKind = 'facets' | 'totalItems' | 'search';

interface Kept {
  value: unknown;
  weight: number;
}

/**
 * Answers computed over the catalog — facet counts, by-query totals, ranked search results — kept for the
 * catalog state they were computed in (catalog-state.ts) and the reader's scope, so that a catalog read far
 * more often than it changes is not walked again for each request. Each request reads the state version
 * first (one primary-key read), then looks up or computes: an answer is at least as new as the state the
 * request saw, on every replica. A newer version drops everything kept; the least recently used answers go
 * when the estimated memory passes its cap. Answers are never shared between scopes: the key holds the
 * scope's fingerprint (entity-scope.ts), and an answer computed for one scope is only ever found by the same.
 * @example
 *   const state = await answers.current();
 *   const facets = await state.answer('facets', scope, { facets, filter }, () => computeFacets(), weighFacets);
 */
export class StateAnswers {
  readonly #state: CatalogState;
  readonly #maxWeight: number;
  /** The newest version seen; what is kept belongs to it. */
  #version = -1;
  /** Least recently used first (a Map keeps insertion order; a hit moves its key to the end). */
  readonly #kept = new Map<string, Kept>();
  /** Answers being computed for the current version: concurrent requests for one wait for the same. */
  readonly #pending = new Map<string, Promise<unknown>>();
  #weight = 0;

  constructor(store: Store, options: { maxWeight?: number } = {}) {
    this.#state = new CatalogState(store);
    this.#maxWeight = options.maxWeight ?? DEFAULT_MAX_WEIGHT;
  }

  /** The catalog's state now, to look answers up in for one request. */
  async current(): Promise<AnswersAt> {
    const version = await this.#state.version();
    if (version > this.#version) {
      this.#version = version;
      this.#kept.clear();
      this.#pending.clear();
      this.#weight = 0;
    }
    return new AnswersAt(this, version);
  }

  /** How many answers are kept (for tests and reports). */
  get size(): number {
    return this.#kept.size;
  }

  /** @internal what AnswersAt reads. */
  lookup(version: number, key: string): { found: true; value: unknown } | { found: false; pending?: Promise<unknown> } {
    // A request that read an older version than one seen since (reads finishing out of order) is served
    // fresh: what is kept is newer than it, which would be fine, but it is never stored for a version gone by.
    if (version !== this.#version) return { found: false };
    const kept = this.#kept.get(key);
    if (kept) {
      this.#kept.delete(key);
      this.#kept.set(key, kept);
      return { found: true, value: kept.value };
    }
    const pending = this.#pending.get(key);
    return pending ? { found: false, pending } : { found: false };
  }

  /** @internal */
  keep(version: number, key: string, value: unknown, answerWeight: number): void {
    const weight = answerWeight + key.length * 2;
    if (version !== this.#version || weight > this.#maxWeight) return;
    const before = this.#kept.get(key);
    if (before) this.#weight -= before.weight;
    this.#kept.delete(key);
    this.#kept.set(key, { value, weight });
    this.#weight += weight;
    for (const [oldest, kept] of this.#kept) {
      if (this.#weight <= this.#maxWeight) break;
      this.#kept.delete(oldest);
      this.#weight -= kept.weight;
    }
  }

  /** @internal */
  computing(version: number, key: string, answer: Promise<unknown>): void {
    if (version !== this.#version) return;
    this.#pending.set(key, answer);
    const done = () => {
      if (this.#pending.get(key) === answer) this.#pending.delete(key);
    };
    answer.then(done, done);
  }
}

/** The answers of one catalog state, as one request sees them. */
export class AnswersAt {
  constructor(
    private readonly answers: StateAnswers,
    /** The catalog state version the request read before anything else. */
    readonly version: number,
  ) {}

  /** An answer kept for this state, scope and question, if any. */
  get<T>(kind: AnswerKind, scope: EntityScope, question: unknown): T | undefined {
    const found = this.answers.lookup(this.version, keyOf(kind, scope, question));
    return found.found ? (found.value as T) : undefined;
  }

  /** Keeps an answer computed in this state (or a newer one) for this scope and question. */
  set<T>(kind: AnswerKind, scope: EntityScope, question: unknown, value: T, weight: number): void {
    this.answers.keep(this.version, keyOf(kind, scope, question), value, weight);
  }

  /**
   * The answer kept for this state, scope and question, or the one being computed for them, or `compute`'s
   * (then kept). `compute` must read the catalog after this state was read, as every query made after
   * `current()` does.
   */
  async answer<T>(kind: AnswerKind, scope: EntityScope, question: unknown, compute: () => Promise<T>, weigh: (value: T) => number): Promise<T> {
    const key = keyOf(kind, scope, question);
    const found = this.answers.lookup(this.version, key);
    if (found.found) return found.value as T;
    if (found.pending) return found.pending as Promise<T>;
    const answer = compute();
    this.answers.computing(this.version, key, answer);
    const value = await answer;
    this.answers.keep(this.version, key, value, weigh(value));
    return value;
  }
}

/** The scope's fingerprint first: an answer is found only by a request of the same scope. */
function keyOf(kind: AnswerKind, scope: EntityScope, question: unknown): string {
  return `${kind}\u0000${entityScopeKey(scope) ?? 'all'}\u0000${JSON.stringify(question)}`;
}
