import { useState } from 'react';
import { ConfirmButton } from '../components/ConfirmButton';
import { CopyButton } from '../components/CopyButton';
import { ScrollTable } from '../components/ScrollTable';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { TokenForm } from './TokenForm';
import { listTokens, revokeToken, type TokenRecord } from './tokensApi';

const COLUMNS = ['Name', 'Starts with', 'May be used for', 'Created', 'Expires', 'Last used', 'State', ''];

const day = (iso?: string) => (iso ? new Date(iso).toLocaleDateString() : '—');

/**
 * The caller's API tokens, for the CLI (`PAVE_TOKEN`, `pave login`), CI jobs and MCP clients: listed without
 * their secrets, created with the secret shown once, revoked after a confirmation.
 */
export default function TokensPage() {
  useDocumentTitle('API tokens');
  const tokens = useAsync((signal) => listTokens(signal), []);
  const [created, setCreated] = useState<TokenRecord & { token: string }>();
  const [failure, setFailure] = useState<string>();

  async function revoke(token: TokenRecord) {
    setFailure(undefined);
    try {
      await revokeToken(token.id);
      if (created?.id === token.id) setCreated(undefined);
      tokens.reload();
    } catch (error) {
      setFailure(`Could not revoke “${token.name}”: ${(error as Error).message}`);
    }
  }

  return (
    <div className="page tokens-page">
      <div className="page-head">
        <div>
          <h1>API tokens</h1>
          <p className="muted">Tokens act as you, for the CLI, CI jobs and AI agents. Each is shown once, when it is created.</p>
        </div>
      </div>
      <TokenForm
        onCreated={(token) => {
          setCreated(token);
          tokens.reload();
        }}
      />
      {created ? (
        <div className="success-state token-secret" role="status">
          <p>
            The token “{created.name}”, shown only now: keep it where secrets belong (use it as <code>PAVE_TOKEN</code> or with <code>pave login</code>).
          </p>
          <p>
            <code className="secret-value">{created.token}</code> <CopyButton text={created.token} label="Copy the token" className="btn small-btn" />
          </p>
        </div>
      ) : null}
      {failure ? (
        <div className="error-state" role="alert">
          <p className="error-title">{failure}</p>
        </div>
      ) : null}
      {tokens.error ? (
        <ErrorState error={tokens.error} onRetry={tokens.reload} what="your tokens" />
      ) : !tokens.data ? (
        <Loading label="Loading tokens…" />
      ) : tokens.data.items.length === 0 ? (
        <EmptyState title="You have no API tokens yet." />
      ) : (
        <ScrollTable label="Your API tokens" caption="Your API tokens, newest first" loading={tokens.loading} className="tokens-table" columns={COLUMNS}>
          {tokens.data.items.map((token) => (
            <tr key={token.id} data-token={token.id}>
              <td>{token.name}</td>
              <td className="mono">{token.prefix}…</td>
              <td className="mono">{token.scopes.join(', ')}</td>
              <td>{day(token.createdAt)}</td>
              <td>{day(token.expiresAt)}</td>
              <td>{token.lastUsedAt ? day(token.lastUsedAt) : 'never'}</td>
              <td>{token.state}</td>
              <td className="rule-buttons">
                {token.state !== 'active' ? null : (
                  <ConfirmButton label="Revoke" ariaLabel={`Revoke the token ${token.name}`} confirmLabel={`Revoke “${token.name}”`} onConfirm={() => revoke(token)} />
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </div>
  );
}
