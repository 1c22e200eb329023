import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { stringifyEntityRef } from '../../core/entity-ref.js';
import { recordIdentity } from '../../auth/recorded-identity.js';
import { actingAs } from '../../auth/acting-authority.js';
import type { ScaffolderService } from '../../templates/scaffolder-service.js';
import { taskResource } from '../../templates/tasks/task-resource.js';
import { ActionDescriptionSchema } from '../../templates/actions/action-description.js';
import type { TaskFilter } from '../../templates/tasks/task-store.js';
import type { TaskStatus } from '../../templates/tasks/task-types.js';
import { errorResponses, StringList, asList } from '../schemas.js';
import { SseStream } from '../sse-stream.js';
import { changeAuthor, filterReadable, type RoutePermission } from '../authorize.js';

const Loose = (description: string) => Type.Object({}, { additionalProperties: true, description });
const FieldErrorSchema = Type.Object({ pointer: Type.String(), detail: Type.String(), rule: Type.Optional(Type.String()) }, { additionalProperties: true });
const NameParams = Type.Object({ namespace: Type.String(), kind: Type.String(), name: Type.String() });
const TaskParams = Type.Object({ taskId: Type.String() });
const TaskStatusSchema = Type.Union(['open', 'processing', 'completed', 'failed', 'cancelled'].map(s => Type.Literal(s)));

const TemplateSummarySchema = Type.Object(
  {
    ref: Type.String(),
    name: Type.String(),
    namespace: Type.String(),
    title: Type.String(),
    description: Type.Optional(Type.String()),
    tags: Type.Array(Type.String()),
    type: Type.Optional(Type.String()),
    owner: Type.Optional(Type.String()),
    problems: Type.Array(FieldErrorSchema, { description: 'Why the template cannot run (unsupported actions, expression errors…); empty when it can' }),
    runnable: Type.Boolean(),
    featureFlags: Type.Array(Type.String(), { description: 'The backstage:featureFlag names its pages use: a page or field behind one is asked only of people who turned it on' }),
  },
  { $id: 'TemplateSummary' },
);

const TaskSummarySchema = Type.Object(
  {
    id: Type.String(),
    templateRef: Type.String(),
    status: TaskStatusSchema,
    createdBy: Type.Optional(Type.String()),
    createdAt: Type.String(),
    lastHeartbeatAt: Type.Optional(Type.String()),
    completedAt: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

const TaskStepSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    action: Type.String(),
    status: Type.String(),
    attempts: Type.Integer(),
    startedAt: Type.Optional(Type.String()),
    finishedAt: Type.Optional(Type.String()),
    output: Type.Optional(Loose('What the step output (secrets redacted)')),
    error: Type.Optional(Loose('Why the step failed')),
  },
  { additionalProperties: true },
);

const TaskSchema = Type.Composite(
  [
    TaskSummarySchema,
    Type.Object({
      spec: Loose('What the task runs: steps, output, parameters, templateInfo (Backstage shape)'),
      steps: Type.Array(TaskStepSchema),
      output: Type.Optional(Loose('The rendered template output: links, text and named values')),
      error: Type.Optional(Loose('Why the task failed (a problem)')),
    }),
  ],
  { additionalProperties: true },
);

const TaskEventSchema = Type.Object(
  {
    id: Type.Integer(),
    taskId: Type.String(),
    type: Type.Union([Type.Literal('log'), Type.Literal('completion'), Type.Literal('cancelled'), Type.Literal('recovered')]),
    body: Loose('message, and stepId/status for step changes'),
    createdAt: Type.String(),
  },
  { $id: 'TaskEvent' },
);

const FeatureFlagsSchema = Type.Optional(
  Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, description: "The person's feature flags that are on: template pages and fields behind a backstage:featureFlag not listed are not asked" }),
);
const DirectoryEntrySchema = Type.Object({ path: Type.String(), base64Content: Type.String(), executable: Type.Optional(Type.Boolean()) });

const READ_TASK = 'templates.task.read';

/**
 * Golden paths under /api/scaffolder, Backstage-compatible where Backstage has the route (v2 tasks,
 * event stream, cancel, dry run, actions, parameter schema), plus the template gallery with problems.
 * Every handler is one service call. Templates are catalog entities: the routes that show them are
 * scoped by `catalog.entity.read`, so a template the caller may not read is absent (404 when named).
 * A dry run reads the catalog as the caller; a task as its creator (the identity it records). A task is
 * a resource owned by its creator (`task-resource.ts`): reading and cancelling one are decided on it,
 * and the list leaves out the tasks the caller may not read.
 */
/** What running a golden path asks for, as rules with input conditions see it: the template and the values given. */
function taskInput(request: FastifyRequest): { templateRef?: string; values: Record<string, unknown> } {
  const body = request.body as { templateRef?: string; values?: Record<string, unknown> };
  return { ...(body.templateRef ? { templateRef: body.templateRef } : {}), values: body.values ?? {} };
}

