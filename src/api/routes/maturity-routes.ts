import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MaturityService } from '../../maturity/maturity-service.js';
import type { Assessment, EvidenceReport } from '../../maturity/assessment.js';
import { ASPECTS, LEVELS, MODEL_CREDIT } from '../../maturity/maturity-model.js';
import { errorResponses } from '../schemas.js';
import { auditContext } from '../authorize.js';

const EvidenceSchema = Type.Object({
  id: Type.String(),
  aspect: Type.String(),
  title: Type.String(),
  value: Type.String(),
  measure: Type.Number(),
  source: Type.String({ description: 'Where it was computed from' }),
  suggests: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
});
const MissingSchema = Type.Object({ id: Type.String(), aspect: Type.String(), title: Type.String(), from: Type.String({ description: 'What would supply it' }) });

const AssessmentSchema = Type.Unsafe<Assessment>(
  Type.Object({
    id: Type.String(),
    assessedAt: Type.String(),
    recordedAt: Type.String(),
    assessor: Type.String(),
    note: Type.Optional(Type.String()),
    aspects: Type.Array(
      Type.Object({
        aspect: Type.String(),
        level: Type.String(),
        suggested: Type.Optional(Type.String()),
        overridden: Type.Boolean(),
        note: Type.Optional(Type.String()),
        evidence: Type.Array(EvidenceSchema),
        missing: Type.Array(MissingSchema),
      }),
    ),
    credit: Type.String(),
  }),
);

const EvidenceReportSchema = Type.Unsafe<EvidenceReport>(
  Type.Object({
    at: Type.String(),
    aspects: Type.Array(Type.Object({ aspect: Type.String(), suggested: Type.Optional(Type.String()), evidence: Type.Array(EvidenceSchema), missing: Type.Array(MissingSchema) })),
    credit: Type.String(),
  }),
);

const ModelSchema = Type.Object({
  aspects: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), question: Type.String(), levels: Type.Record(Type.String(), Type.String()) })),
  levels: Type.Array(Type.Object({ id: Type.String(), rank: Type.Integer(), title: Type.String() })),
  credit: Type.String(),
});

/** Levels and aspects are checked by the service (422 naming a missing aspect or an unknown level). */
const AssessmentBody = Type.Object({
  aspects: Type.Record(Type.String(), Type.Object({ level: Type.String(), note: Type.Optional(Type.String()) }), { description: 'Each aspect (investment, adoption, interfaces, operations, measurement) → { level, note }' }),
  note: Type.Optional(Type.String()),
  assessedAt: Type.Optional(Type.String({ description: 'The date it speaks for (default now; not in the future)' })),
});

/**
 * The CNCF Platform Engineering Maturity Model self-assessment under /api/maturity: the model, the evidence
 * Pave computes, assessments (record, list, one) and the report (Markdown, HTML, PDF).
 */
export const maturityRoutes: FastifyPluginAsyncTypebox<{ maturity: MaturityService }> = async (api, { maturity }) => {
  api.get(
    '/model',
    { config: { permission: { action: 'maturity.assessment.read' } }, schema: { tags: ['maturity'], summary: 'The maturity model: aspects, levels and what each level looks like, with its credit', response: { 200: ModelSchema, ...errorResponses(401, 403) } } },
    async () => ({ aspects: ASPECTS.map(a => ({ ...a })), levels: LEVELS.map(l => ({ ...l })), credit: MODEL_CREDIT }),
  );

  api.get(
    '/evidence',
    { config: { permission: { action: 'maturity.assessment.read' } }, schema: { tags: ['maturity'], summary: "Evidence from Pave's own data per aspect, with sources, the suggested level, and what evidence is missing", response: { 200: EvidenceReportSchema, ...errorResponses(401, 403) } } },
    async request => maturity.evidence(request.identity),
  );

  api.get(
    '/assessments',
    { config: { permission: { action: 'maturity.assessment.read' } }, schema: { tags: ['maturity'], summary: 'Every assessment, newest first', response: { 200: Type.Object({ items: Type.Array(AssessmentSchema) }), ...errorResponses(401, 403) } } },
    async request => ({ items: await maturity.list(request.identity) }),
  );

  api.post(
    '/assessments',
    {
      config: { permission: { action: 'maturity.assessment.write' } },
      schema: { tags: ['maturity'], summary: "Record an assessment: a level for every aspect, with notes; kept with the day's evidence", body: AssessmentBody, response: { 201: AssessmentSchema, ...errorResponses(400, 401, 403, 422) } },
    },
    async (request, reply) => reply.status(201).send(await maturity.assess(request.identity, request.body as never, auditContext(request))),
  );

  api.get(
    '/assessments/:id',
    { config: { permission: { action: 'maturity.assessment.read' } }, schema: { tags: ['maturity'], summary: 'One assessment', params: Type.Object({ id: Type.String() }), response: { 200: AssessmentSchema, ...errorResponses(401, 403, 404) } } },
    async request => maturity.get(request.identity, request.params.id),
  );

  api.get(
    '/report',
    {
      config: { permission: { action: 'maturity.assessment.read' } },
      schema: {
        tags: ['maturity'],
        summary: 'The report of an assessment (the latest by default) with the change since the one before: Markdown, HTML, or PDF printed from the HTML page by Chromium',
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('md'), Type.Literal('html'), Type.Literal('pdf')])), id: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Type.Unsafe<string | Buffer>({ type: 'string', description: 'text/markdown, text/html or application/pdf' }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const report = await maturity.report(request.identity, { format: request.query.format ?? 'md', ...(request.query.id ? { id: request.query.id } : {}) });
      return reply.type(report.contentType).header('content-disposition', `inline; filename="${report.fileName}"`).send(report.body);
    },
  );
};
