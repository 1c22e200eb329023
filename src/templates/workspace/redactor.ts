/**
 * Keeps secrets out of everything a task shows: log lines, step outputs, the task output and errors.
 * Every value of the task's `secrets`, every string the expression engine derived from them (say
 * `secrets.token | upper`), and credentials written into URLs are replaced by `***`.
 */

const MASK = '***';
/** Shorter values would mask ordinary words; they are still never logged on purpose by Pave. */
const MIN_SECRET_LENGTH = 3;

export class Redactor {
  readonly #values = new Set<string>();
  /** What is masked: each value and its encodings, longest first (so a secret containing another is masked whole). */
  #masked: string[] = [];

  /**
   * @example new Redactor({ token: 's3cret' }).text('using s3cret') // 'using ***'
   * @example new Redactor({ token: 's3cret' }, ['S3CRET']).text('using S3CRET') // 'using ***'
   */
  constructor(secrets: Readonly<Record<string, unknown>> = {}, derived: Iterable<string> = []) {
    const values: string[] = [];
    const collect = (value: unknown) => {
      if (typeof value === 'string') values.push(value);
      else if (typeof value === 'number') collect(String(value));
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(secrets);
    this.add([...values, ...derived]);
  }

  /**
   * Masks these strings too from now on (secret-derived strings the engine reported).
   *
   * @example redactor.add(['S3CRET']);
   */
  add(values: Iterable<string>): void {
    let added = false;
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH || this.#values.has(value)) continue;
      this.#values.add(value);
      added = true;
    }
    if (!added) return;
    const masked = new Set<string>();
    for (const value of this.#values) {
      masked.add(value);
      // Secrets also travel URL-encoded (in remotes) and base64-encoded (in Basic auth headers).
      masked.add(encodeURIComponent(value));
      masked.add(Buffer.from(value).toString('base64'));
    }
    this.#masked = [...masked].filter(v => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  /**
   * The secret strings known (without their encodings): what the expression engine treats as
   * secret wherever it finds them in a context.
   *
   * @example new Redactor({ token: 's3cret' }, ['S3CRET']).values() // ['s3cret', 'S3CRET']
   */
  values(): string[] {
    return [...this.#values];
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.#masked) if (out.includes(secret)) out = out.split(secret).join(MASK);
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
