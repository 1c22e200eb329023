import { Link } from 'react-router-dom';
import { listActions, type ActionDescription } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { SchemaTree } from '../api-docs/SchemaTree';
import type { Schema } from '../api-docs/schema-refs';
import './templates.css';

/** Action schemas hold no $refs to resolve: each node is itself. */
const itself = (node: unknown) => (node && typeof node === 'object' ? (node as Schema) : undefined);

/**
 * The actions templates can use: the organisation's own (installed from a folder or a package, run in a
 * sandbox) first, each with where it came from and its input and output schemas, then the built-in ones.
 */
export default function InstalledActionsPage() {
  useDocumentTitle('Installed actions');
  const actions = useAsync((signal) => listActions(signal), []);
  const installed = actions.data?.filter((a) => a.installed) ?? [];
  const builtIn = actions.data?.filter((a) => !a.installed) ?? [];
  return (
    <div className="page tpl-actions">
      <div className="page-head">
        <div>
          <h1>Installed actions</h1>
          <p className="muted">
            Steps templates can use. Your organisation's own actions come from the folders and packages named in <code>templates.actions</code>; each run is sandboxed.
          </p>
        </div>
        <Link className="btn" to="/create">
          Templates
        </Link>
      </div>
      {actions.error ? (
        <ErrorState error={actions.error} onRetry={actions.reload} what="actions" />
      ) : !actions.data ? (
        <Loading label="Loading actions…" />
      ) : (
        <>
          <h2>Your organisation's actions</h2>
          {installed.length === 0 ? (
            <EmptyState title="No actions installed.">
              <p>
                Add a folder of action modules to <code>templates.actions.folders</code> (or an npm package to <code>templates.actions.packages</code>) in <code>pave.config.yaml</code>.
              </p>
            </EmptyState>
          ) : (
            <ul className="tpl-action-list">{installed.map((a) => <ActionCard key={a.id} action={a} />)}</ul>
          )}
          <h2>Built in</h2>
          <ul className="tpl-action-list">{builtIn.map((a) => <ActionCard key={a.id} action={a} />)}</ul>
        </>
      )}
    </div>
  );
}

function ActionCard({ action }: { action: ActionDescription }) {
  return (
    <li className="card tpl-action" data-action={action.id}>
      <h3>
        <code>{action.id}</code>
      </h3>
      <p>{action.description}</p>
      <p className="muted small">
        {action.installed ? (
          <>
            From {action.installed.kind} <code>{action.installed.name}</code>, run in {action.installed.sandbox}.{' '}
          </>
        ) : null}
        {action.supportsDryRun ? 'Runs in dry runs.' : 'Skipped in dry runs.'}
      </p>
      <details>
        <summary>Input</summary>
        <SchemaTree schema={action.schema.input} resolve={itself} />
      </details>
      {action.schema.output ? (
        <details>
          <summary>Output</summary>
          <SchemaTree schema={action.schema.output} resolve={itself} />
        </details>
      ) : null}
    </li>
  );
}
