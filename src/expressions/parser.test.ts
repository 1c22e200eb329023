import { describe, expect, it } from 'vitest';
import type { Expr, OutputNode } from './ast.js';
import { tokenize } from './lexer.js';
import { parse } from './parser.js';

function parseSource(source: string, maxDepth = 200) {
  return parse(tokenize(source).tokens, { maxDepth });
}

function expr(source: string): Expr {
  const { ast, issues } = parseSource(`\${{ ${source} }}`);
  expect(issues).toEqual([]);
  return (ast.body[0] as OutputNode).expr;
}

/** Compact s-expression view of an expression tree. */
function show(e: Expr): string {
  switch (e.type) {
    case 'Literal':
      return JSON.stringify(e.value);
    case 'Name':
      return e.name;
    case 'Binary':
    case 'Logical':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'Unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'Filter':
      return `(|${e.name} ${show(e.input)}${e.args.map(a => ' ' + show(a)).join('')})`;
    case 'Member':
      return `(. ${show(e.object)} ${typeof e.property === 'string' ? e.property : show(e.property)})`;
    case 'Compare':
      return `(cmp ${show(e.first)}${e.rest.map(r => ` ${r.op} ${show(r.expr)}`).join('')})`;
    case 'Conditional':
      return `(if ${show(e.test)} ${show(e.consequent)} ${e.alternate ? show(e.alternate) : '-'})`;
    case 'Test':
      return `(is${e.negated ? '-not' : ''} ${e.test} ${show(e.subject)})`;
    case 'Method':
      return `(call ${show(e.object)}.${e.method}${e.args.map(a => ' ' + show(a)).join('')})`;
    default:
      return e.type;
  }
}

describe('parser: precedence', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['a ~ b + c', '(~ a (+ b c))'],
    ['-a | abs', '(|abs (- a))'],
    ['a + b | upper', '(+ a (|upper b))'],
    ['2 ** 3 ** 2', '(** (** 2 3) 2)'],
    ['not a and b or c', '(or (and (not a) b) c)'],
    ['a if b else c if d else e', '(if b a (if d c e))'],
    ['x | join(", ") if x else "None"', '(if x (|join x ", ") "None")'],
    ['a.b[0]["c"]', '(. (. (. a b) 0) "c")'],
    ['a < b <= c', '(cmp a < b <= c)'],
    ['a not in b', '(cmp a not in b)'],
    ['x | length > 0', '(cmp (|length x) > 0)'],
    ['x is not defined', '(is-not defined x)'],
    ['name.split(" ")[2]', '(. (call name.split " ") 2)'],
    ['a // b % c', '(% (// a b) c)'],
  ])('%s', (source, expected) => {
    expect(show(expr(source))).toBe(expected);
  });
});

describe('parser: statements', () => {
  it('builds if / elif / else and for / else and set', () => {
    const { ast, issues } = parseSource(
      '{% if a %}1{% elif b %}2{% else %}3{% endif %}{% for k, v in o %}{{ k }}{% else %}none{% endfor %}{% set x = 1 %}{% set y %}t{% endset %}',
    );
    expect(issues).toEqual([]);
    expect(ast.body.map(n => n.type)).toEqual(['If', 'For', 'Set', 'Set']);
    const ifNode = ast.body[0];
    expect(ifNode?.type === 'If' && ifNode.branches.length).toBe(2);
    const forNode = ast.body[1];
    expect(forNode?.type === 'For' && forNode.targets).toEqual(['k', 'v']);
  });

  it('reports every error and keeps going', () => {
    const { issues } = parseSource('${{ a + }}\n{% include "x" %}\n${{ b | }}\n{% endif %}\n{% frobnicate %}');
    expect(issues.map(i => [i.loc.line, i.rule])).toEqual([
      [1, 'syntax'],
      [2, 'unsupported-tag'],
      [3, 'syntax'],
      [4, 'unbalanced'],
      [5, 'unsupported-tag'],
    ]);
  });

  it.each(['include', 'import', 'extends', 'macro', 'call', 'block', 'filter', 'from'])('refuses {%% %s %%} naming the tag', tag => {
    const { issues } = parseSource(`x\n  {% ${tag} "y" %}`);
    expect(issues[0]?.message).toContain(`tag "${tag}" is not supported`);
    expect(issues[0]?.loc).toEqual({ line: 2, column: 6 });
  });

  it('reports unclosed blocks at their opening tag', () => {
    const { issues } = parseSource('a\n{% if x %}\n{% for i in y %}');
    expect(issues.map(i => [i.message, i.loc.line])).toEqual([
      ['"{% for %}" opened here is never closed: expected "{% endfor %}"', 3],
      ['"{% if %}" opened here is never closed: expected "{% endif %}"', 2],
    ]);
  });

  it('refuses calls other than range() and the built-in methods', () => {
    expect(parseSource('${{ foo() }}').issues[0]?.rule).toBe('not-callable');
    expect(parseSource('${{ a.b.c() }}').issues[0]?.message).toContain('calling method "c" is not allowed');
    expect(parseSource('${{ a["split"](" ") }}').issues[0]?.rule).toBe('not-callable');
    expect(parseSource('${{ range(3)(1) }}').issues[0]?.rule).toBe('not-callable');
    expect(parseSource('${{ range(1, 2, 3, 4) }}').issues[0]?.message).toContain('range() takes 1 to 3 arguments');
  });

  it('refuses unknown tests and keyword arguments outside filters', () => {
    expect(parseSource('${{ a is frobbed }}').issues[0]?.rule).toBe('unknown-test');
    expect(parseSource('${{ range(stop=3) }}').issues[0]?.message).toContain('keyword arguments');
  });

  it('stops at the depth limit instead of overflowing the stack', () => {
    const deep = '${{ ' + '('.repeat(10_000) + '1' + ')'.repeat(10_000) + ' }}';
    const { issues } = parseSource(deep);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.rule).toBe('limits.maxDepth');
    const chain = '${{ ' + Array.from({ length: 500 }, () => 'a').join(' + ') + ' }}';
    expect(parseSource(chain).issues[0]?.rule).toBe('limits.maxDepth');
    expect(parseSource(chain, 1000).issues).toEqual([]);
  });
});
