import { Link } from 'react-router-dom';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { listTemplates, type TemplateSummary } from '../lib/api';
import { setFeatureFlag, useFeatureFlags } from '../lib/featureFlags';
import { useAsync, useDocumentTitle } from '../lib/hooks';

/**
 * The feature flags golden paths declare (`backstage:featureFlag` on a page or field), each with a switch kept
 * in this browser (`lib/featureFlags.ts`, as Backstage's Settings → Feature Flags keeps them) and the templates
 * that use it. A flag turned on that no template names any more is listed too, to be turned off.
 */
export default function FeatureFlagsPage() {
  useDocumentTitle('Feature flags');
  const templates = useAsync((signal) => listTemplates(signal), []);
  const on = useFeatureFlags();
  const users = new Map<string, TemplateSummary[]>();
  for (const t of templates.data?.items ?? []) for (const flag of t.featureFlags ?? []) users.set(flag, [...(users.get(flag) ?? []), t]);
  for (const flag of on) if (!users.has(flag)) users.set(flag, []);
  const flags = [...users.keys()].sort();
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Feature flags</h1>
          <p className="muted">
            Golden paths can keep pages and fields for people who turn a flag on. Flags are off until you turn them on, and are kept in this browser only.
          </p>
        </div>
      </div>
      {templates.error ? (
        <ErrorState error={templates.error} onRetry={templates.reload} what="the templates" />
      ) : !templates.data ? (
        <Loading label="Loading templates…" />
      ) : flags.length === 0 ? (
        <EmptyState title="No template declares a feature flag." />
      ) : (
        <ul className="feature-flags" aria-label="Feature flags">
          {flags.map((flag) => (
            <li key={flag} className="card" data-flag={flag}>
              <label className="tpl-check">
                <input type="checkbox" role="switch" checked={on.includes(flag)} onChange={(e) => setFeatureFlag(flag, e.target.checked)} /> <span className="mono">{flag}</span>
              </label>
              <p className="muted small">
                {users.get(flag)!.length ? (
                  <>
                    Used by{' '}
                    {users.get(flag)!.map((t, i) => (
                      <span key={t.ref}>
                        {i ? ', ' : ''}
                        <Link to={`/create/templates/${encodeURIComponent(t.namespace)}/${encodeURIComponent(t.name)}`}>{t.title}</Link>
                      </span>
                    ))}
                  </>
                ) : (
                  'No template uses it any more.'
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
