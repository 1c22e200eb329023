import { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { loadConfig } from '../pave-config.js';
import { createLogger } from '../core/logger.js';
import { unauthorized } from '../core/problem.js';
import { createApp } from '../app.js';
import { createServer } from '../api/server.js';
import { chooseTarget, type GlobalOptions } from './context.js';
import { relay, remoteTransport } from '../mcp/mcp-relay.js';
import type { OpenApiDocument } from '../mcp/route-input-schema.js';

/** Work a local MCP server runs so that golden paths finish and requests become Ready while an agent waits. */
const LOCAL_WORKERS = ['store.event-consumers', 'templates.tasks', 'platform.reconciler'];

/**
 * `pave mcp`: an MCP server on standard input/output for a local AI agent (Claude Desktop, an IDE). Signed
 * in to a server (`pave login`, PAVE_SERVER/PAVE_TOKEN), it relays to that server's /api/mcp with the
 * CLI's token; otherwise (or with --local) it opens the configured store in this process and acts as the
 * local operator. Logs go to standard error: standard output carries the protocol.
 */
export function mcpCommand(globals: () => GlobalOptions): Command {
  return new Command('mcp')
    .description('Serve Pave to an AI agent over MCP on stdin/stdout (relayed to the signed-in server, or the local store)')
    .action(async () => {
      const target = chooseTarget(globals());
      if (target.kind === 'server') {
        if (!target.token) throw unauthorized(`Not signed in to ${target.server}: sign in with pave login ${target.server} (or set PAVE_TOKEN)`);
        await relay(new StdioServerTransport(), remoteTransport(target.server, target.token));
        return;
      }
      const config = loadConfig({ file: globals().config });
      const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'warn', process.stderr);
      const app = await createApp(config, { logger, workers: LOCAL_WORKERS });
      try {
        const server = await createServer(app);
        await server.ready();
        const bearer = app.auth.localOperatorBearer();
        const mcp = app.mcp.createServer({ injector: server, openapi: () => server.swagger() as unknown as OpenApiDocument, caller: () => ({ credentials: { headers: { authorization: `Bearer ${bearer}` } } }) });
        const transport = new StdioServerTransport();
        const closed = new Promise<void>(resolve => (mcp.onclose = resolve));
        process.stdin.once('end', () => void transport.close());
        await mcp.connect(transport);
        await closed;
        await server.close();
      } finally {
        await app.close();
      }
    });
}
