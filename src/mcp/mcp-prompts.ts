/** MCP prompts: the common flows, written as instructions an agent follows with Pave's tools. */
import { badRequest } from '../core/problem.js';

interface PromptArgument {
  name: string;
  description: string;
  required: boolean;
}

interface Prompt {
  name: string;
  title: string;
  description: string;
  arguments: PromptArgument[];
  text(args: Record<string, string>): string;
}

export const MCP_PROMPTS: readonly Prompt[] = [
  {
    name: 'create_service',
    title: 'Create a service with a golden path',
    description: 'Create a new service from a golden path: read its form, dry-run, then run it and follow the task',
    arguments: [
      { name: 'template', description: 'The golden path, e.g. template:default/typescript-service (list_templates shows them)', required: true },
      { name: 'name', description: 'The new service\'s name', required: true },
      { name: 'owner', description: 'The owning team, e.g. group:default/checkout-team', required: false },
    ],
    text: args =>
      [
        `Create a new service named "${args.name}" with the golden path ${args.template}${args.owner ? `, owned by ${args.owner}` : ''}.`,
        `1. Call get_template for ${args.template} and read which values its form requires.`,
        '2. Call run_golden_path with templateRef and values, without apply: check the dry run (files, log, output) and fix any field it names.',
        '3. When the dry run succeeds, call run_golden_path again with apply: true, then follow it with get_task until it completes.',
        '4. Report the repository and catalog entry from the task output. If a call is denied, call explain_permission with the action it names.',
      ].join('\n'),
  },
  {
    name: 'request_infrastructure',
    title: 'Request infrastructure for a service',
    description: 'Request a database (or any capability) for a service: pick the capability, render the request, apply it and wait until Ready',
    arguments: [
      { name: 'service', description: 'The service it is for, e.g. component:default/payments', required: true },
      { name: 'capability', description: 'What to request, e.g. postgres (list_capabilities shows them)', required: false },
    ],
    text: args =>
      [
        `Request ${args.capability ? `a ${args.capability}` : 'the infrastructure'} for ${args.service}.`,
        `1. Call get_entity for ${args.service} to learn its owner (spec.owner): the request goes in that team's namespace.`,
        `2. ${args.capability ? `Call get_capability for ${args.capability}` : 'Call list_capabilities, choose one, then get_capability'} and read its request kind and spec schema.`,
        '3. Call create_platform_request with the request document, without apply: check the rendered files.',
        '4. Call create_platform_request again with apply: true, then get_platform_request until its Ready condition is True; report its outputs.',
      ].join('\n'),
  },
  {
    name: 'fix_before_campaign',
    title: 'What must my team fix before a campaign deadline',
    description: "A team's entities a campaign still counts as left, and for each the failing rule and its fix",
    arguments: [
      { name: 'team', description: 'The team, e.g. group:default/checkout-team', required: true },
      { name: 'campaign', description: 'The campaign (list_campaigns shows them); all of them when absent', required: false },
    ],
    text: args =>
      [
        `Find what ${args.team} must fix before ${args.campaign ? `the deadline of campaign ${args.campaign}` : 'the deadlines of the running campaigns'}.`,
        `1. Call list_campaigns; for ${args.campaign ?? 'each campaign'}, note its deadline, its scorecard rule and ${args.team}'s progress (done, exempt, left).`,
        `2. For each entity of ${args.team} still left, call get_entity_scorecards and read the failing rule: its status, and the golden path or link that fixes it.`,
        '3. Report the list ordered by deadline: entity, rule, how to fix it (run the fixing golden path with run_golden_path, dry run first, when there is one).',
      ].join('\n'),
  },
];

/** A prompt's messages, its required arguments checked. */
export function getPrompt(name: string, args: Record<string, string> = {}): { description: string; messages: Array<{ role: 'user'; content: { type: 'text'; text: string } }> } {
  const prompt = MCP_PROMPTS.find(p => p.name === name);
  if (!prompt) throw badRequest(`There is no prompt ${name}: ${MCP_PROMPTS.map(p => p.name).join(', ')}`, [{ pointer: '/name', detail: 'must name a prompt' }]);
  const missing = prompt.arguments.filter(argument => argument.required && !args[argument.name]);
  if (missing.length) throw badRequest(`${name} needs ${missing.map(m => m.name).join(', ')}`, missing.map(m => ({ pointer: `/arguments/${m.name}`, detail: 'is required' })));
  return { description: prompt.description, messages: [{ role: 'user', content: { type: 'text', text: prompt.text(args) } }] };
}

/** The prompts as `prompts/list` answers them. */
export function listPrompts(): Array<{ name: string; title: string; description: string; arguments: PromptArgument[] }> {
  return MCP_PROMPTS.map(({ name, title, description, arguments: args }) => ({ name, title, description, arguments: args }));
}
