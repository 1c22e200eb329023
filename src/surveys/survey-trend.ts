import type { QuestionResult, RunResults } from './survey-results.js';

/** One point of a question's trend: the everyone-result of one closed run. */
export interface TrendPoint {
  runId: string;
  title: string;
  closesAt: string;
  /** The question's words in that run (they may have been edited; the id stayed). */
  text: string;
  /** Likert mean or NPS score; absent when the run's result is hidden under the threshold. */
  value?: number;
  answered?: number;
}

/** A question's trend across runs, by its stable id. */
export interface QuestionTrend {
  id: string;
  type: 'likert' | 'nps';
  /** The newest words of the question. */
  text: string;
  points: TrendPoint[];
}

/**
 * Trends of the Likert and NPS questions across runs, matched by question id (so edited words do not break
 * a series, and a question asked in only some runs has points for those). Free text has no trend.
 */
export function surveyTrend(runs: ReadonlyArray<{ runId: string; title: string; closesAt: string; results: RunResults }>): QuestionTrend[] {
  const trends = new Map<string, QuestionTrend>();
  for (const run of runs) {
    for (const question of run.results.overall.questions ?? []) {
      if (question.type === 'text') continue;
      const trend = trends.get(question.id) ?? { id: question.id, type: question.type, text: question.text, points: [] };
      trend.text = question.text;
      trend.points.push({ runId: run.runId, title: run.title, closesAt: run.closesAt, text: question.text, ...valueOf(question) });
      trends.set(question.id, trend);
    }
  }
  return [...trends.values()];
}

function valueOf(question: QuestionResult): { value?: number; answered?: number } {
  const a = question.aggregate;
  if (!question.shown || !a || a.type === 'text') return {};
  return { value: a.type === 'likert' ? a.mean : a.score, answered: a.answered };
}
