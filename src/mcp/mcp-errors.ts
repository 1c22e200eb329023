/**
 * Failures as MCP tool errors (`isError: true`), never a broken session: Pave's problem (title, status,
 * detail) with each field error's pointer turned into the tool's argument it is about.
 */
import { isPaveError, type FieldError, type Problem } from '../core/problem.js';
import type { McpTool } from './mcp-tool.js';

export interface ToolErrorResult {
  [key: string]: unknown;
  isError: true;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent: { problem: Problem };
}

/** A route's pointer (`/querystring/limit`, `/params/name`, `/body/spec/size`, `/spec/size`) as the tool argument's. */
export function argumentPointer(pointer: string, tool: McpTool | undefined): string {
  const stripped = pointer.replace(/^\/(querystring|query|params)(?=\/|$)/, '');
  if (stripped !== pointer) return stripped;
  const body = tool?.input.body;
  const inBody = pointer.replace(/^\/body(?=\/|$)/, '');
  return body && body !== 'spread' ? `/${body.property}${inBody}` : inBody;
}

/** A problem as a tool error; with `tool`, its pointers are the routes' and become the tool's arguments'. */
export function problemResult(problem: Problem, tool?: McpTool): ToolErrorResult {
  const errors: FieldError[] | undefined = problem.errors?.map(error => ({ ...error, pointer: argumentPointer(error.pointer, tool) }));
  const shown: Problem = { ...problem, ...(errors ? { errors } : {}) };
  const lines = [`${problem.title} (${problem.status})${problem.detail ? `: ${problem.detail}` : ''}`, ...(errors ?? []).map(error => `${error.pointer || '(the arguments)'}: ${error.detail}`)];
  return { isError: true, content: [{ type: 'text', text: lines.join('\n') }], structuredContent: { problem: shown } };
}

/** Any failure of a tool call as a tool error; what is not Pave's own problem is reported without its internals. */
export function toolError(error: unknown, tool?: McpTool): ToolErrorResult {
  if (isPaveError(error)) return problemResult(error.problem, tool);
  return problemResult({ type: 'https://pave.dev/problems/internal', title: 'Internal error', status: 500, detail: `${tool ? tool.name : 'The call'} failed unexpectedly; the server logged it` });
}
