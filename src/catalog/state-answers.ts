import { entityScopeKey, type EntityScope } from './query/entity-scope.js';
import { CatalogState } from './catalog-state.js';
import type { Store } from '../store/store.js';
import { SharedAbort } from '../core/shared-abort.js';

/**
 * What an answer is: its kind (what computed it), so that two kinds never share a key. Computed answers
 * (facet counts, by-query totals, ranked search results) cost much to make again; read answers (an entity
 * by ref, a by-query page, a search's page of results with its facets) cost a round trip or a walk over kept
 * results.
 */
export type AnswerKind = 'facets' | 'totalItems' | 'search' | 'entity' | 'page' | 'searchPage';

/** Which memory an answer is kept in: read answers, many and cheap to make again, never push out computed ones. */
type Pool = 'computed' | 'read';
const POOL_OF: Readonly<Record<AnswerKind, Pool>> = { facets: 'computed', totalItems: 'computed', search: 'computed', entity: 'read', page: 'read', searchPage: 'read' };

/**
 * About how much memory each pool's answers may take (estimated by each kind's `weigh`), in bytes: a
 * search's ~500 ranked results are ~100–300 KB, a facet answer or count far less; an entity as sent is
 * ~1–3 KB, a page of 20 twenty times that.
 */
const DEFAULT_MAX_WEIGHT: Readonly<Record<Pool, number>> = { computed: 32 * 1024 * 1024, read: 16 * 1024 * 1024 };

interface Kept {
  value: unknown;
  weight: number;
}

/** One pool's answers, least recently used first (a Map keeps insertion order; a hit moves its key to the end). */
interface KeptPool {
  answers: Map<string, Kept>;
  weight: number;
}

/**
 * Answers over the catalog — facet counts, by-query totals, ranked search results, entities by ref, by-query
 * pages — kept for the catalog state they were made in (catalog-state.ts) and the reader's scope, so that a
 * catalog read far more often than it changes is not walked again, nor asked again, for each request. Each
 * request reads the state version first (one primary-key read, shared by requests asking at once), then looks
 * up or computes: an answer is at least as new as the state the request saw, on every replica. A newer
 * version drops everything kept; the least recently used answers of a pool go when its estimated memory
 * passes its cap. Answers are never shared between scopes: the key holds the scope's fingerprint
 * (entity-scope.ts), and an answer computed for one scope is only ever found by the same.
 * @example
 *   const state = await answers.current();
 *   const facets = await state.answer('facets', scope, { facets, filter }, () => computeFacets(), weighFacets);
 */
export class StateAnswers {
  readonly #state: CatalogState;
  readonly #maxWeight: Readonly<Record<Pool, number>>;
  /** The newest version seen; what is kept belongs to it. */
  #version = -1;
  readonly #kept: Record<Pool, KeptPool> = { computed: { answers: new Map(), weight: 0 }, read: { answers: new Map(), weight: 0 } };
  /** Answers being computed for the current version: concurrent requests for one wait for the same. */
  readonly #pending = new Map<string, Computing>();

  /** `maxWeight`: the cap of every pool (tests), or of each. */
  constructor(store: Store, options: { maxWeight?: number | Partial<Record<Pool, number>> } = {}) {
    this.#state = new CatalogState(store);
    const { maxWeight } = options;
    this.#maxWeight = typeof maxWeight === 'number' ? { computed: maxWeight, read: maxWeight } : { ...DEFAULT_MAX_WEIGHT, ...maxWeight };
  }

