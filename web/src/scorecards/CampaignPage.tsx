import { Link, useParams } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { entityPath } from '../lib/refs';
import { ErrorState, Loading } from '../components/States';
import { getCampaign, scorecardPath } from './scorecardsApi';
import BurnupChart from './BurnupChart';
import './scorecards.css';

/** One campaign: where it stands, what is left per team, exemptions, and done entities over time. */
export default function CampaignPage() {
  const { namespace = 'default', name = '' } = useParams();
  const data = useAsync((signal) => getCampaign(namespace, name, signal), [namespace, name]);
  useDocumentTitle(data.data ? data.data.campaign.title : name);
  if (data.error) return <div className="page"><ErrorState error={data.error} onRetry={data.reload} what="campaign" /></div>;
  if (!data.data) return <div className="page"><Loading label="Loading campaign…" /></div>;
  const { campaign, progress } = data.data;
  const goal = progress.total - progress.exempt;
  const recent = progress.burnup.slice(-14);
  return (
    <div className="page">
      <p className="muted"><Link to="/scorecards">Scorecards</Link> /</p>
      <h1>{campaign.title}</h1>
      {campaign.description ? <p>{campaign.description}</p> : null}
      <p className="inline-links">
        {campaign.level ? <>Reach <strong>{campaign.level}</strong></> : <>Pass {campaign.rules?.join(', ')}</>} on{' '}
        <Link to={scorecardPath(campaign.scorecard)}>{campaign.scorecard}</Link> between {campaign.start} and <strong>{campaign.target}</strong>.
      </p>
      <section className="level-summary" aria-label="Progress">
        <span className="level-count">{progress.done} of {goal} done</span>
        <span className="level-count">{progress.left} left</span>
        <span className="level-count">{progress.exempt} exempt</span>
        <span className="level-count">{progress.daysLeft >= 0 ? `${progress.daysLeft} days left` : `${-progress.daysLeft} days past the target`}</span>
      </section>
      <progress className="campaign-progress" max={Math.max(goal, 1)} value={progress.done} aria-label="Done">{progress.done}</progress>
      <section className="card" aria-label="Per team">
        <h2>Per team</h2>
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Team</th><th>Done</th><th>Left</th><th>Exempt</th><th>Left to do</th></tr></thead>
            <tbody>
              {progress.teams.map((team) => (
                <tr key={team.owner}>
                  <td>{team.owner}</td>
                  <td>{team.done}</td>
                  <td>{team.left}</td>
                  <td>{team.exempt}</td>
                  <td>
                    {team.entitiesLeft.map((e, i) => (
                      <span key={e.entity}>
                        {i ? ', ' : ''}
                        <Link to={entityPath(e.entity, 'scorecards')}>{e.entity.split('/').pop()}</Link>
                        {e.failing.length ? <span className="muted"> ({e.failing.join(', ')})</span> : null}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {campaign.exemptions.length ? (
        <section className="card" aria-label="Exemptions">
          <h2>Exemptions</h2>
          <ul className="inline-links">
            {campaign.exemptions.map((e) => (
              <li key={e.entity}>
                <Link to={entityPath(e.entity)}>{e.entity}</Link>: {e.reason}
                {e.expires ? ` (until ${e.expires})` : ''}
                {e.grantedBy ? <span className="muted"> — granted by {e.grantedBy}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card" aria-label="Done over time">
        <h2>Done over time</h2>
        <BurnupChart points={progress.burnup} goal={goal} start={campaign.start} target={campaign.target} />
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Day</th><th>Done</th><th>Target</th></tr></thead>
            <tbody>
              {recent.map((point) => (
                <tr key={point.date}><td>{point.date}</td><td>{point.done}</td><td>{goal}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
