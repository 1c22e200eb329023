import type { Question } from './question.js';

/** A Likert question's answers in one group: how many, the mean (1–5), the share that agreed (4 or 5), each point's count. */
export interface LikertAggregate {
  answered: number;
  mean: number;
  /** Share of answers that were 4 (agree) or 5 (strongly agree), 0–1. */
  favourable: number;
  /** Counts of 1, 2, 3, 4 and 5. */
  distribution: number[];
}

/** An NPS question's answers: promoters (9–10), passives (7–8), detractors (0–6), the score (−100 … 100). */
export interface NpsAggregate {
  answered: number;
  score: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Counts of 0 … 10. */
  distribution: number[];
}

/** A free-text question's answers, in alphabetical order (the order people answered in would date them). */
export interface TextAggregate {
  answered: number;
  answers: string[];
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/**
 * Likert aggregate of whole numbers 1–5.
 * @example likertAggregate([5, 4, 4, 2, 1]) // { answered: 5, mean: 3.2, favourable: 0.6, distribution: [1, 1, 0, 2, 1] }
 */
export function likertAggregate(values: readonly number[]): LikertAggregate {
  const distribution = [0, 0, 0, 0, 0];
  for (const value of values) distribution[value - 1]! += 1;
  const answered = values.length;
  const sum = values.reduce((a, b) => a + b, 0);
  return { answered, mean: answered ? round(sum / answered, 2) : 0, favourable: answered ? round((distribution[3]! + distribution[4]!) / answered, 3) : 0, distribution };
}

/**
 * Net Promoter Score of whole numbers 0–10: the percentage of promoters (9–10) minus that of detractors
 * (0–6), rounded to a whole number.
 * @example npsAggregate([10, 9, 8, 7, 6, 0]).score // 0 (2 promoters, 2 detractors of 6)
 */
export function npsAggregate(values: readonly number[]): NpsAggregate {
  const distribution = new Array<number>(11).fill(0);
  for (const value of values) distribution[value]! += 1;
  const answered = values.length;
  const promoters = values.filter(v => v >= 9).length;
  const detractors = values.filter(v => v <= 6).length;
  return { answered, score: answered ? Math.round(((promoters - detractors) / answered) * 100) : 0, promoters, passives: answered - promoters - detractors, detractors, distribution };
}

export function textAggregate(values: readonly string[]): TextAggregate {
  const answers = values.map(v => v.trim()).filter(Boolean).sort((a, b) => a.localeCompare(b));
  return { answered: answers.length, answers };
}

/** The aggregate of one question's answers, by its type. */
export type QuestionAggregate = ({ type: 'likert' } & LikertAggregate) | ({ type: 'nps' } & NpsAggregate) | ({ type: 'text' } & TextAggregate);

export function aggregate(question: Question, values: readonly unknown[]): QuestionAggregate {
  if (question.type === 'likert') return { type: 'likert', ...likertAggregate(values as number[]) };
  if (question.type === 'nps') return { type: 'nps', ...npsAggregate(values as number[]) };
  return { type: 'text', ...textAggregate(values as string[]) };
}

/** How many answered the question (text answers that are only spaces are no answer). */
export function answeredCount(question: Question, values: readonly unknown[]): number {
  return question.type === 'text' ? values.filter(v => typeof v === 'string' && v.trim()).length : values.length;
}
