import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SurveysService } from '../../surveys/surveys-service.js';
import { errorResponses } from '../schemas.js';
import { auditContext } from '../authorize.js';
import type { QuestionAggregate } from '../../surveys/survey-aggregates.js';

const QuestionSchema = Type.Object({
  id: Type.String({ description: 'Stable across edits: results of runs are compared by it' }),
  type: Type.String({ description: 'likert (1–5), nps (0–10) or text' }),
  topic: Type.String({ description: 'feedback-loops, cognitive-load, flow, satisfaction, golden-paths, recommend or other' }),
  text: Type.String(),
  required: Type.Optional(Type.Boolean()),
});

const SurveySchema = Type.Object({ id: Type.String(), title: Type.String(), questions: Type.Array(QuestionSchema), createdAt: Type.String(), updatedAt: Type.String() });

const AudienceSchema = Type.Object(
  { type: Type.String({ description: 'everyone or teams' }), teams: Type.Optional(Type.Array(Type.String({ description: 'A group ref' }))) },
  { description: 'Who the run asks' },
);

const RunSchema = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  title: Type.String(),
  questions: Type.Array(QuestionSchema),
  audience: AudienceSchema,
  opensAt: Type.String(),
  closesAt: Type.String(),
  closedAt: Type.Optional(Type.String()),
  state: Type.Union([Type.Literal('scheduled'), Type.Literal('open'), Type.Literal('closed')]),
  respondents: Type.Integer({ description: 'How many answered (never who)' }),
  answered: Type.Optional(Type.Boolean({ description: 'Whether the caller has answered' })),
  eligible: Type.Optional(Type.Boolean({ description: 'Whether the run asks the caller' })),
});

const QuestionResultSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  topic: Type.String(),
  text: Type.String(),
  shown: Type.Boolean(),
  aggregate: Type.Optional(Type.Unsafe<QuestionAggregate>({ type: 'object', additionalProperties: true, description: 'likert: answered, mean, favourable, distribution; nps: answered, score, promoters, passives, detractors, distribution; text: answered, answers (alphabetical)' })),
  reason: Type.Optional(Type.String()),
});

const GroupResultSchema = Type.Object({
  group: Type.String({ description: 'everyone, a team (group ref) or no-team' }),
  shown: Type.Boolean(),
  respondents: Type.Optional(Type.Integer({ description: 'Only when shown' })),
  reason: Type.Optional(Type.String()),
  questions: Type.Optional(Type.Array(QuestionResultSchema)),
});

const ResultsSchema = Type.Object({
  runId: Type.String(),
  title: Type.String(),
  state: Type.String(),
  minRespondents: Type.Integer(),
  respondents: Type.Integer(),
  overall: GroupResultSchema,
  teams: Type.Array(GroupResultSchema),
  explanation: Type.String(),
});

const TrendSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  text: Type.String(),
  points: Type.Array(Type.Object({ runId: Type.String(), title: Type.String(), closesAt: Type.String(), text: Type.String(), value: Type.Optional(Type.Number()), answered: Type.Optional(Type.Integer()) })),
});

/** Fields are checked by the service, which names each mistake (422); here only their JSON types. */
const SurveyBody = Type.Object({ title: Type.String(), questions: Type.Optional(Type.Array(QuestionSchema)) });
const SurveyChanges = Type.Object({ title: Type.Optional(Type.String()), questions: Type.Optional(Type.Array(QuestionSchema)) });
const RunBody = Type.Object({ title: Type.Optional(Type.String()), audience: Type.Optional(AudienceSchema), opensAt: Type.Optional(Type.String()), closesAt: Type.String() });
const AnswerBody = Type.Object(
  {
    answers: Type.Record(Type.String(), Type.Union([Type.Integer(), Type.String(), Type.Null()]), { description: 'Question id → answer (1–5, 0–10 or text); null or absent skips it' }),
    team: Type.Optional(Type.String({ description: 'The team the answers count for: one of your groups' })),
  },
  { additionalProperties: false },
);

