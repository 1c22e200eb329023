/**
 * Secret tracking (taint) for one render call. A value is secret when it is read from a
 * secret root of the context (`secrets.*`), or is context data holding a known secret
 * string (say a step output that carries one), or is computed from a secret value by
 * any filter, method, operator, slice, loop or `set`. The interpreter propagates the
 * mark; this class knows the sources and collects every secret-derived string the call
 * produced, so whoever writes text out (task logs, outputs, errors) can mask them too,
 * however they were transformed (`secrets.t | upper`, `secrets.t[1:]`, `'x' ~ secrets.t`).
 *
 * What is deliberately not tracked: control flow (`{% if secrets.t == 'x' %}yes{% endif %}`
 * leaks one bit, not the secret), numbers and booleans (a length or a comparison), and
 * strings shorter than the redactor masks.
 */
import type { Budget } from './budget.js';
import { arrayItems, isPlainObject, ownEntries } from './safe-access.js';
import { limitError, type SourceLocation } from './template-error.js';

/** Which parts of a context are secret. */
export interface SecretSources {
  /** Top-level context names whose whole value is secret, e.g. `['secrets']`. */
  roots?: readonly string[];
  /** Strings known to be secret (the task's secrets and what earlier renders derived from them). */
  values?: readonly string[];
}

/** Shorter strings are not recorded: masking them would hide ordinary words (the redactor's rule too). */
export const MIN_SECRET_LENGTH = 3;
/** At most this many distinct secret-derived strings are collected per call. */
const MAX_RECORDED = 10_000;

/** Context values holding a known secret string. */
interface SecretData {
  strings: Set<string>;
  containers: WeakSet<object>;
}

/**
 * Scans per context and list of known secrets: the items of one batch share both objects, so a
 * context is walked once per request, not once per file.
 */
const scans = new WeakMap<object, { known: readonly string[]; data: SecretData }>();

export class SecretTaint {
  readonly #roots: ReadonlySet<string>;
  readonly #recorded = new Set<string>();
  #recordedSize = 0;
  /** Context strings and containers that hold a known secret string. */
  readonly #data: SecretData;

  /**
   * Prepares tracking over one context: finds, in one walk, the context values that hold a
   * known secret string.
   *
   * @example
   * const taint = new SecretTaint({ secrets: { t: 's3cret' } }, { roots: ['secrets'] }, budget);
   */
  constructor(
    context: Readonly<Record<string, unknown>>,
    sources: SecretSources,
    private readonly budget: Budget,
  ) {
    this.#roots = new Set(sources.roots ?? []);
    const known = sources.values ?? [];
    const cached = scans.get(context);
    if (cached && cached.known === known) this.#data = cached.data;
    else {
      this.#data = this.#scan(context, known.filter(v => v.length >= MIN_SECRET_LENGTH));
      scans.set(context, { known, data: this.#data });
    }
  }

  /**
   * Whether tracking is on at all (no sources: every check is skipped).
   * @example new SecretTaint({}, {}, budget).active; // false
   */
  get active(): boolean {
    return this.#roots.size > 0 || this.#data.strings.size > 0;
  }

  /**
   * Whether reading the context name `name` yields a secret.
   * @example taint.isSecretRoot('secrets'); // true with { roots: ['secrets'] }
   */
  isSecretRoot(name: string): boolean {
    return this.#roots.has(name);
  }

  /**
   * Whether a value read from context data holds a known secret string.
   * @example taint.isSecretData('Bearer s3cret'); // true with { values: ['s3cret'] }
   */
  isSecretData(value: unknown): boolean {
    if (typeof value === 'string') return this.#data.strings.has(value);
    return value !== null && typeof value === 'object' && this.#data.containers.has(value);
  }

  /**
   * Records a secret-derived value: a string itself, or every string inside a list or
   * object (keys excepted: they name things, they rarely hold secrets).
   *
   * @example
   * taint.record('S3CRET', loc);
   */
  record(value: unknown, loc?: SourceLocation, depth = 0): void {
    if (typeof value === 'string') {
      if (value.length < MIN_SECRET_LENGTH || this.#recorded.has(value)) return;
      this.#recordedSize += value.length;
      if (this.#recorded.size >= MAX_RECORDED || this.#recordedSize > 2 * this.budget.limits.maxOutputSize) {
        throw limitError('maxOutputSize', 'the template derives more text from secrets than can be tracked for masking', loc);
      }
      this.#recorded.add(value);
      return;
    }
    if (depth > this.budget.limits.maxDepth) return;
    for (const item of childrenOf(value)) this.record(item, loc, depth + 1);
  }

  /**
   * The secret-derived strings recorded so far, longest first (the order a redactor masks in).
   * @example taint.secretStrings(); // ['S3CRET-X', 'S3CRET']
   */
  secretStrings(): string[] {
    return [...this.#recorded].sort((a, b) => b.length - a.length);
  }

  /** Finds every context string holding a known secret, and the containers on the way to it. */
  #scan(root: unknown, known: readonly string[]): SecretData {
    const data: SecretData = { strings: new Set(), containers: new WeakSet() };
    if (known.length === 0) return data;
    const limits = this.budget.limits;
    let visited = 0;
    const visit = (value: unknown, depth: number): boolean => {
      if (++visited > limits.maxOutputSize || depth > limits.maxDepth) return false;
      if (typeof value === 'string') {
        const secret = known.some(s => value.includes(s));
        if (secret) data.strings.add(value);
        return secret;
      }
      let secret = false;
      for (const item of childrenOf(value)) if (visit(item, depth + 1)) secret = true;
      if (secret) data.containers.add(value as object);
      return secret;
    };
    visit(root, 0);
    return data;
  }
}

/** The items of a list or the values of a plain object, read as templates read them (no getters run). */
function childrenOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return arrayItems(value);
  if (isPlainObject(value)) return ownEntries(value).map(([, item]) => item);
  return [];
}
