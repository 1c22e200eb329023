/**
 * The text operations whose obvious implementations are unsafe on hostile input: regular
 * expressions that backtrack quadratically (`striptags`), or results several times larger
 * than their input (`escape`, `urlencode`, `nl2br`). Each here is one linear pass, and
 * those that grow their input size the result first and refuse it before building it.
 */
import type { Budget } from './budget.js';
import type { SourceLocation } from './template-error.js';

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const HTML_SPECIAL = /[&<>"']/g;

/**
 * HTML-escapes `& < > " '`, refusing a result larger than `maxOutputSize` before building it.
 *
 * @example
 * escapeHtml('<a href="x">', budget); // '&lt;a href=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string, budget: Budget, loc?: SourceLocation): string {
  let size = text.length;
  for (let i = 0; i < text.length; i++) {
    const escaped = HTML_ESCAPES[text[i] as string];
    if (escaped) size += escaped.length - 1;
  }
  budget.checkSize(size, loc);
  return text.replace(HTML_SPECIAL, c => HTML_ESCAPES[c] ?? c);
}

/** Characters `encodeURIComponent` keeps as they are. */
const URI_UNRESERVED = /[A-Za-z0-9\-_.!~*'()]/;

/**
 * `encodeURIComponent`, sized first: each UTF-8 byte of an escaped character becomes three
 * characters, so the result can be up to nine times its input.
 *
 * @example
 * urlEncode('a b', budget); // 'a%20b'
 */
export function urlEncode(text: string, budget: Budget, loc?: SourceLocation): string {
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) size += URI_UNRESERVED.test(text[i] as string) ? 1 : 3;
    else if (code < 0x800) size += 6;
    else if (code >= 0xd800 && code < 0xdc00) {
      size += 12;
      i++;
    } else size += 9;
  }
  budget.checkSize(size, loc);
  return encodeURIComponent(text);
}

/**
 * Nunjucks' `nl2br`: each newline (`\n` or `\r\n`) becomes `<br />\n`; the result is sized first.
 *
 * @example
 * newlinesToBreaks('a\nb', budget); // 'a<br />\nb'
 */
export function newlinesToBreaks(text: string, budget: Budget, loc?: SourceLocation): string {
  let newlines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) newlines++;
  budget.checkSize(text.length + newlines * 6, loc);
  return text.replace(/\r\n|\n/g, '<br />\n');
}

/**
 * Nunjucks' `striptags`: removes tags (`<name …>`, `</name>`) and comments (`<!-- … -->`),
 * then collapses whitespace (or, preserving line breaks, trims spaces around each line and
 * collapses runs of blank lines). One pass over the input: where a tag or comment is not
 * closed, the search for its end is remembered, so no position is scanned twice.
 *
 * @example
 * stripTags('<p>Hello <b>world</b></p>', false); // 'Hello world'
 */
export function stripTags(text: string, preserveLinebreaks: boolean): string {
  const out: string[] = [];
  let copied = 0;
  // The next '>' and '-->' at or after the last place they were looked for (-1: none left).
  let nextClose = -2;
  let nextCommentEnd = -2;
  let i = text.indexOf('<');
  while (i !== -1) {
    let end = -1;
    if (text.startsWith('<!--', i)) {
      if (nextCommentEnd !== -1 && nextCommentEnd < i + 4) nextCommentEnd = text.indexOf('-->', i + 4);
      if (nextCommentEnd !== -1) end = nextCommentEnd + 3;
    } else {
      const nameEnd = tagNameEnd(text, i);
      if (nameEnd !== -1) {
        if (nextClose !== -1 && nextClose < nameEnd) nextClose = text.indexOf('>', nameEnd);
        if (nextClose !== -1) end = nextClose + 1;
      }
    }
    if (end === -1) {
      i = text.indexOf('<', i + 1);
      continue;
    }
    out.push(text.slice(copied, i));
    copied = end;
    i = text.indexOf('<', end);
  }
  out.push(text.slice(copied));
  const stripped = out.join('');
  if (!preserveLinebreaks) return stripped.replace(/\s+/g, ' ').trim();
  return stripped
    .split(/([\n\r\u2028\u2029])/)
    .map(piece => trimSpaces(piece))
    .join('')
    .replace(/ +/g, ' ')
    .replace(/\r\n/g, '\n')
    .replace(/\n\n\n+/g, '\n\n');
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isWordCode(code: number): boolean {
  return isAsciiLetter(code) || (code >= 48 && code <= 57) || code === 95;
}

/**
 * Where the name of a tag starting at `at` ends (`<a`, `</div`), or -1 when no tag starts
 * there: the pattern `<\/?[a-z][a-z0-9]*\b` (case-insensitive) without a regular expression.
 */
function tagNameEnd(text: string, at: number): number {
  let j = at + 1;
  if (text[j] === '/') j++;
  if (!isAsciiLetter(text.charCodeAt(j))) return -1;
  j++;
  while (j < text.length && (isAsciiLetter(text.charCodeAt(j)) || (text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57))) j++;
  // `\b`: a name followed by `_` is no tag.
  return j < text.length && isWordCode(text.charCodeAt(j)) ? -1 : j;
}

/** Removes leading and trailing spaces (only ' ', as `/^ +| +$/gm` does) from one line. */
function trimSpaces(line: string): string {
  let a = 0;
  let b = line.length;
  while (a < b && line[a] === ' ') a++;
  while (b > a && line[b - 1] === ' ') b--;
  return line.slice(a, b);
}

/**
 * Nunjucks' (and Python's) literal replace: at most `limit` occurrences (all when negative),
 * no `$` patterns; an empty `old` inserts the replacement around every character. The
 * result's size is checked before each piece is added.
 *
 * @example
 * replaceCounted('a.b.c', '.', '-', 1, budget); // 'a-b.c'
 */
export function replaceCounted(s: string, old: string, replacement: string, limit: number, budget: Budget, loc?: SourceLocation): string {
  if (old === '') {
    budget.checkSize(s.length + (s.length + 1) * replacement.length, loc);
    return replacement + s.split('').join(replacement) + replacement;
  }
  if (limit === 0) return s;
  const parts: string[] = [];
  let size = 0;
  let pos = 0;
  let done = 0;
  let next = s.indexOf(old);
  while (next !== -1 && (limit < 0 || done < limit)) {
    size += next - pos + replacement.length;
    budget.checkSize(size + s.length - next - old.length, loc);
    parts.push(s.slice(pos, next), replacement);
    pos = next + old.length;
    done++;
    next = s.indexOf(old, pos);
  }
  parts.push(s.slice(pos));
  return parts.join('');
}

const WHITESPACE = /\s/;

/**
 * Python's `str.split()` without a separator: words between runs of whitespace; after
 * `maxsplit` splits (when it is not negative) the rest of the text is the last item.
 *
 * @example
 * whitespaceSplit('  a b  c ', 1); // ['a', 'b  c ']
 */
export function whitespaceSplit(text: string, maxsplit: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && WHITESPACE.test(text[i] as string)) i++;
    if (i >= text.length) return out;
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(text.slice(i));
      return out;
    }
    const start = i;
    while (i < text.length && !WHITESPACE.test(text[i] as string)) i++;
    out.push(text.slice(start, i));
  }
}

/**
 * How many words (`\w+` runs) a text has.
 *
 * @example
 * wordCount('Hello, wide world!'); // 3
 */
export function wordCount(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const word = isWordCode(text.charCodeAt(i));
    if (word && !inWord) count++;
    inWord = word;
  }
  return count;
}