const PulseKindSchema = Type.Union([Type.Literal('golden-path'), Type.Literal('platform-request')]);
const PulseQuestionSchema = Type.Object({
  occasion: Type.String({ description: 'The task or request rated' }),
  kind: PulseKindSchema,
  subject: Type.String({ description: 'The template ref or capability name' }),
  question: Type.String(),
  answered: Type.Boolean({ description: 'Whether the caller has rated it' }),
});
const PulseBody = Type.Object(
  {
    occasion: Type.String({ description: 'A completed task (task:default/…) or a Ready request (resource:…)' }),
    score: Type.Integer({ description: '1 (strongly disagree) to 5 (strongly agree)' }),
    comment: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const PulseResultsSchema = Type.Object({
  minRespondents: Type.Integer(),
  items: Type.Array(
    Type.Object({
      kind: PulseKindSchema,
      subject: Type.String(),
      question: Type.String(),
      answered: Type.Integer(),
      shown: Type.Boolean(),
      mean: Type.Optional(Type.Number()),
      favourable: Type.Optional(Type.Number({ description: 'Share rating 4 or 5' })),
      comments: Type.Optional(Type.Array(Type.String(), { description: 'Alphabetical, never in the order given' })),
      reason: Type.Optional(Type.String()),
    }),
  ),
});

const IdParams = Type.Object({ id: Type.String() });
const RunParams = Type.Object({ runId: Type.String() });

/**
 * Developer-experience surveys under /api/surveys: questionnaires, their runs, answering (anonymously, once)
 * and results under the anonymity threshold. Each handler is one call to the surveys service.
 */
export const surveysRoutes: FastifyPluginAsyncTypebox<{ surveys: SurveysService }> = async (api, { surveys }) => {
  api.get(
    '',
    { config: { permission: { action: 'surveys.survey.read' } }, schema: { tags: ['surveys'], summary: 'Questionnaires', response: { 200: Type.Object({ items: Type.Array(SurveySchema) }), ...errorResponses(401, 403) } } },
    async request => ({ items: await surveys.listSurveys(request.identity) }),
  );

  api.post(
    '',
    {
      config: { permission: { action: 'surveys.survey.manage' } },
      schema: { tags: ['surveys'], summary: "Create a questionnaire (Pave's default developer-experience questions when none are given)", body: SurveyBody, response: { 201: SurveySchema, ...errorResponses(400, 401, 403, 422) } },
    },
    async (request, reply) => reply.status(201).send(await surveys.createSurvey(request.identity, request.body as never, auditContext(request))),
  );

  api.get(
    '/runs',
    {
      config: { permission: { action: 'surveys.survey.read' } },
      schema: { tags: ['surveys'], summary: 'Survey runs, newest first, with their count of respondents and whether the caller answered', querystring: Type.Object({ surveyId: Type.Optional(Type.String()) }), response: { 200: Type.Object({ items: Type.Array(RunSchema) }), ...errorResponses(401, 403) } },
    },
    async request => ({ items: await surveys.listRuns(request.identity, request.query) }),
  );

  api.get(
    '/runs/:runId',
    { config: { permission: { action: 'surveys.survey.read' } }, schema: { tags: ['surveys'], summary: 'One run with its questions', params: RunParams, response: { 200: RunSchema, ...errorResponses(401, 403, 404) } } },
    async request => surveys.getRun(request.identity, request.params.runId),
  );

  api.post(
    '/runs/:runId/close',
    { config: { permission: { action: 'surveys.survey.manage' } }, schema: { tags: ['surveys'], summary: 'Close a run now: no more answers; results appear', params: RunParams, response: { 200: RunSchema, ...errorResponses(401, 403, 404, 409) } } },
    async request => surveys.closeRun(request.identity, request.params.runId, auditContext(request)),
  );

  api.post(
    '/runs/:runId/responses',
    {
      config: { permission: { action: 'surveys.response.submit' } },
      schema: {
        tags: ['surveys'],
        summary: 'Answer a run, once: the answers are stored without who gave them',
        description: 'Refused after close (409, /runId), a second time (409, /answers), for a question not in the run (422, /answers/<id>), or out of range (422).',
        params: RunParams,
        body: AnswerBody,
        response: { 201: Type.Object({ runId: Type.String(), recorded: Type.Boolean() }), ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await surveys.answer(request.identity, request.params.runId, request.body, auditContext(request))),
  );

  api.get(
    '/runs/:runId/results',
    {
      config: { permission: { action: 'surveys.results.read' } },
      schema: {
        tags: ['surveys'],
        summary: "A run's results: everyone and by team, each group only with enough respondents (an explanation otherwise)",
        params: RunParams,
        querystring: Type.Object({ team: Type.Optional(Type.String({ description: 'Only this team (hides nothing more or less)' })) }, { additionalProperties: false }),
        response: { 200: ResultsSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async request => surveys.results(request.identity, request.params.runId, request.query),
  );

  api.get(
    '/pulse',
    {
      config: { permission: { action: 'surveys.results.read' } },
      schema: { tags: ['surveys'], summary: 'Pulse ratings of past months per golden path and capability, worst first; numbers only from the anonymity threshold on', response: { 200: PulseResultsSchema, ...errorResponses(401, 403) } },
    },
    async request => surveys.pulse.results(request.identity),
  );

  api.get(
    '/pulse/question',
    {
      config: { permission: { action: 'surveys.response.submit' } },
      schema: {
        tags: ['surveys'],
        summary: 'The pulse question a finished task or request asks the caller, and whether they answered it',
        querystring: Type.Object({ occasion: Type.String() }, { additionalProperties: false }),
        response: { 200: PulseQuestionSchema, ...errorResponses(400, 401, 403, 422) },
      },
    },
    async request => surveys.pulse.question(request.identity, request.query.occasion),
  );

  api.post(
    '/pulse',
    {
      config: { permission: { action: 'surveys.response.submit' } },
      schema: {
        tags: ['surveys'],
        summary: 'Rate a golden path run or a platform request, once: stored without who gave it',
        description: 'Refused when the occasion has not finished (422, /occasion), is not the caller’s (403), or was rated already (409).',
        body: PulseBody,
        response: { 201: Type.Object({ occasion: Type.String(), recorded: Type.Boolean() }), ...errorResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await surveys.pulse.answer(request.identity, request.body, auditContext(request))),
  );

  api.get(
    '/:id',
    { config: { permission: { action: 'surveys.survey.read' } }, schema: { tags: ['surveys'], summary: 'One questionnaire', params: IdParams, response: { 200: SurveySchema, ...errorResponses(401, 403, 404) } } },
    async request => surveys.getSurvey(request.identity, request.params.id),
  );

  api.patch(
    '/:id',
    {
      config: { permission: { action: 'surveys.survey.manage' } },
      schema: { tags: ['surveys'], summary: 'Edit a questionnaire between runs (runs made keep their questions; keep ids to keep trends)', params: IdParams, body: SurveyChanges, response: { 200: SurveySchema, ...errorResponses(400, 401, 403, 404, 422) } },
    },
    async request => surveys.updateSurvey(request.identity, request.params.id, request.body as never, auditContext(request)),
  );

  api.post(
    '/:id/runs',
    {
      config: { permission: { action: 'surveys.survey.manage' } },
      schema: { tags: ['surveys'], summary: 'Open a run of the questionnaire as it is now, for an audience, until a close date', params: IdParams, body: RunBody, response: { 201: RunSchema, ...errorResponses(400, 401, 403, 404, 422) } },
    },
    async (request, reply) => reply.status(201).send(await surveys.openRun(request.identity, request.params.id, request.body as never, auditContext(request))),
  );

  api.get(
    '/:id/trend',
    {
      config: { permission: { action: 'surveys.results.read' } },
      schema: { tags: ['surveys'], summary: "Each rated question's everyone-result across the closed runs, matched by question id", params: IdParams, response: { 200: Type.Object({ items: Type.Array(TrendSchema) }), ...errorResponses(401, 403, 404) } },
    },
    async request => ({ items: await surveys.trend(request.identity, request.params.id) }),
  );
};
