import { ErrorState } from '../components/States';
import { ApiError } from '../lib/api';

/**
 * A section's load failure. A 403 says which permission the caller lacks and whom to ask, instead of
 * a bare "Forbidden"; anything else is the portal's usual error state.
 */
export function SectionError({ error, action, toWhat, onRetry }: { error: Error; action: string; toWhat: string; onRetry?: () => void }) {
  if (!(error instanceof ApiError) || error.status !== 403) return <ErrorState error={error} onRetry={onRetry} what={toWhat} />;
  return (
    <div className="error-state permission-needed" role="alert" data-action={action}>
      <p className="error-title">
        You need permission <code>{action}</code> to see {toWhat}.
      </p>
      {error.problem.detail ? <p>{error.problem.detail}</p> : null}
      <p className="muted">Ask a Pave admin (a member of the admin group) for a rule that allows it to you or to one of your groups.</p>
    </div>
  );
}
