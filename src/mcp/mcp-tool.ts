/**
 * One MCP tool: what an agent sees (name, description, input schema, annotations) and how a call is made
 * of Pave's own HTTP routes, called as the caller (see `tool-api.ts`). Its input schema is derived from the
 * routes' own schemas (`route-input-schema.ts`), so a tool accepts what the route accepts.
 */
import type { ClientRequest } from '../client/transport.js';

/** What a tool's implementation calls: Pave's routes, as the caller, for this tool call. */
export interface ToolApi {
  /** The JSON answer of a route; a problem answer throws its PaveError. */
  json<T = unknown>(request: ClientRequest): Promise<T>;
}

/** Honest hints about what a tool does (MCP's ToolAnnotations). */
export interface ToolAnnotations {
  /** It never changes anything, whatever its arguments. */
  readOnlyHint: boolean;
  /** Applying it may remove or overwrite something. */
  destructiveHint: boolean;
  /** Calling it again with the same arguments changes nothing more. */
  idempotentHint: boolean;
  /** Pave only: it reaches no system outside Pave's own. */
  openWorldHint: boolean;
}

/** Where a tool's input schema comes from: a route's path, query and body, and what the tool adds. */
export interface ToolInput {
  /** The route (method and Fastify path under the server root) whose schemas the input takes. */
  route: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string };
  /** The route's body: its properties as the tool's (`spread`), or the whole body as one property. */
  body?: 'spread' | { property: string; description: string };
  /** Route parameters the tool leaves out (it fills them itself). */
  omit?: readonly string[];
  /** Properties the tool adds (`apply`, paging). */
  extra?: Record<string, unknown>;
  /** Which of `extra` are required. */
  required?: readonly string[];
}

export interface McpTool {
  /** snake_case, e.g. `search_catalog`; a token scope `mcp.tool.<name>` names it. */
  readonly name: string;
  readonly title: string;
  /** What it does and when to use it, for an agent. */
  readonly description: string;
  readonly annotations: ToolAnnotations;
  /**
   * The permission actions its routes check: when reading or dry-running, and what applying adds. A token
   * limited to MCP tools (`mcp.read-only`, `mcp.tool.<name>`) is narrowed to these for the call.
   */
  readonly actions: { readonly read: readonly string[]; readonly apply?: readonly string[] };
  readonly input: ToolInput;
  /** Makes the call; `args` were checked against the input schema. Its answer is returned to the agent as JSON. */
  run(args: Record<string, unknown>, api: ToolApi): Promise<unknown>;
}

/** The property every change tool has: without it the call is a dry run. */
export const APPLY_PROPERTY = {
  apply: {
    type: 'boolean',
    default: false,
    description: 'Make the change. Without it (or false) the call is a dry run: it shows what would change and changes nothing.',
  },
};

/** Whether a call asks to apply its change. */
export function applies(args: Record<string, unknown>): boolean {
  return args.apply === true;
}

/** Paging for routes that answer whole lists: `limit` and the `nextCursor` of the previous page. */
export const PAGE_PROPERTIES = {
  limit: { type: 'integer', minimum: 1, maximum: 100, default: 25, description: 'At most this many items (default 25)' },
  cursor: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'The nextCursor of the previous page' },
};

/** One page of a whole list: `{ items, total, nextCursor? }`, so a long list is paged, never cut short silently. */
export function page<T>(items: readonly T[], args: Record<string, unknown>): { items: T[]; total: number; nextCursor?: string } {
  const limit = typeof args.limit === 'number' ? args.limit : 25;
  const start = typeof args.cursor === 'string' ? Number(args.cursor) : 0;
  const slice = items.slice(start, start + limit);
  const next = start + slice.length;
  return { items: slice, total: items.length, ...(next < items.length ? { nextCursor: String(next) } : {}) };
}

/** A path segment. */
export const seg = (value: unknown): string => encodeURIComponent(String(value));

/** The annotations of a tool that only reads. */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