  /** The catalog's state now, to look answers up in for one request. */
  async current(): Promise<AnswersAt> {
    const version = await this.#state.version();
    if (version > this.#version) {
      this.#version = version;
      for (const pool of Object.values(this.#kept)) {
        pool.answers.clear();
        pool.weight = 0;
      }
      this.#pending.clear();
    }
    return new AnswersAt(this, version);
  }

  /** How many answers are kept (for tests and reports). */
  get size(): number {
    return this.#kept.computed.answers.size + this.#kept.read.answers.size;
  }

  /** @internal what AnswersAt reads. */
  lookup(version: number, kind: AnswerKind, key: string): { found: true; value: unknown } | { found: false; pending?: Computing } {
    // A request that read an older version than one seen since (reads finishing out of order) is served
    // fresh: what is kept is newer than it, which would be fine, but it is never stored for a version gone by.
    if (version !== this.#version) return { found: false };
    const { answers } = this.#kept[POOL_OF[kind]];
    const kept = answers.get(key);
    if (kept) {
      answers.delete(key);
      answers.set(key, kept);
      return { found: true, value: kept.value };
    }
    const pending = this.#pending.get(key);
    return pending ? { found: false, pending } : { found: false };
  }

  /** @internal */
  keep(version: number, kind: AnswerKind, key: string, value: unknown, answerWeight: number): void {
    const poolName = POOL_OF[kind];
    const pool = this.#kept[poolName];
    const max = this.#maxWeight[poolName];
    const weight = answerWeight + key.length * 2;
    if (version !== this.#version || weight > max) return;
    const before = pool.answers.get(key);
    if (before) pool.weight -= before.weight;
    pool.answers.delete(key);
    pool.answers.set(key, { value, weight });
    pool.weight += weight;
    for (const [oldest, kept] of pool.answers) {
      if (pool.weight <= max) break;
      pool.answers.delete(oldest);
      pool.weight -= kept.weight;
    }
  }

  /** @internal */
  computing(version: number, key: string, computing: Computing): void {
    if (version !== this.#version) return;
    this.#pending.set(key, computing);
    const done = () => {
      if (this.#pending.get(key) === computing) this.#pending.delete(key);
    };
    computing.answer.then(done, done);
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
    const found = this.answers.lookup(this.version, kind, keyOf(kind, scope, question));
    return found.found ? (found.value as T) : undefined;
  }

  /** Keeps an answer computed in this state (or a newer one) for this scope and question. */
  set<T>(kind: AnswerKind, scope: EntityScope, question: unknown, value: T, weight: number): void {
    this.answers.keep(this.version, kind, keyOf(kind, scope, question), value, weight);
  }

  /**
   * The answer kept for this state, scope and question, or the one being computed for them, or `compute`'s
   * (then kept). `compute` must read the catalog after this state was read, as every query made after
   * `current()` does. `signal`: this request's own (its client going away). `compute` is given the signal of
   * everyone waiting for it: it stops once all of them have gone (shared-abort.ts), and one who was still waiting
   * then (its client came back within the same tick, say) computes its own.
   */
  async answer<T>(kind: AnswerKind, scope: EntityScope, question: unknown, compute: (signal: AbortSignal) => Promise<T>, weigh: (value: T) => number, signal?: AbortSignal): Promise<T> {
    const key = keyOf(kind, scope, question);
    const found = this.answers.lookup(this.version, kind, key);
    if (found.found) return found.value as T;
    if (found.pending) {
      found.pending.waiting.join(signal);
      return (found.pending.answer as Promise<T>).catch((error: unknown) => {
        if (!isAbort(error)) throw error;
        signal?.throwIfAborted();
        return this.answer(kind, scope, question, compute, weigh, signal);
      });
    }
    const waiting = new SharedAbort();
    waiting.join(signal);
    const answer = compute(waiting.signal);
    const done = () => waiting.end();
    answer.then(done, done);
    this.answers.computing(this.version, key, { answer, waiting });
    const value = await answer;
    this.answers.keep(this.version, kind, key, value, weigh(value));
    return value;
  }
}

/** An answer being computed, and who waits for it. */
interface Computing {
  answer: Promise<unknown>;
  waiting: SharedAbort;
}

/** A computation stopped because the request it was for went away (its AbortSignal's default reason). */
const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/** The scope's fingerprint first: an answer is found only by a request of the same scope. */
function keyOf(kind: AnswerKind, scope: EntityScope, question: unknown): string {
  return `${kind}\u0000${entityScopeKey(scope) ?? 'all'}\u0000${JSON.stringify(question)}`;
}
