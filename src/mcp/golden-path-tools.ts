/** Tools over golden paths: list templates, read a template's form, dry-run or run it, follow its task. */
import { APPLY_PROPERTY, PAGE_PROPERTIES, applies, page, seg, type McpTool, READ_ONLY } from './mcp-tool.js';


interface DryRunAnswer {
  status: string;
  log: Array<{ body: Record<string, unknown> }>;
  steps: unknown[];
  output: unknown;
  error?: unknown;
  directoryContents: Array<{ path: string; base64Content: string; executable?: boolean }>;
}

/** Log events per get_task answer. */
const MAX_EVENTS = 200;

export const goldenPathTools: McpTool[] = [
  {
    name: 'list_templates',
    title: 'List golden paths',
    description: 'The golden paths (software templates) the caller may read, with the problems that keep any from running; paged (pass nextCursor as cursor).',
    annotations: READ_ONLY,
    actions: { read: ['catalog.entity.read'] },
    input: { route: { method: 'GET', path: '/api/scaffolder/v2/templates' }, extra: PAGE_PROPERTIES },
    run: async (args, api) => page((await api.json<{ items: unknown[] }>({ method: 'GET', path: '/api/scaffolder/v2/templates' })).items, args),
  },
  {
    name: 'get_template',
    title: "Get a golden path's parameters",
    description: "A template's form: one JSON Schema per page of parameters (required fields, types, enums, defaults). Read it before run_golden_path to know which values to pass.",
    annotations: READ_ONLY,
    actions: { read: ['catalog.entity.read'] },
    input: { route: { method: 'GET', path: '/api/scaffolder/v2/templates/:namespace/:kind/:name/parameter-schema' } },
    run: (args, api) => api.json({ method: 'GET', path: `/api/scaffolder/v2/templates/${seg(args.namespace)}/${seg(args.kind)}/${seg(args.name)}/parameter-schema` }),
  },
  {
    name: 'run_golden_path',
    title: 'Run a golden path',
    description:
      'Runs a template with values for its parameters. Without apply it is a dry run: every step runs with side effects withheld and the answer lists the files it would create, the log and the output. With apply: true the task is queued (a repository, a catalog entry, requests…); follow it with get_task.',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    actions: {
      read: ['templates.task.dry-run', 'catalog.entity.read', 'platform.request.render'],
      apply: ['templates.task.create', 'templates.task.read', 'catalog.*', 'repositories.repository.create', 'platform.request.create'],
    },
    input: { route: { method: 'POST', path: '/api/scaffolder/v2/tasks' }, body: 'spread', extra: APPLY_PROPERTY },
    run: async (args, api) => {
      const body = { templateRef: args.templateRef, values: args.values ?? {}, ...(args.secrets ? { secrets: args.secrets } : {}) };
      if (applies(args)) {
        const { id } = await api.json<{ id: string }>({ method: 'POST', path: '/api/scaffolder/v2/tasks', body });
        return { applied: true, taskId: id, next: `Follow it with get_task { "taskId": "${id}" }` };
      }
      const result = await api.json<DryRunAnswer>({ method: 'POST', path: '/api/scaffolder/v2/dry-run', body });
      return {
        applied: false,
        status: result.status,
        ...(result.error !== undefined ? { error: result.error } : {}),
        output: result.output,
        steps: result.steps,
        log: result.log.map(entry => entry.body.message).filter(message => message !== undefined),
        // Paths and sizes: the contents are base64 and can be large; an agent reads them after the real run.
        files: result.directoryContents.map(file => ({ path: file.path, bytes: Buffer.from(file.base64Content, 'base64').length })),
      };
    },
  },
  {
    name: 'get_task',
    title: "Get a golden path's task",
    description: "A task's status (open, processing, completed, failed, cancelled), its steps with outputs, and its log events after the event id `after` (default from the start), at most 200: call again with nextAfter (or the last event's id) to follow it.",
    annotations: READ_ONLY,
    actions: { read: ['templates.task.read'] },
    input: { route: { method: 'GET', path: '/api/scaffolder/v2/tasks/:taskId/events' } },
    run: async (args, api) => {
      const id = seg(args.taskId);
      const task = await api.json({ method: 'GET', path: `/api/scaffolder/v2/tasks/${id}` });
      const events = await api.json<Array<{ id: number }>>({ method: 'GET', path: `/api/scaffolder/v2/tasks/${id}/events`, query: { after: args.after as number | undefined } });
      // A long log is paged: the next call passes nextAfter as after.
      const shown = events.slice(0, MAX_EVENTS);
      return { task, events: shown, ...(events.length > shown.length ? { nextAfter: shown[shown.length - 1]!.id } : {}) };
    },
  },
];
