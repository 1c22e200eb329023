import type { AnswerInput, RunInput, SurveyInput } from '../surveys/surveys-service.js';
import type { Survey, SurveyRun } from '../surveys/survey-run.js';
import type { RunResults } from '../surveys/survey-results.js';
import type { QuestionTrend } from '../surveys/survey-trend.js';
import type { PulseSubjectResult } from '../surveys/pulse.js';
import type { ApiConnection } from './api-connection.js';

const segment = encodeURIComponent;

/** Developer-experience surveys under /api/surveys. */
export class SurveysApi {
  constructor(private readonly api: ApiConnection) {}

  async list(): Promise<Survey[]> {
    return (await this.api.json<{ items: Survey[] }>({ method: 'GET', path: '/api/surveys' })).items;
  }

  get(id: string): Promise<Survey> {
    return this.api.json({ method: 'GET', path: `/api/surveys/${segment(id)}` });
  }

  create(input: SurveyInput): Promise<Survey> {
    return this.api.json({ method: 'POST', path: '/api/surveys', body: input });
  }

  update(id: string, changes: Partial<SurveyInput>): Promise<Survey> {
    return this.api.json({ method: 'PATCH', path: `/api/surveys/${segment(id)}`, body: changes });
  }

  async runs(query: { surveyId?: string } = {}): Promise<SurveyRun[]> {
    return (await this.api.json<{ items: SurveyRun[] }>({ method: 'GET', path: '/api/surveys/runs', query: { ...query } })).items;
  }

  run(runId: string): Promise<SurveyRun> {
    return this.api.json({ method: 'GET', path: `/api/surveys/runs/${segment(runId)}` });
  }

  open(surveyId: string, input: RunInput): Promise<SurveyRun> {
    return this.api.json({ method: 'POST', path: `/api/surveys/${segment(surveyId)}/runs`, body: input });
  }

  close(runId: string): Promise<SurveyRun> {
    return this.api.json({ method: 'POST', path: `/api/surveys/runs/${segment(runId)}/close`, body: {} });
  }

  answer(runId: string, input: AnswerInput): Promise<{ runId: string; recorded: true }> {
    return this.api.json({ method: 'POST', path: `/api/surveys/runs/${segment(runId)}/responses`, body: input });
  }

  results(runId: string, query: { team?: string } = {}): Promise<RunResults> {
    return this.api.json({ method: 'GET', path: `/api/surveys/runs/${segment(runId)}/results`, query: { ...query } });
  }

  async trend(surveyId: string): Promise<QuestionTrend[]> {
    return (await this.api.json<{ items: QuestionTrend[] }>({ method: 'GET', path: `/api/surveys/${segment(surveyId)}/trend` })).items;
  }

  pulseResults(): Promise<{ minRespondents: number; items: PulseSubjectResult[] }> {
    return this.api.json({ method: 'GET', path: '/api/surveys/pulse' });
  }
}
