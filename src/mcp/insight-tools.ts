/** Tools over how software and teams are doing: scorecard levels, campaigns and DORA's delivery metrics. */
import { seg, type McpTool, READ_ONLY } from './mcp-tool.js';

export const insightTools: McpTool[] = [
  {
    name: 'get_entity_scorecards',
    title: "An entity's scorecard results",
    description:
      "The level (bronze, silver, gold…), score and every rule's status (passed, failed, unknown) of one entity on each scorecard that selects it, with the golden path or link that fixes each failing rule. Use it to learn what a service must fix to reach a level.",
    annotations: READ_ONLY,
    actions: { read: ['scorecards.result.read'] },
    input: { route: { method: 'GET', path: '/api/scorecards/entities/:kind/:namespace/:name' } },
    run: (args, api) => api.json({ method: 'GET', path: `/api/scorecards/entities/${seg(args.kind)}/${seg(args.namespace)}/${seg(args.name)}` }),
  },
  {
    name: 'list_campaigns',
    title: 'List improvement campaigns',
    description:
      'Every campaign (a scorecard rule every selected entity must pass by a deadline) with its progress per team: done, exempt and left. Use it to answer what a team must fix before a campaign’s deadline.',
    annotations: READ_ONLY,
    actions: { read: ['scorecards.result.read'] },
    input: { route: { method: 'GET', path: '/api/scorecards/campaigns' } },
    run: (_args, api) => api.json({ method: 'GET', path: '/api/scorecards/campaigns' }),
  },
  {
    name: 'get_dora_metrics',
    title: "DORA's delivery metrics",
    description:
      "DORA's five metrics (deployment frequency, change lead time, change failure rate, failed deployment recovery time, rework rate) with their performance bands and the previous window as the trend, for a component, system or group (entity), or the whole organisation; window such as '30d' or '12w'. Only components the caller may read count.",
    annotations: READ_ONLY,
    actions: { read: ['delivery.metrics.read'] },
    input: { route: { method: 'GET', path: '/api/delivery/dora' } },
    run: (args, api) => api.json({ method: 'GET', path: '/api/delivery/dora', query: { entity: args.entity as string | undefined, window: args.window as string | undefined, end: args.end as string | undefined } }),
  },
];
