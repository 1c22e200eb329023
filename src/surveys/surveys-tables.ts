/**
 * The surveys module's tables. They join the store's `Database` by declaration merging; every file that
 * queries them imports this file, for types only.
 *
 * Anonymity by construction: `survey_responses` holds answers with no person, no time and a random
 * (not time-ordered) id; `survey_respondents` holds only who has answered which run, with no time and no
 * link to the response, so that one person cannot answer twice.
 */

declare module '../store/schema.js' {
  interface Database {
    surveys: SurveysTable;
    survey_runs: SurveyRunsTable;
    survey_responses: SurveyResponsesTable;
    survey_respondents: SurveyRespondentsTable;
    survey_pulses: SurveyPulsesTable;
    survey_pulse_respondents: SurveyPulseRespondentsTable;
  }
}

/** A questionnaire, edited between runs. */
export interface SurveysTable {
  id: string;
  title: string;
  /** JSON list of questions (each with its stable id). */
  questions: string;
  created_at: string;
  updated_at: string;
}

/** One run of a questionnaire: its questions as they were when it was created, its audience and dates. */
export interface SurveyRunsTable {
  id: string;
  survey_id: string;
  title: string;
  questions: string;
  /** JSON `{ "type": "everyone" }` or `{ "type": "teams", "teams": [group refs] }`. */
  audience: string;
  opens_at: string;
  closes_at: string;
  /** Set when it was closed by hand before `closes_at`. */
  closed_at: string | null;
  /** When the closing-soon reminder event was appended (once per run). */
  reminded_at: string | null;
  created_at: string;
}

/** One person's answers to one run, without the person. */
export interface SurveyResponsesTable {
  /** Random (UUIDv4): an id ordered by time would date the answer. */
  id: string;
  run_id: string;
  /** The team the answers count for (a group ref), or null. */
  team: string | null;
  /** JSON `{ questionId: number | string }`. */
  answers: string;
}

/** The marker "this person has answered this run": no time, no response id. */
export interface SurveyRespondentsTable {
  run_id: string;
  principal: string;
}

/** One pulse rating, without the person: what it was about and the month it was given, nothing finer. */
export interface SurveyPulsesTable {
  /** Random (UUIDv4), like a response's. */
  id: string;
  /** `golden-path` or `platform-request`. */
  occasion_kind: string;
  /** The template ref or the capability name the rating is about. */
  subject: string;
  /** `YYYY-MM`. */
  month: string;
  score: number;
  comment: string | null;
}

/** The marker "this person rated this occasion" (a task or request ref): no time, no link to the rating. */
export interface SurveyPulseRespondentsTable {
  occasion: string;
  principal: string;
}
