import { describe, expect, it } from 'vitest';
import { PaveError } from '../core/problem.js';
import { checkTemplate, conditionTruthy, evaluateCondition, renderFile, renderString, renderValue } from './index.js';

const context = {
  parameters: {
    name: 'api',
    count: 3,
    enabled: true,
    tags: ['a', 'b'],
    spec: { replicas: 2 },
    numeric: '123',
    dryRun: false,
    repoUrl: 'github.com?owner=acme&repo=api',
  },
};

describe('renderString: the typed single-expression rule', () => {
  it('keeps the type when the whole string is one expression', () => {
    expect(renderString('${{ parameters.tags }}', context)).toEqual(['a', 'b']);
    expect(renderString('${{ parameters.spec }}', context)).toEqual({ replicas: 2 });
    expect(renderString('${{ parameters.count }}', context)).toBe(3);
    expect(renderString('${{ parameters.enabled }}', context)).toBe(true);
    expect(renderString('${{parameters.name}}', context)).toBe('api');
    expect(renderString('${{ parameters.numeric }}', context)).toBe('123');
    expect(renderString('${{ parameters.missing }}', context)).toBeUndefined();
    expect(renderString('${{ parameters.repoUrl | parseRepoUrl }}', context)).toEqual({ host: 'github.com', owner: 'acme', repo: 'api' });
  });

  it('returns ordinary objects (not the engine\'s null-prototype ones)', () => {
    const value = renderString('${{ {a: 1} }}', context) as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('renders text when there is anything besides the one expression', () => {
    expect(renderString(' ${{ parameters.count }}', context)).toBe(' 3');
    expect(renderString('${{ parameters.count }} ', context)).toBe('3 ');
    expect(renderString('${{ parameters.count }}${{ parameters.count }}', context)).toBe('33');
    expect(renderString('n=${{ parameters.tags }}', context)).toBe('n=a,b');
    expect(renderString('{% if true %}${{ parameters.count }}{% endif %}', context)).toBe('3');
  });

  it('returns strings without tags unchanged, including Handlebars-style {{ }}', () => {
    expect(renderString('plain', context)).toBe('plain');
    expect(renderString('{{ parameters.name }}', context)).toBe('{{ parameters.name }}');
    expect(renderString('gitlab.com?owner=x%2F{{orgname}}&repo=${{ parameters.name }}', context)).toBe(
      'gitlab.com?owner=x%2F{{orgname}}&repo=api',
    );
  });

  it('throws a 422 PaveError listing every syntax error', () => {
    try {
      renderString('${{ a | nope }} ${{ b | nada }}', context);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PaveError);
      const problem = (error as PaveError).problem;
      expect(problem.status).toBe(422);
      expect(problem.errors?.map(e => e.detail)).toEqual(['line 1, column 9: unknown filter "nope"', 'line 1, column 25: unknown filter "nada"']);
    }
  });
});

describe('renderValue', () => {
  it('deep-renders strings in objects and arrays, typed where a string is one expression', () => {
    const input = {
      url: './skeleton',
      values: { name: '${{ parameters.name }}', tags: '${{ parameters.tags }}', port: 8080, on: true, nothing: null },
      list: ['${{ parameters.count }}', 'x-${{ parameters.count }}', ['${{ parameters.enabled }}']],
      '${{ key }}': 'keys are not rendered',
    };
    expect(renderValue(input, context)).toEqual({
      url: './skeleton',
      values: { name: 'api', tags: ['a', 'b'], port: 8080, on: true, nothing: null },
      list: [3, 'x-3', [true]],
      '${{ key }}': 'keys are not rendered',
    });
  });

  it('names the JSON pointer of the string that failed', () => {
    try {
      renderValue({ steps: [{ input: { 'a/b': '${{ x | nope }}' } }] }, context);
      expect.unreachable();
    } catch (error) {
      const problem = (error as PaveError).problem;
      expect(problem.errors?.[0]?.pointer).toBe('/steps/0/input/a~1b');
      expect(problem.detail).toContain('/steps/0/input/a~1b');
    }
  });
});

describe('renderFile', () => {
  it('renders file content and paths to text', () => {
    expect(renderFile('${{ parameters.count }}', context)).toBe('3');
    expect(renderFile('src/${{ parameters.name }}.ts', context)).toBe('src/api.ts');
    expect(renderFile('a: ${{ parameters.spec | dump }}\n', context)).toBe('a: {"replicas":2}\n');
  });

  it('cookiecutter mode: {{ }} is an expression and ${{ }} still works', () => {
    const options = { cookiecutterCompat: true };
    const ctx = { cookiecutter: { name: 'svc', tags: ['x'] } };
    expect(renderFile('{{ cookiecutter.name }}/${{ cookiecutter.name }}', ctx, options)).toBe('svc/svc');
    expect(renderFile('{{ cookiecutter.tags | jsonify }}', ctx, options)).toBe('["x"]');
    expect(renderFile('{%- for t in cookiecutter.tags %}{{ t.upper() }}{% endfor %}', ctx, options)).toBe('X');
    expect(renderFile('{{ "a-b-c".replace("-", "_") }}', ctx, options)).toBe('a_b_c');
    expect(renderFile('{{ "a b  c".split() }}', ctx, options)).toBe('a,b,c');
    expect(renderFile('{{ cookiecutter.name }}', ctx)).toBe('{{ cookiecutter.name }}');
    expect(renderString('{{ cookiecutter.tags }}', ctx, options)).toEqual(['x']);
    expect(checkTemplate('{{ a | nope }}')).toEqual([]);
    expect(checkTemplate('{{ a | nope }}', options)).toHaveLength(1);
  });
});

describe('evaluateCondition', () => {
  it('uses booleans as they are and renders strings', () => {
    expect(evaluateCondition(true, context)).toBe(true);
    expect(evaluateCondition(false, context)).toBe(false);
    expect(evaluateCondition('${{ not parameters.dryRun }}', context)).toBe(true);
    expect(evaluateCondition('${{ parameters.dryRun }}', context)).toBe(false);
    expect(evaluateCondition('${{ parameters.dryRun === false }}', context)).toBe(true);
    expect(evaluateCondition('${{ parameters.missing }}', context)).toBe(false);
    expect(evaluateCondition('${{ parameters.tags }}', context)).toBe(true);
    expect(evaluateCondition('${{ [] }}', context)).toBe(false);
    expect(evaluateCondition('${{ "false" }}', context)).toBe(false);
    expect(evaluateCondition('false', context)).toBe(false);
    expect(evaluateCondition(' FALSE ', context)).toBe(false);
    expect(evaluateCondition('', context)).toBe(false);
    expect(evaluateCondition('${{ 0 }}', context)).toBe(false);
    expect(evaluateCondition('yes', context)).toBe(true);
  });

  it('treats an absent condition as true', () => {
    expect(evaluateCondition(undefined, context)).toBe(true);
    expect(evaluateCondition(null, context)).toBe(true);
  });

  it('conditionTruthy', () => {
    expect([0, '', 'false', [], null, undefined, Number.NaN, false].map(conditionTruthy)).toEqual(Array(8).fill(false));
    expect([1, 'x', ['a'], {}, true].map(conditionTruthy)).toEqual(Array(5).fill(true));
  });
});

describe('checkTemplate', () => {
  it('returns no errors for valid templates', () => {
    expect(checkTemplate('${{ parameters.name | lower }} {% if x %}{% for a in b %}{% endfor %}{% endif %}')).toEqual([]);
  });

  it('returns every error with line and column and the given pointer', () => {
    const errors = checkTemplate('${{ a | nope }}\n{% include "x.njk" %}\n${{ b', { pointer: '/spec/steps/0/input/x' });
    expect(errors).toEqual([
      { pointer: '/spec/steps/0/input/x', detail: 'line 1, column 9: unknown filter "nope"', rule: 'unknown-filter' },
      {
        pointer: '/spec/steps/0/input/x',
        detail: expect.stringMatching(/^line 2, column 4: tag "include" is not supported/) as unknown as string,
        rule: 'unsupported-tag',
      },
      {
        pointer: '/spec/steps/0/input/x',
        detail: 'line 3, column 1: unclosed tag: "${{" has no matching "}}"',
        rule: 'unbalanced',
      },
    ]);
  });

  it('knows custom filters', () => {
    expect(checkTemplate('${{ a | shout }}', { filters: { shout: v => v } })).toEqual([]);
  });

  it('refuses regular expressions that need backtracking, and invalid ones', () => {
    expect(checkTemplate('${{ a | replace(r/(a)\\1/, "") }}')[0]?.rule).toBe('unsafe-regex');
    expect(checkTemplate('${{ a | replace(r/a(?=b)/, "") }}')[0]?.detail).toMatch(/look-ahead.*linear-time \(RE2\) matching does not support/);
    expect(checkTemplate('${{ a | replace(r/(/, "") }}')[0]?.rule).toBe('unsafe-regex');
    expect(checkTemplate('${{ a | replace(r/a/y, "") }}')[0]?.detail).toMatch(/flag "y" is not supported/);
    expect(checkTemplate('${{ a | replace(r/(ab)+|c*/g, "") }}')).toEqual([]);
    // Nested quantifiers are fine: RE2 matches them in linear time.
    expect(checkTemplate('${{ a | replace(r/(a+)+$/, "") }}')).toEqual([]);
  });
});
