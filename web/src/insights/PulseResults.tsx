import { Link } from 'react-router-dom';
import { useAsync } from '../lib/hooks';
import { Loading } from '../components/States';
import { humanRef } from '../lib/refs';
import { pulseResults, type PulseSubjectResult } from './insightsApi';

const about = (item: PulseSubjectResult) => (item.kind === 'golden-path' ? humanRef(item.subject) : item.subject);
const figure = (item: PulseSubjectResult) => (item.shown ? `${item.mean!.toFixed(1)} / 5 · ${Math.round(item.favourable! * 100)}% favourable` : `${item.reason}`);

/** The dashboard's pulse tile: the worst-rated golden paths and capabilities, linking to the full table. */
export function PulseTile() {
  const pulse = useAsync((signal) => pulseResults(signal), []);
  return (
    <Link className="card tile" to="/surveys#pulse" data-testid="tile-pulse">
      <h2>Pulse after golden paths and requests</h2>
      {pulse.error ? <p>{pulse.error.message}</p> : !pulse.data ? <Loading rows={1} /> : !pulse.data.items.length ? <p className="muted">No ratings yet.</p> : (
        pulse.data.items.slice(0, 3).map((item) => (
          <p key={`${item.kind}:${item.subject}`}>
            {about(item)}: <strong>{figure(item)}</strong>
          </p>
        ))
      )}
    </Link>
  );
}

/** Every golden path's and capability's pulse, worst first, with the comments of those shown. */
export function PulseSection() {
  const pulse = useAsync((signal) => pulseResults(signal), []);
  return (
    <section className="card" id="pulse" aria-labelledby="pulse-results-title">
      <h2 id="pulse-results-title">Pulse after golden paths and requests</h2>
      <p className="muted small">One question asked when a golden path run completes or a request becomes Ready. A month's ratings show from the next month on, with numbers from {pulse.data?.minRespondents ?? 'enough'} ratings.</p>
      {pulse.error ? <p className="error-text">{pulse.error.message}</p> : !pulse.data ? <Loading rows={2} /> : !pulse.data.items.length ? <p className="muted">No ratings of past months yet.</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="pulse-results">
            <caption className="sr-only">Pulse ratings</caption>
            <thead>
              <tr>
                <th scope="col">About</th>
                <th scope="col">Rated</th>
                <th scope="col">Result</th>
                <th scope="col">Comments</th>
              </tr>
            </thead>
            <tbody>
              {pulse.data.items.map((item) => (
                <tr key={`${item.kind}:${item.subject}`}>
                  <td className="name-cell">
                    {about(item)}
                    <div className="cell-desc">{item.kind === 'golden-path' ? 'Golden path' : 'Capability'}</div>
                  </td>
                  <td>{item.answered}</td>
                  <td className="small">{figure(item)}</td>
                  <td className="small">{item.comments?.length ? item.comments.join(' · ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
