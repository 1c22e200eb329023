/**
 * Typed calls to the survey and maturity routes. Shapes are the server's own (type-only imports: nothing
 * of src/ is bundled); errors are `ApiError` problems.
 */
import { apiRequest } from '../lib/api';
import type { Survey, SurveyRun } from '../../../src/surveys/survey-run.js';
import type { GroupResult, QuestionResult, RunResults } from '../../../src/surveys/survey-results.js';
import type { QuestionTrend } from '../../../src/surveys/survey-trend.js';
import type { Assessment, EvidenceReport } from '../../../src/maturity/assessment.js';
import type { Question } from '../../../src/surveys/question.js';
import type { PulseQuestion, PulseSubjectResult } from '../../../src/surveys/pulse.js';
export type { Survey, SurveyRun, GroupResult, QuestionResult, RunResults, QuestionTrend, Assessment, EvidenceReport, Question };

const enc = encodeURIComponent;

export function listSurveys(signal?: AbortSignal): Promise<{ items: Survey[] }> {
  return apiRequest('/api/surveys', { signal });
}

export function listRuns(signal?: AbortSignal): Promise<{ items: SurveyRun[] }> {
  return apiRequest('/api/surveys/runs', { signal });
}

export function getRun(runId: string, signal?: AbortSignal): Promise<SurveyRun> {
  return apiRequest(`/api/surveys/runs/${enc(runId)}`, { signal });
}

export function answerRun(runId: string, answers: Record<string, number | string>): Promise<{ runId: string; recorded: boolean }> {
  return apiRequest(`/api/surveys/runs/${enc(runId)}/responses`, { method: 'POST', json: { answers } });
}

export function runResults(runId: string, signal?: AbortSignal): Promise<RunResults> {
  return apiRequest(`/api/surveys/runs/${enc(runId)}/results`, { signal });
}

export function surveyTrend(surveyId: string, signal?: AbortSignal): Promise<{ items: QuestionTrend[] }> {
  return apiRequest(`/api/surveys/${enc(surveyId)}/trend`, { signal });
}

export function maturityEvidence(signal?: AbortSignal): Promise<EvidenceReport> {
  return apiRequest('/api/maturity/evidence', { signal });
}

export function listAssessments(signal?: AbortSignal): Promise<{ items: Assessment[] }> {
  return apiRequest('/api/maturity/assessments', { signal });
}

export const LEVEL_TITLES: Record<string, string> = { provisional: 'Provisional', operational: 'Operational', scalable: 'Scalable', optimizing: 'Optimizing' };
export const LEVEL_RANKS: Record<string, number> = { provisional: 1, operational: 2, scalable: 3, optimizing: 4 };
export const ASPECT_TITLES: Record<string, string> = { investment: 'Investment', adoption: 'Adoption', interfaces: 'Interfaces', operations: 'Operations', measurement: 'Measurement' };
export const MODEL_CREDIT_SHORT = 'CNCF Platform Engineering Maturity Model (CNCF TAG App Delivery, Platforms Working Group, v1, 2023; CC BY 4.0)';

export function getSurvey(surveyId: string, signal?: AbortSignal): Promise<Survey> {
  return apiRequest(`/api/surveys/${enc(surveyId)}`, { signal });
}

/** Edits a questionnaire between runs (runs made keep their questions). */
export function updateSurvey(surveyId: string, changes: { title?: string; questions?: Question[] }): Promise<Survey> {
  return apiRequest(`/api/surveys/${enc(surveyId)}`, { method: 'PATCH', json: changes });
}

export function createSurvey(title: string): Promise<Survey> {
  return apiRequest('/api/surveys', { method: 'POST', json: { title } });
}

export function openRun(surveyId: string, input: { title?: string; closesAt: string; audience?: { type: 'everyone' } | { type: 'teams'; teams: string[] } }): Promise<SurveyRun> {
  return apiRequest(`/api/surveys/${enc(surveyId)}/runs`, { method: 'POST', json: input });
}

export function closeRun(runId: string): Promise<SurveyRun> {
  return apiRequest(`/api/surveys/runs/${enc(runId)}/close`, { method: 'POST', json: {} });
}

export type { PulseQuestion, PulseSubjectResult };

/** The pulse a finished task or request asks the caller (403/422 when it asks them nothing). */
export function pulseQuestion(occasion: string, signal?: AbortSignal): Promise<PulseQuestion> {
  return apiRequest(`/api/surveys/pulse/question?occasion=${enc(occasion)}`, { signal });
}

export function ratePulse(occasion: string, score: number, comment?: string): Promise<{ occasion: string; recorded: boolean }> {
  return apiRequest('/api/surveys/pulse', { method: 'POST', json: { occasion, score, ...(comment ? { comment } : {}) } });
}

export function pulseResults(signal?: AbortSignal): Promise<{ minRespondents: number; items: PulseSubjectResult[] }> {
  return apiRequest('/api/surveys/pulse', { signal });
}
