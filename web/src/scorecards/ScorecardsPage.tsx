import { Link } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { listScorecards, scorecardPath } from './scorecardsApi';
import { CampaignsSection } from './CampaignsSection';
import './scorecards.css';

/** Every scorecard with how many entities are at each of its levels. */
export default function ScorecardsPage() {
  useDocumentTitle('Scorecards');
  const data = useAsync((signal) => listScorecards(signal), []);
  return (
    <div className="page">
      <h1>Scorecards</h1>
      <p className="muted">Standards as code: each scorecard selects entities and ranks them by the rules they pass.</p>
      {data.error ? (
        <ErrorState error={data.error} onRetry={data.reload} what="scorecards" />
      ) : !data.data ? (
        <Loading />
      ) : !data.data.items.length ? (
        <EmptyState title="No scorecards yet.">
          <p>
            Add an entity of kind <code>Scorecard</code> (<code>pave.dev/v1alpha1</code>) to a catalog location.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Scorecard</th>
                <th>Entities</th>
                <th>Levels</th>
              </tr>
            </thead>
            <tbody>
              {data.data.items.map((item) => (
                <tr key={item.scorecard.ref}>
                  <td>
                    <Link to={scorecardPath(item.scorecard.ref)}>{item.scorecard.title}</Link>
                    {item.scorecard.description ? <div className="muted">{item.scorecard.description}</div> : null}
                  </td>
                  <td>{item.entities}</td>
                  <td>
                    {[...item.scorecard.levels].reverse().map((level) => `${level.name}: ${item.levels[level.name] ?? 0}`).join(' · ')} · unranked: {item.levels.unranked ?? 0}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CampaignsSection />
    </div>
  );
}
