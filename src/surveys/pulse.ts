import type { FieldError } from '../core/problem.js';
import type { PaveEvent } from '../store/event-log.js';

/** What a pulse follows: a golden path run (a task) that completed, or a platform request that became Ready. */
export type PulseOccasionKind = 'golden-path' | 'platform-request';

/** The one question each occasion asks, rated 1 (strongly disagree) to 5 (strongly agree). */
export const PULSE_QUESTIONS: Record<PulseOccasionKind, string> = {
  'golden-path': 'Creating this with the golden path was easy.',
  'platform-request': 'Getting this infrastructure from the platform was easy.',
};

/** A finished occasion, as the event log tells it: what it was about and who may rate it. */
export interface PulseOccasion {
  /** The task or request ref (`task:default/…`, `resource:team-ns/…`). */
  occasion: string;
  kind: PulseOccasionKind;
  /** The template ref or the capability name. */
  subject: string;
  question: string;
  /** The person who ran the golden path, or the team owning the request (members may rate it). */
  askedOf: { principal?: string; team?: string };
}

/** The occasion's "ask" for the caller: the question and whether they have answered already. */
export interface PulseQuestion {
  occasion: string;
  kind: PulseOccasionKind;
  subject: string;
  question: string;
  answered: boolean;
}

export interface PulseInput {
  occasion: string;
  /** 1 (strongly disagree) … 5 (strongly agree). */
  score: number;
  comment?: string;
}

/** The ratings of one template or capability; numbers only with enough answers (the surveys' threshold). */
export interface PulseSubjectResult {
  kind: PulseOccasionKind;
  subject: string;
  question: string;
  answered: number;
  shown: boolean;
  mean?: number;
  /** Share rating 4 or 5. */
  favourable?: number;
  /** Comments, alphabetical (never in the order given). */
  comments?: string[];
  reason?: string;
}

export const MAX_PULSE_COMMENT = 500;

/** The event types that finish an occasion. */
export const PULSE_EVENT_TYPES = ['templates.task.completed', 'platform.request.phase-changed'] as const;

/** The occasion an event finishes, or undefined (another phase, another type, a malformed payload). */
export function occasionOf(event: PaveEvent): PulseOccasion | undefined {
  const payload = event.payload as Record<string, unknown>;
  if (!event.subject) return undefined;
  if (event.type === 'templates.task.completed' && typeof payload.template === 'string') {
    return { occasion: event.subject, kind: 'golden-path', subject: payload.template, question: PULSE_QUESTIONS['golden-path'], askedOf: { ...(typeof payload.creator === 'string' ? { principal: payload.creator } : {}) } };
  }
  if (event.type === 'platform.request.phase-changed' && payload.phase === 'Ready' && typeof payload.capability === 'string') {
    return {
      occasion: event.subject,
      kind: 'platform-request',
      subject: payload.capability,
      question: PULSE_QUESTIONS['platform-request'],
      askedOf: { ...(typeof payload.owner === 'string' ? { team: payload.owner } : {}) },
    };
  }
  return undefined;
}

/** The mistakes in a pulse answer, each naming its field. */
export function pulseErrors(input: Partial<PulseInput>): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof input.occasion !== 'string' || !input.occasion) errors.push({ pointer: '/occasion', detail: 'must name the task or request rated (task:…, resource:…)', rule: 'required' });
  if (!Number.isInteger(input.score) || input.score! < 1 || input.score! > 5) errors.push({ pointer: '/score', detail: 'must be a whole number from 1 (strongly disagree) to 5 (strongly agree)', rule: 'range' });
  if (input.comment !== undefined && (typeof input.comment !== 'string' || input.comment.length > MAX_PULSE_COMMENT)) errors.push({ pointer: '/comment', detail: `must be text of at most ${MAX_PULSE_COMMENT} characters`, rule: 'maxLength' });
  return errors;
}
