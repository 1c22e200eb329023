import { Command } from 'commander';
import { loadConfig } from '../pave-config.js';
import { unauthorized } from '../core/problem.js';
import { chooseTarget, type GlobalOptions } from './context.js';
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
      // The MCP SDK, and the app for the local store, load when an agent connects, not at every command's start.
      const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
      const target = chooseTarget(globals());
      if (target.kind === 'server') {
        if (!target.token) throw unauthorized(`Not signed in to ${target.server}: sign in with pave login ${target.server} (or set PAVE_TOKEN)`);
        const { relay, remoteTransport } = await import('../mcp/mcp-relay.js');
        await relay(new StdioServerTransport(), remoteTransport(target.server, target.token));
        return;
      }
      const [{ createApp }, { createServer }, { createLogger }] = await Promise.all([import('../app.js'), import('../api/server.js'), import('../core/logger.js')]);
      const config = loadConfig({ file: globals().config });
      const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'warn', process.stderr);
      const app = await createApp(config, { logger, workers: LOCAL_WORKERS });
      try {
        const server = await createServer(app);
        await server.ready();
        const bearer = app.auth.localOperatorBearer();
        const mcp = await app.mcp.createServer({ injector: server, openapi: () => server.swagger() as unknown as OpenApiDocument, caller: () => ({ credentials: { headers: { authorization: `Bearer ${bearer}` } } }) });
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
