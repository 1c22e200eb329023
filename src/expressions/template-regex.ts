/**
 * Regular expressions in templates (`r/…/flags` literals, as in Nunjucks). They never reach
 * the host's backtracking engine: patterns are compiled by re2js, a pure-JavaScript port of
 * RE2 whose matching time is linear in the input, so no pattern can stall the evaluator.
 * Features RE2 lacks because they need backtracking (back-references, look-ahead and
 * look-behind) are refused when the template is parsed, with a message saying why.
 * Replacement strings keep JavaScript's `String.prototype.replace` semantics (`$&`, `$1`,
 * `$<name>`, `` $` ``, `$'`, `$$`), expanded here so the size of the result is known, and
 * refused, before it is built.
 */
import { RE2JS } from 're2js';
import type { Budget } from './budget.js';
import { limitError, type SourceLocation } from './template-error.js';

/** Longest accepted pattern. */
export const MAX_REGEX_LENGTH = 1000;

/** JavaScript flags templates may use; `g` is Pave's own (replace all), the rest map to RE2 flags. */
const FLAG_BITS: Readonly<Record<string, number>> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, g: 0, u: 0 };

const CACHE_ENTRIES = 200;
const cache = new Map<string, TemplateRegex>();

/** One match as the replacement expansion needs it. */
interface Match {
  index: number;
  text: string;
  groups: ReadonlyArray<string | undefined>;
  named: Readonly<Record<string, string | undefined>> | undefined;
}

/** A run of one piece of a parsed replacement string (`$&$&$&` is one run of three). */
type Piece = (
  | { kind: 'text'; text: string }
  | { kind: 'match' }
  | { kind: 'before' }
  | { kind: 'after' }
  | { kind: 'group'; index: number }
  | { kind: 'named'; name: string }
) & { times: number };

/**
 * Why a pattern cannot be used, or undefined when it compiles under RE2 semantics. The
 * parser calls it for every literal, so a refused pattern is a syntax error with a location.
 *
 * @example
 * regexProblem('domain:| |-', '');   // undefined
 * regexProblem('(a)\\1', '');         // '… uses a back-reference (\1) …'
 */
export function regexProblem(pattern: string, flags: string): string | undefined {
  if (pattern.length > MAX_REGEX_LENGTH) return `regular expression longer than ${MAX_REGEX_LENGTH} characters`;
  for (const flag of flags) {
    if (!Object.hasOwn(FLAG_BITS, flag)) return `regular expression flag "${flag}" is not supported (use g, i, m, s or u)`;
  }
  const feature = backtrackingFeature(pattern);
  if (feature) {
    return `regular expression /${pattern}/ uses ${feature}, which linear-time (RE2) matching does not support`;
  }
  try {
    compileRe2(pattern, flags);
  } catch (error) {
    return `invalid regular expression /${pattern}/${flags}: ${(error as Error).message.replace(/^error parsing regexp: /, '')}`;
  }
  return undefined;
}

/** Finds the first construct that only a backtracking engine can match, outside character classes. */
function backtrackingFeature(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(e)) return `a back-reference (\\${e})`;
      if (!inClass && e === 'k' && pattern[i + 2] === '<') return 'a named back-reference (\\k<…>)';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      // `[]…]` and `[^]…]`: a leading `]` is literal in RE2 syntax, so skip it.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('=') || rest.startsWith('!')) return 'a look-ahead ((?= or (?!)';
      if (rest === '<=' || rest === '<!') return 'a look-behind ((?<= or (?<!)';
    }
  }
  return undefined;
}

function compileRe2(pattern: string, flags: string): RE2JS {
  let bits = 0;
  for (const flag of flags) bits |= FLAG_BITS[flag] ?? 0;
  return RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
}

/**
 * A compiled template regex: a value templates can hold and pass to `replace`, `split`…,
 * but not look into (it is not a plain object, so every property reads as undefined).
 */
export class TemplateRegex {
  readonly #re: RE2JS;
  readonly #groupCount: number;
  readonly #hasNames: boolean;

