import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';

/** Developer-experience surveys (`surveys:` in `pave.config.yaml`). */
export interface SurveysConfig {
  /**
   * The anonymity threshold: a group's results (a team's, everyone's) are shown only when at least this many
   * people answered in it; below it, an explanation instead of numbers (PAVE_SURVEYS_MIN_RESPONDENTS).
   */
  minRespondents: number;
}

/** A fresh copy of the surveys defaults: groups of at least 5. */
export function defaultSurveysConfig(): SurveysConfig {
  return { minRespondents: 5 };
}

/**
 * The surveys section: the anonymity threshold, at least 2 (a group of one is one person).
 * @example loadConfig({ env: { PAVE_SURVEYS_MIN_RESPONDENTS: '7' } }).surveys.minRespondents // 7
 */
export const surveysConfigSection: ConfigSection<'surveys', SurveysConfig> = {
  key: 'surveys',
  defaults: defaultSurveysConfig,
  fromEnvironment(surveys, { env }) {
    return env.PAVE_SURVEYS_MIN_RESPONDENTS ? { ...surveys, minRespondents: Number(env.PAVE_SURVEYS_MIN_RESPONDENTS) } : surveys;
  },
  validate: surveys =>
    fieldChecks(check => {
      check(Number.isInteger(surveys.minRespondents) && surveys.minRespondents >= 2, '/minRespondents', 'must be a whole number of at least 2 (PAVE_SURVEYS_MIN_RESPONDENTS): a group of one is one person');
    }),
};
