import type { FieldError } from '../core/problem.js';
import type { Evidence, WantedEvidence } from './evidence.js';
import { ASPECT_IDS, LEVEL_IDS, type AspectId, type LevelId } from './maturity-model.js';

/** What an assessor says about one aspect: the level, and why (a note is expected when overriding the suggestion). */
export interface AspectAnswer {
  level: LevelId;
  note?: string;
}

/** An assessment as submitted (from the portal or a YAML file). */
export interface AssessmentInput {
  aspects: Record<AspectId, AspectAnswer>;
  note?: string;
  /** The date it speaks for (default now); not in the future. */
  assessedAt?: string;
}

/** One aspect of a stored assessment. */
export interface AssessedAspect {
  aspect: AspectId;
  level: LevelId;
  /** The level Pave suggested from the evidence, when it could. */
  suggested?: LevelId;
  /** Whether the assessor chose another level than the suggested one. */
  overridden: boolean;
  note?: string;
  evidence: Evidence[];
  missing: WantedEvidence[];
}

export interface Assessment {
  id: string;
  assessedAt: string;
  recordedAt: string;
  assessor: string;
  note?: string;
  aspects: AssessedAspect[];
  credit: string;
}

/** The evidence and suggestions as they stand: what an assessor starts from. */
export interface EvidenceReport {
  at: string;
  aspects: Array<{ aspect: AspectId; suggested?: LevelId; evidence: Evidence[]; missing: WantedEvidence[] }>;
  credit: string;
}

const NOTE_MAX = 2000;

/** The mistakes in an assessment, each naming its field: a missing aspect, an unknown one, a level outside the model. */
export function assessmentErrors(input: unknown, now: string): FieldError[] {
  if (typeof input !== 'object' || input === null) return [{ pointer: '', detail: 'must be an object with aspects', rule: 'type' }];
  const { aspects, note, assessedAt } = input as Partial<AssessmentInput>;
  const errors: FieldError[] = [];
  if (typeof aspects !== 'object' || aspects === null || Array.isArray(aspects)) return [{ pointer: '/aspects', detail: `must map each aspect (${ASPECT_IDS.join(', ')}) to { level, note }`, rule: 'type' }];
  for (const aspect of ASPECT_IDS) if (!(aspect in aspects)) errors.push({ pointer: `/aspects/${aspect}`, detail: `is missing: every aspect of the model is assessed (${ASPECT_IDS.join(', ')})`, rule: 'required' });
  for (const [key, answer] of Object.entries(aspects as Record<string, Partial<AspectAnswer>>)) {
    if (!ASPECT_IDS.includes(key as AspectId)) {
      errors.push({ pointer: `/aspects/${key}`, detail: `is not an aspect of the model: must be one of ${ASPECT_IDS.join(', ')}`, rule: 'enum' });
      continue;
    }
    if (typeof answer !== 'object' || answer === null) errors.push({ pointer: `/aspects/${key}`, detail: 'must be { level, note }', rule: 'type' });
    else {
      if (!LEVEL_IDS.includes(answer.level as LevelId)) errors.push({ pointer: `/aspects/${key}/level`, detail: `must be one of the model's levels: ${LEVEL_IDS.join(', ')} (found ${JSON.stringify(answer.level ?? null)})`, rule: 'enum' });
      if (answer.note !== undefined && (typeof answer.note !== 'string' || answer.note.length > NOTE_MAX)) errors.push({ pointer: `/aspects/${key}/note`, detail: `must be text of at most ${NOTE_MAX} characters`, rule: 'maxLength' });
    }
  }
  if (note !== undefined && (typeof note !== 'string' || note.length > NOTE_MAX)) errors.push({ pointer: '/note', detail: `must be text of at most ${NOTE_MAX} characters`, rule: 'maxLength' });
  if (assessedAt !== undefined && (typeof assessedAt !== 'string' || Number.isNaN(Date.parse(assessedAt)) || !/^\d{4}-\d{2}-\d{2}/.test(assessedAt))) errors.push({ pointer: '/assessedAt', detail: 'must be a date in ISO-8601, e.g. 2026-03-02', rule: 'format' });
  else if (assessedAt !== undefined && new Date(assessedAt).toISOString() > now) errors.push({ pointer: '/assessedAt', detail: 'must not be in the future', rule: 'range' });
  return errors;
}
