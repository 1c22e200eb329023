import type { Question } from './question.js';

/** Who a run asks: everyone signed in, or the members of some teams (their sub-teams included). */
export type Audience = { type: 'everyone' } | { type: 'teams'; teams: string[] };

/** scheduled: not open yet; open: taking answers; closed: by hand or because its close date passed. */
export type RunState = 'scheduled' | 'open' | 'closed';

/** A questionnaire, edited between runs. */
export interface Survey {
  id: string;
  title: string;
  questions: Question[];
  createdAt: string;
  updatedAt: string;
}

/** One run of a questionnaire, with the questions as they were when it opened. */
export interface SurveyRun {
  id: string;
  surveyId: string;
  title: string;
  questions: Question[];
  audience: Audience;
  opensAt: string;
  closesAt: string;
  closedAt?: string;
  state: RunState;
  /** How many have answered (a count: never who). */
  respondents: number;
  /** For the caller: whether they have answered, and whether they are asked. */
  answered?: boolean;
  eligible?: boolean;
}

/** A run's state at `now`. */
export function runState(run: { opensAt: string; closesAt: string; closedAt?: string }, now: string): RunState {
  if (run.closedAt || now >= run.closesAt) return 'closed';
  return now < run.opensAt ? 'scheduled' : 'open';
}
