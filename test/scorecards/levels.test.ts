/**
 * Level computation and rule conditions, without a server: edge cases of levels (no rules at a level,
 * weights, unknown rules), the CI gate's check, and what a condition may name.
 */
import { describe, expect, it } from 'vitest';
import { levelOf, type RuleStatus } from '../../src/scorecards/level-computation.js';
import { checkCondition } from '../../src/scorecards/rule-condition.js';
import { knownFacts } from '../../src/scorecards/collectors.js';
import { checkLevels } from '../../src/scorecards/level-check.js';
import { checkScorecardSpec } from '../../src/scorecards/scorecard-kind.js';

const levels = [
  { name: 'gold', rank: 3 },
  { name: 'bronze', rank: 1 },
  { name: 'silver', rank: 2 },
];
const rules = [
  { id: 'a', level: 'bronze', weight: 3 },
  { id: 'b', level: 'silver', weight: 1 },
  { id: 'c', level: 'gold', weight: 1 },
];
const statuses = (...list: RuleStatus[]) => new Map(list.map((status, index) => [rules[index]!.id, status]));

describe('levelOf', () => {
  it('reaches a level only when every rule of it and of every lower level passes, whatever the order levels are written in', () => {
    expect(levelOf(levels, rules, statuses('pass', 'pass', 'pass'))).toEqual({ level: 'gold', score: 100 });
    expect(levelOf(levels, rules, statuses('pass', 'pass', 'fail'))).toEqual({ level: 'silver', score: 80 });
    expect(levelOf(levels, rules, statuses('fail', 'pass', 'pass'))).toEqual({ level: null, score: 40 });
  });

  it('never passes an unknown rule', () => {
    expect(levelOf(levels, rules, statuses('unknown', 'pass', 'pass'))).toEqual({ level: null, score: 40 });
    expect(levelOf(levels, rules, statuses('pass', 'unknown', 'pass'))).toEqual({ level: 'bronze', score: 80 });
  });

  it('a level without rules adds no condition; no rules at all is the top level and 100', () => {
    expect(levelOf(levels, rules.slice(0, 1), new Map([['a', 'pass' as RuleStatus]]))).toEqual({ level: 'gold', score: 100 });
    expect(levelOf(levels, rules.slice(1), new Map([['b', 'fail' as RuleStatus]]))).toEqual({ level: 'bronze', score: 0 });
    expect(levelOf(levels, [], new Map())).toEqual({ level: 'gold', score: 100 });
  });
});

describe('rule conditions', () => {
  const known = knownFacts();

  it('names the facts a condition reads', () => {
    const condition = 'facts.catalog.hasDescription and "facts." in facts.catalog.lifecycle or\n  facts.repository["readme"]';
    expect(checkCondition(condition, '/c', known)).toMatchObject({ facts: ['catalog.hasDescription', 'catalog.lifecycle', 'repository.readme'], errors: [] });
  });

  it('refuses unknown facts, other names, whole sources, computed fact names and template delimiters', () => {
    const detail = (condition: string) => checkCondition(condition, '/c', known).errors.map(error => error.detail);
    expect(detail('facts.catalog.nope')).toEqual(['names the unknown fact "catalog.nope"']);
    expect(detail('facts.catalog')).toEqual(['"facts.catalog" is not a fact: name one as facts.<source>.<name>']);
    expect(detail('facts.catalog[name]')).toEqual(['"facts.catalog" is not a fact: name one as facts.<source>.<name>', 'names "name", which is not defined (only facts.<source>.<name> is)']);
    expect(detail('constructor.constructor')).toEqual(['names "constructor", which is not defined (only facts.<source>.<name> is)']);
    expect(detail('true }} {{ 1')).toEqual(['is one expression, written without {{ }}, {% %} or {# #}']);
    expect(detail('')).toEqual(['must not be empty']);
    expect(detail('facts.catalog.hasOwner and (')[0]).toMatch(/^column \d+: /);
  });

  it('a scorecard spec is checked for duplicate levels, ranks and rule ids, missing levels and unreadable filters', () => {
    const errors = checkScorecardSpec({
      filter: ['kind=component', ',=x'],
      levels: [
        { name: 'bronze', rank: 1 },
        { name: 'silver', rank: 1 },
      ],
      rules: [
        { id: 'a', level: 'bronze', condition: 'facts.catalog.hasOwner' },
        { id: 'a', level: 'gold', condition: 'facts.catalog.hasOwner' },
      ],
    });
    expect(errors.map(error => error.pointer)).toEqual(['/spec/levels/1/rank', '/spec/rules/1/id', '/spec/rules/1/level', '/spec/filter/1']);
  });
});

describe('checkLevels (the CI gate)', () => {
  const card = { ref: 'scorecard:default/readiness', name: 'readiness', title: 'R', filter: [], levels: [{ name: 'bronze', rank: 1 }, { name: 'silver', rank: 2 }], rules: [] };
  const view = {
    entity: 'component:default/cart',
    scorecards: [card],
    facts: [],
    history: {},
    results: [
      {
        scorecard: card.ref,
        entity: 'component:default/cart',
        level: 'bronze',
        score: 50,
        evaluatedAt: '2026-01-01T00:00:00.000Z',
        rules: [
          { id: 'owned', title: 'Owned', level: 'bronze', weight: 1, status: 'pass' as const },
          { id: 'readme', title: 'README', level: 'silver', weight: 1, status: 'unknown' as const, message: 'Not known yet: repository.readme' },
        ],
      },
    ],
  };

  it('passes at or below the level reached and names the rules in the way above it', () => {
    expect(checkLevels(view, {})).toMatchObject([{ required: 'bronze', passed: true, failing: [] }]);
    expect(checkLevels(view, { level: 'silver' })).toMatchObject([{ required: 'silver', level: 'bronze', passed: false, failing: [{ id: 'readme', status: 'unknown' }] }]);
    expect(() => checkLevels(view, { level: 'platinum' })).toThrow('has no level platinum');
    expect(() => checkLevels(view, { scorecard: 'other' })).toThrow('No scorecard other');
  });
});
