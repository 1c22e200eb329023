import { Link } from 'react-router-dom';
import { CopyButton } from '../components/CopyButton';
import { ScrollTable } from '../components/ScrollTable';
import { ErrorState, Loading } from '../components/States';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { listMcpTools, type McpToolSummary } from './mcpApi';
import './mcp.css';

const COLUMNS = ['Tool', 'What it does', 'Kind', 'Permissions checked'];

function kind(tool: McpToolSummary): string {
  if (tool.annotations.readOnlyHint) return 'read-only';
  return tool.annotations.destructiveHint ? 'dry run; destructive with apply' : 'dry run; writes with apply';
}

/** How to connect an AI agent over MCP (stdio through the CLI, or Streamable HTTP with a token), and the tools it gets. */
export default function McpPage() {
  useDocumentTitle('AI agents (MCP)');
  const tools = useAsync((signal) => listMcpTools(signal), []);
  const endpoint = `${window.location.origin}/api/mcp`;
  const desktop = JSON.stringify({ mcpServers: { pave: { command: 'pave', args: ['mcp'], env: { PAVE_SERVER: window.location.origin, PAVE_TOKEN: 'pave_…' } } } }, null, 2);
  return (
    <div className="page mcp-page">
      <div className="page-head">
        <div>
          <h1>AI agents (MCP)</h1>
          <p className="muted">
            Agents find services, run golden paths and request infrastructure as you: your permissions, your audit trail. Changes are dry runs unless the agent asks to apply.
          </p>
        </div>
      </div>
      <section aria-labelledby="mcp-connect">
        <h2 id="mcp-connect">Connect</h2>
        <p>
          First <Link to="/settings/tokens">create an API token</Link> for the agent (read only, if it should only look).
        </p>
        <p>
          Streamable HTTP (Claude Code, Cursor, VS Code, MCP SDKs): <code className="mcp-endpoint">{endpoint}</code> with the header <code>Authorization: Bearer pave_…</code>{' '}
          <CopyButton text={endpoint} label="Copy the MCP endpoint" className="btn small-btn" />
        </p>
        <p>Claude Desktop, through the <code>pave</code> CLI (stdio):</p>
        <pre className="mcp-config" tabIndex={0} aria-label="Claude Desktop configuration">{desktop}</pre>
        <CopyButton text={desktop} label="Copy the Claude Desktop configuration" className="btn small-btn" />
      </section>
      <section aria-labelledby="mcp-tools">
        <h2 id="mcp-tools">Tools</h2>
        {tools.error ? (
          <ErrorState error={tools.error} onRetry={tools.reload} what="the MCP tools" />
        ) : !tools.data ? (
          <Loading label="Loading tools…" />
        ) : (
          <ScrollTable label="MCP tools" caption="The MCP server's tools" loading={tools.loading} className="mcp-tools" columns={COLUMNS}>
            {tools.data.items.map((tool) => (
              <tr key={tool.name} data-tool={tool.name}>
                <td className="mono">{tool.name}</td>
                <td>{tool.description}</td>
                <td>{kind(tool)}</td>
                <td className="mono">
                  {tool.actions.read.join(', ')}
                  {tool.actions.apply ? <> — applied: {tool.actions.apply.join(', ')}</> : null}
                </td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </section>
    </div>
  );
}
