import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ConfirmButton } from '../components/ConfirmButton';
import { ScrollTable } from '../components/ScrollTable';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { getProblems, listLocationsWithStatus, refreshLocation, removeLocation, type LocationSummary } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { useMayDo } from '../lib/useMayDo';
import { ProblemTable } from './HomePage';

const COLUMNS = ['Location', 'State', 'Entities', 'Problems', 'Last refresh', ''];
const ACTIONS = ['catalog.location.refresh', 'catalog.location.delete', 'catalog.location.create'] as const;

type Row = { data: { id: string; type: string; target: string }; status: LocationSummary };

/**
 * The catalog's registered locations, for the platform team: each one's state, what it produced and what went
 * wrong, refreshed now or removed (with the entities it produced) after a confirmation.
 */
export default function LocationsPage() {
  useDocumentTitle('Locations');
  const locations = useAsync((signal) => listLocationsWithStatus(signal), []);
  const may = useMayDo(ACTIONS);
  const [open, setOpen] = useState<string>();
  const [message, setMessage] = useState<{ text: string; failed: boolean }>();

  async function act(what: string, run: () => Promise<unknown>) {
    setMessage(undefined);
    try {
      await run();
      setMessage({ text: what, failed: false });
    } catch (error) {
      setMessage({ text: `${what.replace(/\.$/, '')} failed: ${(error as Error).message}`, failed: true });
    }
    locations.reload();
  }

  return (
    <div className="page locations-page">
      <div className="page-head">
        <div>
          <h1>Locations</h1>
          <p className="muted">Where the catalog reads its entities. Each is refreshed on a schedule; refresh one now after a change, or remove it with everything it produced.</p>
        </div>
        {may?.['catalog.location.create'] ? (
          <Link className="btn primary" to="/register">
            Register a location
          </Link>
        ) : null}
      </div>
      {message ? (
        <div className={message.failed ? 'error-state' : 'success-state'} role={message.failed ? 'alert' : 'status'}>
          <p>{message.text}</p>
        </div>
      ) : null}
      {locations.error ? (
        <ErrorState error={locations.error} onRetry={locations.reload} what="locations" />
      ) : !locations.data ? (
        <Loading label="Loading locations…" />
      ) : locations.data.length === 0 ? (
        <EmptyState title="No locations are registered yet.">
          <p>Register a catalog-info.yaml file or a repository and the catalog reads it at once.</p>
        </EmptyState>
      ) : (
        <ScrollTable label="Registered locations" caption="Registered locations, oldest first" loading={locations.loading} className="locations-table" columns={COLUMNS}>
          {locations.data.map(({ data, status }: Row) => (
            <LocationRow
              key={data.id}
              location={data}
              status={status}
              open={open === data.id}
              onToggle={() => setOpen(open === data.id ? undefined : data.id)}
              mayRefresh={Boolean(may?.['catalog.location.refresh'])}
              mayRemove={Boolean(may?.['catalog.location.delete'])}
              onRefresh={() => act(`Refreshed ${data.target}.`, () => refreshLocation(data.id))}
              onRemove={() => act(`Removed ${data.target} and the ${status.entityCount} entities it produced.`, () => removeLocation(data.id))}
            />
          ))}
        </ScrollTable>
      )}
    </div>
  );
}

function LocationRow(props: {
  location: Row['data'];
  status: LocationSummary;
  open: boolean;
  onToggle: () => void;
  mayRefresh: boolean;
  mayRemove: boolean;
  onRefresh: () => Promise<void>;
  onRemove: () => Promise<void>;
}) {
  const { location, status } = props;
  const [refreshing, setRefreshing] = useState(false);
  return (
    <>
      <tr data-location={location.id}>
        <td>
          <span className="type-pill">{location.type}</span> <span className="mono small break">{location.target}</span>
        </td>
        <td>
          <span className={`state-pill state-${status.state}`} data-state={status.state}>
            {status.state}
          </span>
        </td>
        <td>
          <Link to={`/catalog?location=${encodeURIComponent(`${location.type}:${location.target}`)}`} aria-label={`${status.entityCount} entities from ${location.target}`}>
            {status.entityCount}
          </Link>
        </td>
        <td>
          {status.errorCount ? (
            <button type="button" className="link-button" aria-expanded={props.open} onClick={props.onToggle}>
              {status.errorCount} {status.errorCount === 1 ? 'problem' : 'problems'}
            </button>
          ) : (
            <span className="muted">none</span>
          )}
        </td>
        <td>{status.lastRefreshAt ? new Date(status.lastRefreshAt).toLocaleString() : <span className="muted">never</span>}</td>
        <td className="rule-buttons">
          {props.mayRefresh ? (
            <button
              type="button"
              className="btn small-btn"
              disabled={refreshing}
              aria-label={`Refresh ${location.target} now`}
              onClick={async () => {
                setRefreshing(true);
                await props.onRefresh();
                setRefreshing(false);
              }}
            >
              {refreshing ? 'Refreshing…' : 'Refresh'}
            </button>
          ) : null}
          {props.mayRemove ? (
            <ConfirmButton label="Remove" ariaLabel={`Remove ${location.target}`} confirmLabel={`Remove it and its ${status.entityCount} entities`} onConfirm={props.onRemove} />
          ) : null}
        </td>
      </tr>
      {props.open ? (
        <tr className="location-problems">
          <td colSpan={COLUMNS.length}>
            <LocationProblems id={location.id} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function LocationProblems({ id }: { id: string }) {
  const problems = useAsync((signal) => getProblems(undefined, signal, id), [id]);
  if (problems.error) return <ErrorState error={problems.error} onRetry={problems.reload} what="problems" />;
  if (!problems.data) return <Loading label="Loading problems…" />;
  return <ProblemTable items={problems.data.items} />;
}
