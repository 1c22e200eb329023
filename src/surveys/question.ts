import type { FieldError } from '../core/problem.js';

/** How a question is answered: agree–disagree on 1–5, 0–10 "how likely to recommend" (NPS), or words. */
export type QuestionType = 'likert' | 'nps' | 'text';

/** What a question is about (DevEx's three dimensions, satisfaction, recommendation, anything else). */
export type QuestionTopic = 'feedback-loops' | 'cognitive-load' | 'flow' | 'satisfaction' | 'golden-paths' | 'recommend' | 'other';

export const QUESTION_TYPES: readonly QuestionType[] = ['likert', 'nps', 'text'];
export const QUESTION_TOPICS: readonly QuestionTopic[] = ['feedback-loops', 'cognitive-load', 'flow', 'satisfaction', 'golden-paths', 'recommend', 'other'];

/**
 * One question. Its `id` is stable across edits of the questionnaire: results of different runs are
 * compared by id, so rewording keeps the id and a new meaning gets a new one.
 */
export interface Question {
  id: string;
  type: QuestionType;
  topic: QuestionTopic;
  text: string;
  /** Must be answered (default false: people may skip). */
  required?: boolean;
}

/** The words at each end of the Likert scale. */
export const LIKERT_LABELS = ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'] as const;

/** A free-text answer's longest length, in characters. */
export const MAX_TEXT_ANSWER = 2000;
const MAX_QUESTIONS = 100;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The mistakes in a list of questions (at `pointer`), each naming its field. */
export function questionErrors(questions: unknown, pointer = '/questions'): FieldError[] {
  if (!Array.isArray(questions)) return [{ pointer, detail: 'must be a list of questions', rule: 'type' }];
  const errors: FieldError[] = [];
  if (!questions.length) errors.push({ pointer, detail: 'must hold at least one question', rule: 'minItems' });
  if (questions.length > MAX_QUESTIONS) errors.push({ pointer, detail: `must hold at most ${MAX_QUESTIONS} questions`, rule: 'maxItems' });
  const seen = new Set<string>();
  questions.forEach((q: Partial<Question>, i) => {
    const at = `${pointer}/${i}`;
    if (typeof q !== 'object' || q === null) return errors.push({ pointer: at, detail: 'must be a question object', rule: 'type' });
    if (typeof q.id !== 'string' || !ID.test(q.id)) errors.push({ pointer: `${at}/id`, detail: 'must be lower-case letters, digits and dashes (at most 63), e.g. build-wait', rule: 'pattern' });
    else if (seen.has(q.id)) errors.push({ pointer: `${at}/id`, detail: `repeats the id ${q.id}: ids are unique in a questionnaire`, rule: 'unique' });
    else seen.add(q.id);
    if (!QUESTION_TYPES.includes(q.type as QuestionType)) errors.push({ pointer: `${at}/type`, detail: `must be one of ${QUESTION_TYPES.map(t => `"${t}"`).join(', ')}`, rule: 'enum' });
    if (!QUESTION_TOPICS.includes(q.topic as QuestionTopic)) errors.push({ pointer: `${at}/topic`, detail: `must be one of ${QUESTION_TOPICS.map(t => `"${t}"`).join(', ')}`, rule: 'enum' });
    if (typeof q.text !== 'string' || !q.text.trim() || q.text.length > 500) errors.push({ pointer: `${at}/text`, detail: 'must be the question in words (1–500 characters)', rule: 'length' });
    if (q.required !== undefined && typeof q.required !== 'boolean') errors.push({ pointer: `${at}/required`, detail: 'must be true or false', rule: 'type' });
    return undefined;
  });
  return errors;
}

/** The mistake in one answer to `question` (at `pointer`), or undefined when it is a valid answer. */
export function answerError(question: Question, value: unknown, pointer: string): FieldError | undefined {
  switch (question.type) {
    case 'likert':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5 ? undefined : { pointer, detail: 'must be a whole number from 1 (strongly disagree) to 5 (strongly agree)', rule: 'range' };
    case 'nps':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 10 ? undefined : { pointer, detail: 'must be a whole number from 0 (not at all likely) to 10 (extremely likely)', rule: 'range' };
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_ANSWER ? undefined : { pointer, detail: `must be text of at most ${MAX_TEXT_ANSWER} characters`, rule: 'maxLength' };
  }
}
