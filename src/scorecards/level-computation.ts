import type { ScorecardLevel, ScorecardRule } from './scorecard.js';

export type RuleStatus = 'pass' | 'fail' | 'unknown';

/**
 * The highest level reached and the weighted score, from each rule's status. A level is reached when every
 * rule of it and of every lower level passes (an unknown rule does not pass; a level without rules adds no
 * condition). The score is the weight of the passing rules over the weight of all, 0–100 (100 with no rules).
 * Pure.
 * @example levelOf(levels, rules, new Map([['owner', 'pass']])) // { level: 'bronze', score: 50 }
 */
export function levelOf(levels: readonly ScorecardLevel[], rules: readonly Pick<ScorecardRule, 'id' | 'level' | 'weight'>[], status: ReadonlyMap<string, RuleStatus>): { level: string | null; score: number } {
  let level: string | null = null;
  for (const candidate of [...levels].sort((a, b) => a.rank - b.rank)) {
    const ofLevel = rules.filter(rule => rule.level === candidate.name);
    if (!ofLevel.every(rule => status.get(rule.id) === 'pass')) break;
    level = candidate.name;
  }
  const total = rules.reduce((sum, rule) => sum + rule.weight, 0);
  const passed = rules.filter(rule => status.get(rule.id) === 'pass').reduce((sum, rule) => sum + rule.weight, 0);
  return { level, score: total === 0 ? 100 : Math.round((passed / total) * 100) };
}
