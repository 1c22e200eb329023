import type { ReactNode } from 'react';
import { ApiError, signInUrl } from '../lib/api';

export function Loading({ label = 'Loading…', rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ width: `${90 - i * 15}%` }} aria-hidden="true" />
      ))}
    </div>
  );
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />;
}

export function EmptyState({ title, children, icon = '∅' }: { title: string; children?: ReactNode; icon?: string }) {
  return (
    <div className="empty-state">
      <div className="empty-icon" aria-hidden="true">
        {icon}
      </div>
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry, what }: { error: Error; onRetry?: () => void; what?: string }) {
  const problem = error instanceof ApiError ? error.problem : undefined;
  const hint =
    problem?.status === 0
      ? 'The portal could not reach the Pave server. Start it with `npm start` (or `pave serve`) and retry.'
      : problem && problem.status >= 500
        ? 'The server failed. Its log has the details; retry in a moment.'
        : undefined;
  return (
    <div className="error-state" role="alert">
      <p className="error-title">
        {what ? `Could not load ${what}: ` : ''}
        {problem?.title ?? error.message}
      </p>
      {problem?.detail && problem.detail !== problem.title ? <p>{problem.detail}</p> : null}
      {hint ? <p className="muted">{hint}</p> : null}
      {problem?.status === 401 ? (
        <p>
          <a href={signInUrl()}>Sign in</a> to continue.
        </p>
      ) : null}
      {problem?.status === 403 ? <p className="muted">Your account may not do this. Ask a Pave admin (or, for an entity, a member of its owning team) for access.</p> : null}
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
