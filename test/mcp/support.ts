/**
 * The MCP suites' target: the demo (catalog, golden paths, capabilities and destinations) with
 * authorization on, and a real MCP client from the SDK connecting over Streamable HTTP on 127.0.0.1 with a
 * token.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { defaultConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { FAST_PLATFORM } from '../platform/support/platform-harness.js';

/** Starts the demo with authorization on (and guest sign-in, as `npm start`). */
export async function startMcpPave(): Promise<RunningPave> {
  const pave = await startPave({ demo: true, config: { auth: { ...defaultAuthConfig(), guest: true }, platform: { ...defaultConfig().platform, ...FAST_PLATFORM } } });
  await pave.app.workers.start(['store.event-consumers']);
  // Settled before the tests start: what the demo's events cause (scorecard levels, docs in search) is done.
  await pave.app.eventConsumers.drain();
  return pave;
}

/** A connected MCP client presenting `headers` (a bearer token, or a session cookie and its CSRF token). */
export async function connectMcp(url: string, headers: Record<string, string>, name = 'test-agent'): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/api/mcp', url), { requestInit: { headers } }));
  return client;
}

/** A tool call's answer: its structured content, or its text. */
export interface ToolAnswer {
  isError?: boolean;
  text: string;
  data: any;
}

export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: Array<{ type: string; text?: string }>; structuredContent?: unknown };
  const text = result.content.map(part => part.text ?? '').join('\n');
  return { isError: result.isError, text, data: result.structuredContent };
}
