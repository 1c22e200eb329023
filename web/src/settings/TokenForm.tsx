import { useId, useState } from 'react';
import { FormField } from '../components/FormField';
import { FormProblem } from '../components/FormProblem';
import { useServerForm } from '../lib/useServerForm';
import { createToken, type TokenRecord } from './tokensApi';

/** What a new token may be used for: everything its owner may do, or only reading. */
const SCOPES = {
  all: { label: 'Everything I may do', scopes: ['*'] },
  read: { label: 'Read only', scopes: ['*.read'] },
  agent: { label: 'An AI agent, read only and dry runs (MCP)', scopes: ['mcp.read-only'] },
} as const;

/**
 * Creates a personal API token: a name, what it may be used for and how long it lives. The server checks each
 * field (the name's length, the lifetime against `auth.tokenMaxTtlDays`) and its errors sit by their fields.
 */
export function TokenForm({ onCreated }: { onCreated: (created: TokenRecord & { token: string }) => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<keyof typeof SCOPES>('read');
  const [days, setDays] = useState('30');
  const form = useServerForm({ name: '/name', days: '/expiresInDays', scope: '/scopes' });
  const { fieldId, errorsOf, formError, unplaced, saving } = form;
  const titleId = useId();

  const submit = form.onSubmit(async () => {
    onCreated(await createToken({ name: name.trim(), scopes: [...SCOPES[scope].scopes], expiresInDays: Number(days) }));
    setName('');
  });

  return (
    <section className="card token-form" aria-labelledby={titleId}>
      <h2 id={titleId}>New token</h2>
      {formError ? <FormProblem title={formError} unplaced={unplaced} whole="(token)" /> : null}
      <form onSubmit={submit} noValidate>
        <div className="field-row three">
          <FormField id={fieldId('name')} label="Name" hint="What it is for, e.g. “laptop CLI” or “CI deploy job”." errors={errorsOf('name')}>
            {(props) => <input {...props} name="name" value={name} onChange={(event) => setName(event.target.value)} maxLength={100} />}
          </FormField>
          <FormField id={fieldId('scope')} label="May be used for" hint="Never more than you may do yourself." errors={errorsOf('scope')}>
            {(props) => (
              <select {...props} name="scope" value={scope} onChange={(event) => setScope(event.target.value as keyof typeof SCOPES)}>
                {Object.entries(SCOPES).map(([key, option]) => (
                  <option key={key} value={key}>
                    {option.label}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField id={fieldId('days')} label="Expires after (days)" hint="It stops working then; revoke it sooner below." errors={errorsOf('days')}>
            {(props) => <input {...props} name="days" type="number" min={1} inputMode="numeric" value={days} onChange={(event) => setDays(event.target.value)} />}
          </FormField>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={saving}>
            {saving ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </section>
  );
}
