import { useState } from 'react';
import { ErrorState, Spinner } from '../components/States';
import { extendRequest, type RequestView } from './platformApi';

/** When a request expires (it is then deleted through its delete workflow), and a way for its owners (`mayExtend`) to extend it. */
export function ExpirySection({ request, mayExtend, onExtended }: { request: RequestView; mayExtend: boolean; onExtended: (view: RequestView) => void }) {
  const [ttl, setTtl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const expiresAt = request.status.expiresAt;
  if (!expiresAt) return null;

  async function extend() {
    setBusy(true);
    setError(undefined);
    try {
      onExtended(await extendRequest(request.metadata.namespace, request.metadata.name, ttl));
      setTtl('');
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card expiry-card" aria-labelledby="expiry-title">
      <h2 id="expiry-title">Expiry</h2>
      <p>
        Expires <time dateTime={expiresAt} data-testid="expires-at">{new Date(expiresAt).toLocaleString()}</time>; it is then deleted through its delete workflow.
      </p>
      {mayExtend ? (
        <div className="expiry-form">
          <label htmlFor="expiry-ttl">Live for (from now, e.g. 12h or 3d)</label>
          <input id="expiry-ttl" value={ttl} onChange={(e) => setTtl(e.target.value)} />
          <button type="button" className="btn" disabled={busy || !ttl.trim()} onClick={() => void extend()}>
            {busy ? <Spinner label="Extending" /> : null} Extend
          </button>
        </div>
      ) : null}
      {error ? <ErrorState error={error} /> : null}
    </section>
  );
}
