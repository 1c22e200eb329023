/**
 * The lexer: splits a template into text and tags (`${{ }}`, `{% %}`, `{# #}`, and
 * `{{ }}` in cookiecutter mode), tokenizes the inside of tags, applies whitespace
 * control (`{%-`, `-%}`, `{{-`, `-}}`, `{#-`, `-#}`) and copies `{% raw %}` blocks
 * verbatim. It never throws: problems are returned as issues next to the tokens.
 */
import type { SyntaxIssue, SourceLocation } from './template-error.js';
import type { Token, TokenKind } from './token.js';

export interface LexerOptions {
  /** Also treat `{{ … }}` as an expression (cookiecutter / Jinja style). `${{ … }}` always is. */
  cookiecutterCompat?: boolean;
}

export interface LexResult {
  tokens: Token[];
  issues: SyntaxIssue[];
}

/** Operators and punctuation, longest first. */
const OPERATORS = [
  '===', '!==',
  '**', '//', '==', '!=', '<=', '>=',
  '+', '-', '*', '/', '%', '~', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}', '<', '>', '=',
];

const NAME_START = /[A-Za-z_]/;
const NAME_REST = /[A-Za-z0-9_]/;
const NUMBER = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /\s/;
const REGEX_FLAGS = /[gimsuy]/;
const RAW_TAGS = new Set(['raw', 'verbatim']);

/**
 * Tokenizes a template source.
 *
 * @example
 * const { tokens, issues } = tokenize('Hello ${{ name | upper }}!');
 * tokens.map(t => t.kind); // ['text', 'varStart', 'name', 'op', 'name', 'varEnd', 'text', 'eof']
 */
export function tokenize(source: string, options: LexerOptions = {}): LexResult {
  return new Lexer(source, options.cookiecutterCompat ?? false).run();
}

type TagKind = 'var' | 'block' | 'comment';

class Lexer {
  private readonly tokens: Token[] = [];
  private readonly issues: SyntaxIssue[] = [];
  private readonly lineStarts: number[] = [0];
  private pos = 0;
  /** Strip leading whitespace of the next text (set by `-}}`, `-%}`, `-#}`). */
  private trimNext = false;
  /** The source ended inside a tag (already reported). */
  private unclosedAtEnd = false;

