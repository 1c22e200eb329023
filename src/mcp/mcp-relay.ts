/**
 * `pave mcp` against a remote Pave: a relay between the MCP client on standard input/output and the
 * server's `/api/mcp` (Streamable HTTP), with the CLI's token. The remote server does everything (tools,
 * permissions, audit); the relay only passes messages both ways, so the client sees the remote server as
 * it is.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** Passes every message of `local` to `remote` and back; resolves when either side closes. */
export async function relay(local: Transport, remote: Transport): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      void Promise.allSettled([local.close(), remote.close()]).then(() => resolve());
    };
    local.onmessage = message => void remote.send(message).catch(error => local.onerror?.(error as Error));
    remote.onmessage = message => void local.send(message).catch(() => close());
    local.onclose = close;
    remote.onclose = close;
    // A failed remote request answers the client with an error for that message, not a dead session.
    remote.onerror = error => {
      if (!closed) process.stderr.write(`pave mcp: ${error.message}\n`);
    };
    Promise.all([remote.start(), local.start()]).catch(reject);
  });
}

/** The remote side: `<server>/api/mcp` with the token. */
export function remoteTransport(server: string, token: string): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL('/api/mcp', server), { requestInit: { headers: { authorization: `Bearer ${token}`, 'user-agent': 'pave-cli mcp relay' } } });
}