  private constructor(
    readonly source: string,
    readonly flags: string,
  ) {
    this.#re = compileRe2(source, flags);
    this.#groupCount = this.#re.groupCount();
    this.#hasNames = Object.keys(this.#re.namedGroups()).length > 0;
  }

  /**
   * Compiles a literal the parser accepted (compiled patterns are cached; they hold no state).
   *
   * @example
   * TemplateRegex.compile('[- ]', 'g').replace('a-b c', '', budget); // 'abc'
   */
  static compile(pattern: string, flags: string): TemplateRegex {
    const key = `${flags}/${pattern}`;
    let regex = cache.get(key);
    if (!regex) {
      regex = new TemplateRegex(pattern, flags);
      cache.set(key, regex);
      if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    }
    return regex;
  }

  /** Whether `g` was given: replace every match rather than the first. */
  get global(): boolean {
    return this.flags.includes('g');
  }

  /** `/source/flags`, as JavaScript prints a RegExp. */
  toString(): string {
    return `/${this.source}/${this.flags}`;
  }

  /**
   * Whether the pattern matches anywhere in `text`.
   *
   * @example
   * TemplateRegex.compile('^a', '').test('abc'); // true
   */
  test(text: string): boolean {
    return this.#re.test(text);
  }

  /** Matches from left to right: every match when `all`, else at most the first. */
  *#matches(text: string, all: boolean): Generator<Match> {
    for (const m of this.#re.matchAll(text)) {
      const groups: Array<string | undefined> = [];
      for (let i = 1; i <= this.#groupCount; i++) groups.push(m[i] ?? undefined);
      yield { index: m.index ?? 0, text: m[0] ?? '', groups, named: m.groups ?? undefined };
      if (!all) return;
    }
  }

  /**
   * `text.replace(regex, replacement)` with JavaScript's replacement patterns; every match
   * when the regex has the `g` flag. The result's size is counted before it is built and
   * refused past `maxOutputSize`.
   *
   * @example
   * TemplateRegex.compile('(\\w+)@', 'g').replace('ann@x bob@y', '$1 at ', budget); // 'ann at x bob at y'
   */
  replace(text: string, replacement: string, budget: Budget, loc?: SourceLocation): string {
    return expandReplacement(text, this.#matches(text, this.global), parseReplacement(replacement, this.#groupCount, this.#hasNames), budget, loc);
  }

  /**
   * `text.split(regex, limit)` with JavaScript's rules (captured groups are included).
   *
   * @example
   * TemplateRegex.compile('[,;]', '').split('a,b;c'); // ['a', 'b', 'c']
   */
  split(text: string, limit?: number): string[] {
    const max = limit === undefined ? Number.POSITIVE_INFINITY : limit;
    if (max === 0) return [];
    if (text === '') return this.test('') ? [] : [text];
    const out: string[] = [];
    let start = 0;
    for (const m of this.#matches(text, true)) {
      if (m.index >= text.length) break;
      const end = m.index + m.text.length;
      // An empty match where the last piece starts (or at the very start) does not split.
      if (end === start || (m.text === '' && m.index === 0)) continue;
      out.push(text.slice(start, m.index));
      if (out.length >= max) return out;
      for (const group of m.groups) {
        out.push(group as string);
        if (out.length >= max) return out;
      }
      start = end;
    }
    out.push(text.slice(start));
    return out;
  }
}

/**
 * Replaces literal occurrences of `search` in `text` (the first, or all) with `replacement`'s
 * JavaScript patterns expanded (`$&`, `` $` ``, `$'`, `$$`), as `String.prototype.replace` does
 * with a string; the result's size is refused before it is built.
 *
 * @example
 * replaceLiteral('a-b-c', '-', '[$&]', false, budget); // 'a[-]b-c'
 */
export function replaceLiteral(text: string, search: string, replacement: string, all: boolean, budget: Budget, loc?: SourceLocation): string {
  function* matches(): Generator<Match> {
    let at = text.indexOf(search);
    while (at !== -1) {
      yield { index: at, text: search, groups: [], named: undefined };
      if (!all) return;
      at = text.indexOf(search, at + Math.max(search.length, 1));
    }
  }
  return expandReplacement(text, matches(), parseReplacement(replacement, 0, false), budget, loc);
}

/** Parses a replacement string once into pieces, with `GetSubstitution`'s rules for `$`. */
function parseReplacement(replacement: string, groupCount: number, hasNames: boolean): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  const flush = () => {
    if (text) pieces.push({ kind: 'text', text, times: 1 });
    text = '';
  };
  const add = (piece: Piece) => {
    flush();
    const last = pieces[pieces.length - 1];
    if (last && samePiece(last, piece)) last.times++;
    else pieces.push(piece);
  };
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i] as string;
    const next = replacement[i + 1];
    if (c !== '$' || next === undefined) {
      text += c;
      continue;
    }
    if (next === '$') {
      text += '$';
      i++;
    } else if (next === '&' || next === '`' || next === "'") {
      add({ kind: next === '&' ? 'match' : next === '`' ? 'before' : 'after', times: 1 });
      i++;
    } else if (next >= '0' && next <= '9') {
      const two = replacement[i + 2];
      const twoDigits = two !== undefined && two >= '0' && two <= '9' ? Number(next + two) : Number.NaN;
      if (twoDigits >= 1 && twoDigits <= groupCount) {
        add({ kind: 'group', index: twoDigits, times: 1 });
        i += 2;
      } else if (Number(next) >= 1 && Number(next) <= groupCount) {
        add({ kind: 'group', index: Number(next), times: 1 });
        i++;
      } else text += c;
    } else if (next === '<' && hasNames) {
      const close = replacement.indexOf('>', i + 2);
      if (close === -1) text += c;
      else {
        add({ kind: 'named', name: replacement.slice(i + 2, close), times: 1 });
        i = close;
      }
    } else text += c;
  }
  flush();
  return pieces;
}

