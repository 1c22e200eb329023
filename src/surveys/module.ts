/** Developer-experience surveys as a Pave module: questionnaires, runs, anonymous answers, results under a threshold. */
import { defineModule, worker, type BackgroundWorker } from '../pave-module.js';
import { surveysConfigSection } from './surveys-config.js';
import { surveysMigration } from './migrations/0016-surveys.js';
import { surveyPulsesMigration } from './migrations/0032-survey-pulses.js';
import type { SurveysService } from './surveys-service.js';
import { surveyCommands } from '../cli/survey-commands.js';

export const surveysModule = defineModule({
  name: 'surveys',
  description: 'Developer-experience surveys: questionnaires with stable question ids, runs for an audience, anonymous answers, results by team under an anonymity threshold',
  requires: ['auth', 'catalog'],
  config: surveysConfigSection,
  permissions: [
    { action: 'surveys.survey.read', description: 'See questionnaires and their runs' },
    { action: 'surveys.survey.manage', description: 'Create and edit questionnaires, open and close runs' },
    { action: 'surveys.response.submit', description: 'Answer a run one is asked in (once, anonymously)' },
    { action: 'surveys.results.read', description: "Read a run's results and trends (aggregates under the anonymity threshold)" },
  ],
  eventTypes: [
    { type: 'surveys.survey.created', description: 'A questionnaire was created', read: { action: 'surveys.survey.read' } },
    { type: 'surveys.survey.updated', description: 'A questionnaire was edited', read: { action: 'surveys.survey.read' } },
    { type: 'surveys.run.opened', description: 'A survey run was opened (or scheduled)', read: { action: 'surveys.survey.read' } },
    { type: 'surveys.run.closed', description: 'A survey run was closed by hand', read: { action: 'surveys.survey.read' } },
    { type: 'surveys.run.closing-soon', description: 'An open run closes within a day: a reminder for its audience (payload: closesAt, audience, respondents)', read: { action: 'surveys.survey.read' } },
    { type: 'surveys.response.recorded', description: 'Someone answered a run (the event names nobody)', read: { action: 'surveys.survey.read' } },
    { type: 'surveys.pulse.recorded', description: 'Someone rated a golden path run or a platform request (payload: kind, about; the event names nobody)', read: { action: 'surveys.survey.read' } },
  ],
  migrations: [surveysMigration, surveyPulsesMigration],
  defaultRules: auth => [
    {
      id: 'default.surveys-take',
      description: 'Everyone signed in sees surveys, answers those that ask them and reads the anonymous results',
      effect: 'allow',
      actions: ['surveys.survey.read', 'surveys.response.submit', 'surveys.results.read'],
      subjects: ['role:signed-in'],
    },
    {
      id: 'default.surveys-manage',
      description: `Members of ${auth.platformGroup} write questionnaires and open and close runs`,
      effect: 'allow',
      actions: ['surveys.survey.manage'],
      subjects: [auth.platformGroup],
    },
  ],
  create: async ({ store, eventLog, audit, config, app }): Promise<SurveysService> =>
    new (await import('./surveys-service.js')).SurveysService({ store, log: eventLog, audit, permissions: app.auth.permissions, entities: app.catalog.entities, config: config.surveys }),
  async routes(api, surveys) {
    const { surveysRoutes } = await import('../api/routes/surveys-routes.js');
    await api.register(surveysRoutes, { prefix: '/surveys', surveys });
  },
  cli: ({ output, globals }) => [surveyCommands(output, globals)],
  workers: async (surveys, app): Promise<BackgroundWorker[]> => [worker('surveys.reminders', new (await import('./survey-reminders.js')).SurveyReminders(surveys, app.logger))],
});
