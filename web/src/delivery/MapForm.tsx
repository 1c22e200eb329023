import { useState, type FormEvent } from 'react';
import { ApiError } from '../lib/api';
import { mapUnmapped, type UnmappedTarget } from './deliveryApi';

/** One unmapped key's mapping action: the entity its events belong to, sent to the server, whose mistakes are shown here. */
export function MapForm({ target, onMapped }: { target: UnmappedTarget; onMapped: (events: number) => void }) {
  const [entity, setEntity] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = `map-${target.key}-${target.value}`.replace(/[^a-z0-9-]/gi, '-');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const mapped = await mapUnmapped(target.key, target.value, entity.trim());
      onMapped(mapped.events);
    } catch (e) {
      setError(e instanceof ApiError ? (e.problem.errors?.[0]?.detail ?? e.message) : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="map-form" onSubmit={submit}>
      <label htmlFor={id} className="sr-only">
        Component for {target.value}
      </label>
      <input id={id} value={entity} onChange={(e) => setEntity(e.target.value)} placeholder="component:default/name" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      <button className="btn" type="submit" disabled={busy || !entity.trim()}>
        Map
      </button>
      {error ? (
        <p id={`${id}-error`} className="error-text small" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
