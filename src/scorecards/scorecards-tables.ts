/**
 * The scorecards module's tables: facts per entity (the current value and its history) and scorecard
 * results (the latest per scorecard and entity, and their history). They join the store's `Database` by
 * declaration merging; every file that queries them imports this file, for types only.
 */

declare module '../store/schema.js' {
  interface Database {
    scorecard_facts: ScorecardFactsTable;
    scorecard_fact_history: ScorecardFactHistoryTable;
    scorecard_results: ScorecardResultsTable;
    scorecard_result_history: ScorecardResultHistoryTable;
    scorecard_campaign_reminders: ScorecardCampaignRemindersTable;
  }
}

/** The current value of one fact of one entity: unique per (entity_ref, source, name). */
export interface ScorecardFactsTable {
  entity_ref: string;
  /** The collector that yields it, e.g. `catalog`. */
  source: string;
  name: string;
  /** JSON. */
  value: string;
  observed_at: string;
}

/** A fact's value each time it changed (kept `scorecards.historyDays`). */
export interface ScorecardFactHistoryTable {
  id: string;
  entity_ref: string;
  source: string;
  name: string;
  value: string;
  observed_at: string;
}

/** The latest evaluation of one scorecard for one entity: unique per (scorecard_ref, entity_ref). */
export interface ScorecardResultsTable {
  scorecard_ref: string;
  entity_ref: string;
  /** The owner ref of the entity when it was evaluated (for per-team views). */
  owner: string | null;
  /** The highest level reached, or null (unranked). */
  level: string | null;
  /** Weighted share of passing rules, 0–100. */
  score: number;
  /** JSON list of rule results. */
  rules: string;
  evaluated_at: string;
}

/** A result each time its level, score or rules changed. */
export interface ScorecardResultHistoryTable {
  id: string;
  scorecard_ref: string;
  entity_ref: string;
  level: string | null;
  score: number;
  evaluated_at: string;
}

/** A campaign reminded on a day (`YYYY-MM-DD`): the claim that makes it once a day across replicas. */
export interface ScorecardCampaignRemindersTable {
  campaign_ref: string;
  day: string;
}
