/**
 * Source → checked syntax tree: size check, lexing, parsing and filter-name checks,
 * with a small cache so the same template string is parsed once.
 */
import type { TemplateAst } from './ast.js';
import type { FilterRegistry } from './filter-registry.js';
import { tokenize } from './lexer.js';
import type { Limits } from './limits.js';
import { parse, type ParseResult } from './parser.js';
import type { SyntaxIssue } from './template-error.js';

export interface CompileOptions {
  cookiecutterCompat: boolean;
  limits: Readonly<Limits>;
  filters: FilterRegistry;
}

export interface CompiledTemplate {
  ast: TemplateAst;
  /** Every problem found, in source order; empty when the template is usable. */
  issues: SyntaxIssue[];
}

const CACHE_ENTRIES = 500;
const CACHE_MAX_SOURCE = 64 * 1024;
const cache = new Map<string, ParseResult>();

function parseCached(source: string, options: CompileOptions): ParseResult {
  const key = `${options.cookiecutterCompat ? 1 : 0}:${options.limits.maxDepth}:${source}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const lexed = tokenize(source, { cookiecutterCompat: options.cookiecutterCompat });
  const parsed = parse(lexed.tokens, { maxDepth: options.limits.maxDepth });
  const result: ParseResult = { ...parsed, issues: [...lexed.issues, ...parsed.issues] };
  if (source.length <= CACHE_MAX_SOURCE) {
    cache.set(key, result);
    if (cache.size > CACHE_ENTRIES) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  }
  return result;
}

/**
 * Parses a template and checks it against the limits and the filter registry.
 *
 * @example
 * const { ast, issues } = compileTemplate('${{ name | upper }}', {
 *   cookiecutterCompat: false, limits: DEFAULT_LIMITS, filters: createFilterRegistry(),
 * });
 */
export function compileTemplate(source: string, options: CompileOptions): CompiledTemplate {
  if (source.length > options.limits.maxSourceSize) {
    return {
      ast: { body: [] },
      issues: [
        {
          message: `template source is larger than ${options.limits.maxSourceSize} characters`,
          loc: { line: 1, column: 1 },
          rule: 'limits.maxSourceSize',
        },
      ],
    };
  }
  const parsed = parseCached(source, options);
  const issues = [...parsed.issues];
  for (const ref of parsed.filterRefs) {
    if (!options.filters.has(ref.name)) {
      issues.push({ message: `unknown filter "${ref.name}"`, loc: ref.loc, rule: 'unknown-filter' });
    }
  }
  issues.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
  return { ast: parsed.ast, issues };
}
