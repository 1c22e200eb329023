import type { EntityScorecardsView, ScorecardResultView, ScorecardView } from './scorecard-views.js';

/** What a check of one entity against one scorecard found. */
export interface LevelCheck {
  scorecard: string;
  entity: string;
  /** The level asked for. */
  required: string;
  /** The level reached, if any. */
  level?: string;
  passed: boolean;
  /** The rules at the required level or below that do not pass (failing or unknown). */
  failing: Array<{ id: string; title: string; level: string; status: string; message?: string }>;
}

/**
 * Checks an entity's results against a level of each scorecard (the lowest level when none is named): what
 * `pave scorecard check` gates a CI job on. Pure. Throws when a named scorecard or level does not exist.
 * @example checkLevels(view, { level: 'silver' }) // [{ scorecard, passed: false, failing: [{ id: 'codeowners', … }] }]
 */
export function checkLevels(view: EntityScorecardsView, options: { scorecard?: string; level?: string }): LevelCheck[] {
  const pairs: Array<[ScorecardView, ScorecardResultView]> = view.results.map((result, index) => [view.scorecards.find(card => card.ref === result.scorecard) ?? view.scorecards[index]!, result]);
  const chosen = options.scorecard ? pairs.filter(([card]) => card.ref === options.scorecard || card.name === options.scorecard) : pairs;
  if (options.scorecard && !chosen.length) throw new Error(`No scorecard ${options.scorecard} scores ${view.entity}`);
  return chosen.map(([card, result]) => {
    const required = options.level ? card.levels.find(level => level.name === options.level) : card.levels[0];
    if (!required) throw new Error(`The scorecard ${card.ref} has no level ${options.level}`);
    const within = new Set(card.levels.filter(level => level.rank <= required.rank).map(level => level.name));
    const failing = result.rules.filter(rule => within.has(rule.level) && rule.status !== 'pass').map(rule => ({ id: rule.id, title: rule.title, level: rule.level, status: rule.status, ...(rule.message ? { message: rule.message } : {}) }));
    return { scorecard: card.ref, entity: view.entity, required: required.name, ...(result.level ? { level: result.level } : {}), passed: failing.length === 0, failing };
  });
}
