import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';

/** Scorecards (`scorecards:` in `pave.config.yaml`). */
export interface ScorecardsConfig {
  /** Days fact and result history is kept (PAVE_SCORECARDS_HISTORY_DAYS). */
  historyDays: number;
  /** How often the collection worker looks for due deferred (repository) collections, in milliseconds. */
  pollMs: number;
}

/** A fresh copy of the defaults: a year of history, due collections looked for every 2 s. */
export function defaultScorecardsConfig(): ScorecardsConfig {
  return { historyDays: 365, pollMs: 2000 };
}

export const scorecardsConfigSection: ConfigSection<'scorecards', ScorecardsConfig> = {
  key: 'scorecards',
  defaults: defaultScorecardsConfig,
  fromEnvironment(section, { env }) {
    return env.PAVE_SCORECARDS_HISTORY_DAYS ? { ...section, historyDays: Number(env.PAVE_SCORECARDS_HISTORY_DAYS) } : section;
  },
  validate: section =>
    fieldChecks(check => {
      check(Number.isFinite(section.historyDays) && section.historyDays > 0, '/historyDays', 'must be a positive number of days (PAVE_SCORECARDS_HISTORY_DAYS)');
      check(Number.isInteger(section.pollMs) && section.pollMs >= 100, '/pollMs', 'must be a whole number of milliseconds, at least 100');
    }),
};