  constructor(
    private readonly src: string,
    private readonly compat: boolean,
  ) {
    for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  run(): LexResult {
    while (this.pos < this.src.length) {
      const next = this.findTag(this.pos);
      if (!next) {
        this.pushText(this.src.slice(this.pos), this.pos);
        this.pos = this.src.length;
        break;
      }
      if (next.start > this.pos) this.pushText(this.src.slice(this.pos, next.start), this.pos);
      this.pos = next.start + next.length;
      if (next.kind === 'comment') this.lexComment(next.start);
      else this.lexTag(next.kind, next.start, this.src.slice(next.start, next.start + next.length));
    }
    // An eof token valued 'unclosed' tells the parser the lexer already reported the open tag.
    this.tokens.push({ kind: 'eof', value: this.unclosedAtEnd ? 'unclosed' : '', loc: this.locAt(this.src.length) });
    return { tokens: this.tokens, issues: this.issues };
  }

  /** Finds the next tag opening at or after `from`. */
  private findTag(from: number): { kind: TagKind; start: number; length: number } | undefined {
    let i = this.src.indexOf('{', from);
    while (i !== -1) {
      const c = this.src[i + 1];
      if (c === '{') {
        if (i > from && this.src[i - 1] === '$') return { kind: 'var', start: i - 1, length: 3 };
        if (this.compat) return { kind: 'var', start: i, length: 2 };
      } else if (c === '%') {
        return { kind: 'block', start: i, length: 2 };
      } else if (c === '#') {
        return { kind: 'comment', start: i, length: 2 };
      }
      i = this.src.indexOf('{', i + 1);
    }
    return undefined;
  }

  private locAt(offset: number): SourceLocation {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  private issue(message: string, offset: number, rule = 'syntax'): void {
    this.issues.push({ message, loc: this.locAt(offset), rule });
  }

  private push(kind: TokenKind, value: string, offset: number, extra?: Partial<Token>): void {
    this.tokens.push({ kind, value, loc: this.locAt(offset), ...extra });
  }

  private pushText(text: string, offset: number): void {
    let value = text;
    let at = offset;
    if (this.trimNext) {
      const trimmed = value.replace(/^\s+/, '');
      at += value.length - trimmed.length;
      value = trimmed;
      this.trimNext = false;
    }
    if (value !== '') this.push('text', value, at);
  }

  /** Applies `{%-`: strips trailing whitespace from the text just before. */
  private trimPrevious(): void {
    const last = this.tokens[this.tokens.length - 1];
    if (last?.kind === 'text') {
      last.value = last.value.replace(/\s+$/, '');
      if (last.value === '') this.tokens.pop();
    }
  }

  private lexComment(start: number): void {
    this.trimNext = false;
    if (this.src[this.pos] === '-') this.trimPrevious();
    const end = this.src.indexOf('#}', this.pos);
    if (end === -1) {
      this.issue('unclosed comment: "{#" has no matching "#}"', start, 'unbalanced');
      this.pos = this.src.length;
      return;
    }
    if (end > this.pos && this.src[end - 1] === '-') this.trimNext = true;
    this.pos = end + 2;
  }

  private lexTag(kind: 'var' | 'block', start: number, opener: string): void {
    this.trimNext = false;
    if (this.src[this.pos] === '-') {
      this.trimPrevious();
      this.pos++;
    }
    const firstToken = this.tokens.length;
    this.push(kind === 'var' ? 'varStart' : 'blockStart', opener, start);
    const closer = kind === 'var' ? '}}' : '%}';
    let braces = 0;
    const src = this.src;
    for (;;) {
      while (this.pos < src.length && WHITESPACE.test(src[this.pos] ?? '')) this.pos++;
      if (this.pos >= src.length) {
        this.issue(`unclosed tag: "${opener}" has no matching "${closer}"`, start, 'unbalanced');
        this.unclosedAtEnd = true;
        return;
      }
      const at = this.pos;
      const ch = src[at] ?? '';
      if (braces === 0 && src.startsWith(closer, at)) {
        this.push(kind === 'var' ? 'varEnd' : 'blockEnd', closer, at);
        this.pos = at + 2;
        break;
      }
      if (ch === '-' && braces === 0 && src.startsWith(closer, at + 1)) {
        this.push(kind === 'var' ? 'varEnd' : 'blockEnd', closer, at + 1);
        this.pos = at + 3;
        this.trimNext = true;
        break;
      }
      if (ch === '"' || ch === "'") {
        this.lexString(ch, at);
        continue;
      }
      if (ch === 'r' && src[at + 1] === '/') {
        this.lexRegex(at);
        continue;
      }
      if (NAME_START.test(ch)) {
        let end = at + 1;
        while (end < src.length && NAME_REST.test(src[end] ?? '')) end++;
        this.push('name', src.slice(at, end), at);
        this.pos = end;
        continue;
      }
      if (ch >= '0' && ch <= '9') {
        NUMBER.lastIndex = at;
        const m = NUMBER.exec(src);
        const text = m?.[0] ?? ch;
        this.push('number', text, at, { number: Number(text) });
        this.pos = at + text.length;
        continue;
      }
      const op = OPERATORS.find(o => src.startsWith(o, at));
      if (op) {
        if (op === '{') braces++;
        if (op === '}') braces = Math.max(0, braces - 1);
        this.push('op', op, at);
        this.pos = at + op.length;
        continue;
      }
      this.issue(`unexpected character ${JSON.stringify(ch)} in tag`, at);
      this.pos = at + 1;
    }
    if (kind === 'block') this.maybeRaw(firstToken);
  }

  private lexString(quote: string, start: number): void {
    const src = this.src;
    let i = start + 1;
    let out = '';
    while (i < src.length && src[i] !== quote) {
      const c = src[i] ?? '';
      if (c === '\\' && i + 1 < src.length) {
        const e = src[i + 1] ?? '';
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
        i += 2;
        continue;
      }
      out += c;
      i++;
    }
    if (i >= src.length) {
      this.issue('unterminated string literal', start);
      this.unclosedAtEnd = true;
      this.pos = src.length;
      return;
    }
    this.push('string', out, start);
    this.pos = i + 1;
  }

  private lexRegex(start: number): void {
    const src = this.src;
    let i = start + 2;
    let pattern = '';
    let inClass = false;
    while (i < src.length) {
      const c = src[i] ?? '';
      if (c === '\\' && i + 1 < src.length) {
        pattern += c + (src[i + 1] ?? '');
        i += 2;
        continue;
      }
      if (c === '\n') break;
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
      pattern += c;
      i++;
    }
    if (src[i] !== '/') {
      this.issue('unterminated regular expression literal', start);
      this.pos = i;
      return;
    }
    i++;
    let flags = '';
    while (i < src.length && REGEX_FLAGS.test(src[i] ?? '')) flags += src[i++];
    this.push('regex', pattern, start, { flags });
    this.pos = i;
  }

  /** After `{% raw %}` (or `verbatim`), copies everything up to `{% endraw %}` as text. */
  private maybeRaw(firstToken: number): void {
    const tag = this.tokens.slice(firstToken);
    const name = tag[1];
    if (tag.length !== 3 || name?.kind !== 'name' || !RAW_TAGS.has(name.value)) return;
    const open = tag[0] as Token;
    const endTag = new RegExp(`\\{%(-?)\\s*end${name.value}\\s*(-?)%\\}`, 'g');
    endTag.lastIndex = this.pos;
    const m = endTag.exec(this.src);
    this.tokens.length = firstToken;
    if (!m) {
      this.issues.push({ message: `unclosed "${name.value}" block: no "{% end${name.value} %}"`, loc: open.loc, rule: 'unbalanced' });
      this.pos = this.src.length;
      this.trimNext = false;
      return;
    }
    let content = this.src.slice(this.pos, m.index);
    let at = this.pos;
    if (this.trimNext) {
      const trimmed = content.replace(/^\s+/, '');
      at += content.length - trimmed.length;
      content = trimmed;
    }
    if (m[1] === '-') content = content.replace(/\s+$/, '');
    if (content !== '') this.push('text', content, at);
    this.pos = m.index + m[0].length;
    this.trimNext = m[2] === '-';
  }
}
