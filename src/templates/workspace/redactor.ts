/**
 * Keeps secrets out of everything a task shows: log lines, step outputs, the task output and errors.
 * Every value of the task's `secrets` (and credentials written into URLs) is replaced by `***`.
 */

const MASK = '***';
/** Shorter values would mask ordinary words; they are still never logged on purpose by Pave. */
const MIN_SECRET_LENGTH = 3;

export class Redactor {
  readonly #secrets: string[];

  /** @example new Redactor({ token: 's3cret' }).text('using s3cret') // 'using ***' */
  constructor(secrets: Readonly<Record<string, unknown>> = {}) {
    const values = new Set<string>();
    const collect = (value: unknown) => {
      if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) {
        values.add(value);
        // Secrets also travel URL-encoded (in remotes) and base64-encoded (in Basic auth headers).
        values.add(encodeURIComponent(value));
        values.add(Buffer.from(value).toString('base64'));
      } else if (typeof value === 'number') collect(String(value));
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(secrets);
    // Longest first, so a secret containing another is masked whole.
    this.#secrets = [...values].filter(v => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    // user:password@ in URLs, whatever the secrets are.
    return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${MASK}@`);
  }

  /** A deep copy with every string redacted. */
  value<T>(input: T): T {
    const walk = (value: unknown): unknown => {
      if (typeof value === 'string') return this.text(value);
      if (Array.isArray(value)) return value.map(walk);
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
      return value;
    };
    return walk(input) as T;
  }
}