export const scaffolderRoutes: FastifyPluginAsyncTypebox<{ scaffolder: ScaffolderService }> = async (app, { scaffolder }) => {
  const onTask = (action: string): { permission: RoutePermission } => ({
    permission: { action, resource: request => scaffolder.taskResource((request.params as { taskId: string }).taskId) },
  });
  /** The tasks the caller may read, decided task by task; none to decide when it may read them all. */
  const readableTasks = (request: FastifyRequest): TaskFilter | undefined =>
    request.readScope.type === 'all' ? undefined : tasks => request.server.authorization.app.auth.permissions.filter(request.identity, READ_TASK, tasks, taskResource);

  app.addSchema(TemplateSummarySchema);
  app.addSchema(TaskEventSchema);

  app.get(
    '/v2/templates',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true } },
      schema: {
        tags: ['scaffolder'],
        summary: 'Every template in the catalog that the caller may read, with the problems that keep it from running (unsupported actions, expression errors)',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(TemplateSummarySchema)) }) },
      },
    },
    async request => ({ items: await filterReadable(request, await scaffolder.listTemplates(request.readScope), { toResource: template => template.ref }) }),
  );

  app.get(
    '/v2/templates/:namespace/:kind/:name',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true } },
      schema: {
        tags: ['scaffolder'],
        summary: 'One template: its summary (with problems) and its entity (404 when the caller may not read it)',
        params: NameParams,
        response: { 200: Type.Object({ summary: Type.Ref(TemplateSummarySchema), entity: Loose('The Template entity') }), ...errorResponses(404) },
      },
    },
    async request => {
      const { entity, summary } = await scaffolder.getTemplate(stringifyEntityRef(request.params), request.readScope);
      return { summary, entity };
    },
  );

  app.get(
    '/v2/templates/:namespace/:kind/:name/parameter-schema',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true } },
      schema: {
        tags: ['scaffolder'],
        summary: "A template's form: one JSON Schema per page, ui:* hints kept (as Backstage answers); 404 when the caller may not read it",
        params: NameParams,
        response: {
          200: Type.Object({
            title: Type.String(),
            description: Type.Optional(Type.String()),
            presentation: Type.Optional(Loose('Button labels and the like')),
            steps: Type.Array(Type.Object({ title: Type.String(), description: Type.Optional(Type.String()), schema: Loose('JSON Schema of the page') })),
          }),
          ...errorResponses(404, 422),
        },
      },
    },
    async request => scaffolder.parameterSchema(stringifyEntityRef(request.params), request.readScope),
  );

  app.post(
    '/v2/templates/:namespace/:kind/:name/parameter-schema/shown',
    {
      config: { permission: { action: 'catalog.entity.read', scoped: true }, limit: 'renders' },
      schema: {
        tags: ['scaffolder'],
        summary: "Which of a template's form pages are asked for these values: each page's own `if:` expression evaluated by the sandboxed engine with the values as `parameters` (changes nothing)",
        params: NameParams,
        body: Type.Object({ values: Type.Record(Type.String(), Type.Unknown()) }),
        response: { 200: Type.Object({ shown: Type.Array(Type.Boolean(), { description: 'One per page, in order' }) }), ...errorResponses(404, 422) },
      },
    },
    async request => ({ shown: await scaffolder.shownPages(stringifyEntityRef(request.params), request.body.values, request.readScope) }),
  );

  app.get(
    '/v2/actions',
    {
      config: { permission: { action: 'templates.action.read' } },
      schema: {
        tags: ['scaffolder'],
        summary: 'The actions templates can use (built in and installed), with their input and output JSON Schemas',
        response: {
          200: Type.Array(ActionDescriptionSchema),
        },
      },
    },
    async () => scaffolder.listActions(),
  );

  app.post(
    '/v2/tasks',
    {
      config: { permission: { action: 'templates.task.create', input: taskInput }, limit: 'tasks' },
      schema: {
        tags: ['scaffolder'],
        summary:
          "Run a template: values are checked against its parameters (422 naming each field); the task is queued and runs in the background, reading the catalog (catalog:fetch) as the caller (the caller's groups read again then, its token's scopes and guest role kept)",
        body: Type.Object({
          templateRef: Type.String({ description: 'e.g. template:default/typescript-service' }),
          values: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          secrets: Type.Optional(Type.Record(Type.String(), Type.String(), { description: "Reachable as ${{ secrets.x }} (a nested Secret field's as ${{ secrets['deploy.token'] }}); redacted everywhere and dropped when the task ends" })),
          featureFlags: FeatureFlagsSchema,
        }),
        response: { 201: Type.Object({ id: Type.String() }), ...errorResponses(400, 404, 422) },
      },
    },
    async (request, reply) => {
      const identity = recordIdentity(request.identity);
      const created = await scaffolder.createTask(
        {
          templateRef: request.body.templateRef,
          values: request.body.values ?? {},
          ...(request.body.secrets ? { secrets: request.body.secrets } : {}),
          ...(request.body.featureFlags ? { featureFlags: request.body.featureFlags } : {}),
          ...(identity ? { identity } : {}),
        },
        changeAuthor(request),
      );
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v2/tasks',
    {
      config: { permission: { action: READ_TASK, scoped: true } },
      schema: {
        tags: ['scaffolder'],
        summary: 'The tasks the caller may read (its own, and others a rule lets it read), newest first',
        querystring: Type.Object({
          createdBy: Type.Optional(Type.String()),
          status: StringList,
          templateRef: Type.Optional(Type.String({ description: 'Only the tasks of this template, e.g. template:default/typescript-service' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          offset: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 200: Type.Object({ tasks: Type.Array(TaskSummarySchema), totalTasks: Type.Integer() }) },
      },
    },
    async request =>
      scaffolder.listTasks(
        {
          ...(request.query.createdBy ? { createdBy: request.query.createdBy } : {}),
          ...(request.query.status ? { status: asList(request.query.status) as TaskStatus[] } : {}),
          ...(request.query.templateRef ? { templateRef: request.query.templateRef } : {}),
          ...(request.query.limit ? { limit: request.query.limit } : {}),
          ...(request.query.offset ? { offset: request.query.offset } : {}),
        },
        readableTasks(request),
      ),
  );

  app.get(
    '/v2/tasks/:taskId',
    {
      config: onTask(READ_TASK),
      schema: { tags: ['scaffolder'], summary: 'One task: status, steps (with outputs) and output (its creator, or whom a rule lets read it)', params: TaskParams, response: { 200: TaskSchema, ...errorResponses(404) } },
    },
    async request => scaffolder.getTask(request.params.taskId),
  );

  app.get(
    '/v2/tasks/:taskId/events',
    {
      config: onTask(READ_TASK),
      schema: {
        tags: ['scaffolder'],
        summary: "A task's events after an id (for polling clients)",
        params: TaskParams,
        querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: { 200: Type.Array(Type.Ref(TaskEventSchema)), ...errorResponses(404) },
      },
    },
    async request => scaffolder.events(request.params.taskId, request.query.after ?? 0),
  );

  app.get(
    '/v2/tasks/:taskId/eventstream',
    {
      config: onTask(READ_TASK),
      schema: {
        tags: ['scaffolder'],
        summary: "A task's events live, as server-sent events (event: log | recovered | cancelled | completion); the stream ends after completion",
        params: TaskParams,
        querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      // Fails with a 404 problem before any bytes are sent when the task does not exist.
      await scaffolder.getTask(request.params.taskId);
      const stream = SseStream.open(request, reply);
      stream.comment('connected');
      // A reconnecting EventSource says which event it saw last; `after` in the query wins.
      const after = request.query.after ?? stream.lastEventNumber ?? 0;
      try {
        for await (const event of scaffolder.streamEvents(request.params.taskId, { after, signal: stream.signal })) stream.send(event.type, event, event.id);
      } catch (error) {
        stream.fail(error);
      } finally {
        stream.close();
      }
    },
  );

  app.post(
    '/v2/tasks/:taskId/cancel',
    {
      config: onTask('templates.task.cancel'),
      schema: {
        tags: ['scaffolder'],
        summary: 'Cancel a task: a queued one at once, a running one at its next chance (completed side effects stay); its creator, or whom a rule lets cancel it',
        params: TaskParams,
        response: { 200: Type.Object({ status: TaskStatusSchema }), ...errorResponses(404) },
      },
    },
    async request => scaffolder.cancel(request.params.taskId, changeAuthor(request)),
  );

  app.post(
    '/v2/dry-run',
    {
      config: { permission: { action: 'templates.task.dry-run', input: taskInput }, limit: 'dryRuns' },
      schema: {
        tags: ['scaffolder'],
        summary: 'Run a template with every side effect withheld: the step log, rendered files (base64) and output; it reads the catalog as the caller',
        body: Type.Object({
          template: Type.Optional(Loose('A Template entity (its files in directoryContents)')),
          templateRef: Type.Optional(Type.String({ description: 'Or a template in the catalog' })),
          values: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          secrets: Type.Optional(Type.Record(Type.String(), Type.String())),
          featureFlags: FeatureFlagsSchema,
          directoryContents: Type.Optional(Type.Array(DirectoryEntrySchema, { maxItems: 20_000 })),
        }),
        response: {
          200: Type.Object({
            status: TaskStatusSchema,
            log: Type.Array(Type.Object({ body: Loose('message, stepId, status') })),
            steps: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), action: Type.String(), status: Type.String(), output: Type.Optional(Loose('step output')) })),
            output: Loose('The rendered template output'),
            error: Type.Optional(Loose('Why the dry run failed')),
            directoryContents: Type.Array(DirectoryEntrySchema),
          }),
          ...errorResponses(400, 404, 422),
        },
      },
    },
    // Set last, always: a body can never name who runs it or what it may read.
    async request =>
      scaffolder.dryRun({
        ...request.body,
        createdBy: recordIdentity(request.identity)?.principal,
        authority: actingAs(request.server.authorization.app.auth, request.server.authorization.app.catalog.entities, request.identity),
      }),
  );
};
