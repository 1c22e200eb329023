import { describe, expect, it } from 'vitest';
import { likertAggregate, npsAggregate, textAggregate } from '../../src/surveys/survey-aggregates.js';
import { shownGroups } from '../../src/surveys/small-group-suppression.js';
import { surveyTrend } from '../../src/surveys/survey-trend.js';
import { runResults } from '../../src/surveys/survey-results.js';
import type { Question } from '../../src/surveys/question.js';

describe('survey aggregates on known data', () => {
  it('scores NPS as % promoters (9–10) minus % detractors (0–6)', () => {
    // 4 promoters, 3 passives, 3 detractors of 10 → 40% − 30% = 10
    const nps = npsAggregate([10, 10, 9, 9, 8, 8, 7, 6, 3, 0]);
    expect(nps).toMatchObject({ answered: 10, promoters: 4, passives: 3, detractors: 3, score: 10 });
    expect(nps.distribution).toEqual([1, 0, 0, 1, 0, 0, 1, 1, 2, 2, 2]);
    expect(npsAggregate([0, 1, 2]).score).toBe(-100);
    expect(npsAggregate([9, 10]).score).toBe(100);
    // 1 promoter of 3, no detractor: 33.3 → 33
    expect(npsAggregate([9, 7, 8]).score).toBe(33);
  });

  it('gives the Likert mean, the favourable share (4–5) and the distribution', () => {
    expect(likertAggregate([5, 4, 4, 2, 1])).toEqual({ answered: 5, mean: 3.2, favourable: 0.6, distribution: [1, 1, 0, 2, 1] });
    expect(likertAggregate([3, 3, 4])).toEqual({ answered: 3, mean: 3.33, favourable: 0.333, distribution: [0, 0, 2, 1, 0] });
  });

  it('orders free text alphabetically (never in the order people answered) and drops blank answers', () => {
    expect(textAggregate(['zebra CI', '  ', 'Alpha builds', 'mid'])).toEqual({ answered: 3, answers: ['Alpha builds', 'mid', 'zebra CI'] });
  });
});

describe('small-group suppression', () => {
  it('hides groups under the threshold and, when the hidden ones add up to fewer, the smallest shown ones too', () => {
    expect(shownGroups(new Map([['a', 9], ['b', 7], ['c', 2]]), 5)).toEqual(new Set(['a']));
    expect(shownGroups(new Map([['a', 9], ['b', 7], ['c', 5]]), 5)).toEqual(new Set(['a', 'b', 'c']));
    expect(shownGroups(new Map([['a', 9], ['c', 2], ['d', 3]]), 5)).toEqual(new Set(['a']));
    expect(shownGroups(new Map([['a', 6], ['c', 2]]), 5)).toEqual(new Set());
  });

  it('never lets everyone minus the shown teams isolate fewer than the threshold, for any team sizes', () => {
    const min = 5;
    for (let trial = 0; trial < 500; trial++) {
      const counts = new Map(Array.from({ length: 1 + (trial % 6) }, (_, i) => [`t${i}`, ((trial * 7 + i * 13) % 11) + 1] as [string, number]));
      const shown = shownGroups(counts, min);
      const rest = [...counts].filter(([k]) => !shown.has(k)).reduce((s, [, n]) => s + n, 0);
      for (const key of shown) expect(counts.get(key)!).toBeGreaterThanOrEqual(min);
      // With nothing shown the complement is everyone, shown only when everyone is at least the threshold.
      expect(shown.size === 0 || rest === 0 || rest >= min, `counts ${JSON.stringify([...counts])} shown ${[...shown]}`).toBe(true);
    }
  });
});

describe('trends across edited questionnaires', () => {
  const likert = (id: string, text: string): Question => ({ id, type: 'likert', topic: 'flow', text });
  const answers = (id: string, values: number[], team = 'group:default/a') => values.map(v => ({ team, answers: { [id]: v } }));

  it('matches questions by id: reworded questions continue their series, new ones start, dropped ones stop', () => {
    const first = runResults({ runId: 'r1', title: 'Q1', state: 'closed', questions: [likert('focus', 'I have focus time.'), likert('old', 'Dropped later')], responses: [...answers('focus', [2, 2, 3, 3, 5]), ...answers('old', [4, 4, 4, 4, 4])], min: 5 });
    const second = runResults({ runId: 'r2', title: 'Q2', state: 'closed', questions: [likert('focus', 'I have enough uninterrupted time.'), likert('new', 'Brand new')], responses: [...answers('focus', [4, 4, 5, 5, 2]), ...answers('new', [3, 3, 3, 3, 3])], min: 5 });
    const trend = surveyTrend([
      { runId: 'r1', title: 'Q1', closesAt: '2026-03-01T00:00:00.000Z', results: first },
      { runId: 'r2', title: 'Q2', closesAt: '2026-06-01T00:00:00.000Z', results: second },
    ]);
    const focus = trend.find(t => t.id === 'focus')!;
    expect(focus.text).toBe('I have enough uninterrupted time.');
    expect(focus.points.map(p => [p.runId, p.value, p.text])).toEqual([
      ['r1', 3, 'I have focus time.'],
      ['r2', 4, 'I have enough uninterrupted time.'],
    ]);
    expect(trend.find(t => t.id === 'old')!.points.map(p => p.runId)).toEqual(['r1']);
    expect(trend.find(t => t.id === 'new')!.points.map(p => [p.runId, p.value])).toEqual([['r2', 3]]);
  });
});
