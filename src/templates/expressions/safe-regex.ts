/**
 * Regular-expression literals (`r/…/flags`, as in Nunjucks) are the one place a template
 * hands a pattern to the host's regex engine. A single regex match cannot be interrupted
 * by the time budget, so patterns that can backtrack exponentially are refused up front:
 * back-references, and a repeated group that itself contains a quantifier or `|`
 * (e.g. `(a+)+`, `(a|aa)*`, `(x*y?){2,}`).
 */

/** Longest accepted pattern. */
export const MAX_REGEX_LENGTH = 1000;

interface Group {
  quantified: boolean;
  alternation: boolean;
}

/** Reads a quantifier at `i`: 'many' (`*`, `+`, `{n,}`, `{n,m}` with m > 1), 'few' (`?`, `{0,1}`, `{n}`), or none. */
function quantifierAt(p: string, i: number): { kind: 'many' | 'few'; length: number } | undefined {
  const c = p[i];
  if (c === '*' || c === '+') return { kind: 'many', length: 1 };
  if (c === '?') return { kind: 'few', length: 1 };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i, i + 24));
    if (!m) return undefined;
    const many = m[2] !== undefined && (m[3] === '' || Number(m[3]) > 1);
    return { kind: many ? 'many' : 'few', length: m[0].length };
  }
  return undefined;
}

/**
 * Returns why a pattern is refused, or undefined when it is safe and valid.
 *
 * @example
 * checkRegex('domain:| |-', '');   // undefined
 * checkRegex('(a+)+$', '');        // 'regular expression ... nested quantifier ...'
 */
export function checkRegex(pattern: string, flags: string): string | undefined {
  if (pattern.length > MAX_REGEX_LENGTH) return `regular expression longer than ${MAX_REGEX_LENGTH} characters`;
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    return `invalid regular expression /${pattern}/${flags}: ${(error as Error).message}`;
  }
  const stack: Group[] = [{ quantified: false, alternation: false }];
  const top = (): Group => stack[stack.length - 1] as Group;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1] ?? '';
      if (/[1-9]/.test(e) || (e === 'k' && pattern[i + 2] === '<')) {
        return `regular expression /${pattern}/ uses a back-reference, which is not allowed (it can take exponential time)`;
      }
      i++;
      continue;
    }
    if (c === '[') {
      i++;
      while (i < pattern.length && pattern[i] !== ']') {
        if (pattern[i] === '\\') i++;
        i++;
      }
      continue;
    }
    if (c === '(') {
      stack.push({ quantified: false, alternation: false });
      if (pattern[i + 1] === '?') {
        const rest = pattern.slice(i + 2);
        const m = /^(:|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(rest);
        if (m) i += 1 + m[0].length;
      }
      continue;
    }
    if (c === ')') {
      const group = stack.length > 1 ? (stack.pop() as Group) : top();
      const q = quantifierAt(pattern, i + 1);
      if (q?.kind === 'many' && (group.quantified || group.alternation)) {
        return `regular expression /${pattern}/ repeats a group that contains a quantifier or "|" (nested quantifier), which can take exponential time`;
      }
      if (q || group.quantified) top().quantified = true;
      if (q) i += q.length;
      continue;
    }
    if (c === '|') {
      top().alternation = true;
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      top().quantified = true;
      i += q.length - 1;
    }
  }
  return undefined;
}

/**
 * Builds a RegExp from a literal that `checkRegex` accepted (the parser checks every literal).
 *
 * @example
 * 'a-b c'.replace(compileRegex('[- ]', 'g'), ''); // 'abc'
 */
export function compileRegex(pattern: string, flags: string): RegExp {
  return new RegExp(pattern, flags);
}
