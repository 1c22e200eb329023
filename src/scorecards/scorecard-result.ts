import type { RuleStatus } from './level-computation.js';

/** One rule's outcome for one entity. */
export interface RuleResult {
  id: string;
  title: string;
  level: string;
  weight: number;
  status: RuleStatus;
  /** The rule's pass or fail message; for unknown, which facts are missing or why it could not be evaluated. */
  message?: string;
  fixUrl?: string;
  /** A golden path that fixes it, with values computed from the entity (only while failing). */
  fix?: { template: string; values: Record<string, unknown> };
}

/** One scorecard's latest evaluation of one entity. */
export interface ScorecardResult {
  scorecard: string;
  entity: string;
  owner?: string;
  /** The highest level reached; absent when unranked. */
  level?: string;
  score: number;
  rules: RuleResult[];
  evaluatedAt: string;
}