function samePiece(a: Piece, b: Piece): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'group' && b.kind === 'group') return a.index === b.index;
  if (a.kind === 'named' && b.kind === 'named') return a.name === b.name;
  return a.kind !== 'text';
}

/**
 * Builds the replaced text. Each match's expansion is sized from the lengths it refers to
 * (a run of `$&` is the match's length times the run) and refused past the limit before
 * any of it is built; the clock is read per match, since a long replacement costs per match.
 */
function expandReplacement(text: string, matches: Iterable<Match>, pieces: readonly Piece[], budget: Budget, loc?: SourceLocation): string {
  const max = budget.limits.maxOutputSize;
  const parts: string[] = [];
  let size = 0;
  let last = 0;
  const refuse = () => limitError('maxOutputSize', `replace() would build a string larger than ${max} characters`, loc);
  for (const m of matches) {
    budget.checkTime(loc);
    const end = m.index + m.text.length;
    const values = pieces.map(piece => pieceText(piece, m, text, end));
    size += m.index - last;
    pieces.forEach((piece, i) => (size += (values[i] as string).length * piece.times));
    if (size > max) throw refuse();
    parts.push(text.slice(last, m.index));
    pieces.forEach((piece, i) => parts.push(piece.times === 1 ? (values[i] as string) : (values[i] as string).repeat(piece.times)));
    last = end;
  }
  size += text.length - last;
  if (size > max) throw refuse();
  parts.push(text.slice(last));
  return parts.join('');
}

/**
 * The text one piece stands for in one match. `` $` `` and `$'` return slices of the input
 * (no copy in V8), so computing them costs nothing before the size check.
 */
function pieceText(piece: Piece, m: Match, text: string, end: number): string {
  switch (piece.kind) {
    case 'text':
      return piece.text;
    case 'match':
      return m.text;
    case 'before':
      return text.slice(0, m.index);
    case 'after':
      return text.slice(end);
    case 'group':
      return m.groups[piece.index - 1] ?? '';
    case 'named':
      return (m.named && Object.hasOwn(m.named, piece.name) ? m.named[piece.name] : undefined) ?? '';
  }
}
