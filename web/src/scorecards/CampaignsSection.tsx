import { Link } from 'react-router-dom';
import { useAsync } from '../lib/hooks';
import { ErrorState, Loading } from '../components/States';
import { campaignPath, listCampaigns, scorecardPath } from './scorecardsApi';

/** The campaigns under way: what each asks, by when, and how many entities are left. */
export function CampaignsSection() {
  const data = useAsync((signal) => listCampaigns(signal), []);
  if (data.error) return <ErrorState error={data.error} onRetry={data.reload} what="campaigns" />;
  if (!data.data) return <Loading />;
  if (!data.data.items.length) return null;
  return (
    <section className="card" aria-label="Campaigns">
      <h2>Campaigns</h2>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr><th>Campaign</th><th>Goal</th><th>Target</th><th>Done</th><th>Left</th></tr>
          </thead>
          <tbody>
            {data.data.items.map(({ campaign, progress }) => (
              <tr key={campaign.ref}>
                <td><Link to={campaignPath(campaign.ref)}>{campaign.title}</Link></td>
                <td>
                  {campaign.level ? `reach ${campaign.level}` : `pass ${campaign.rules?.join(', ')}`} on <Link to={scorecardPath(campaign.scorecard)}>{campaign.scorecard}</Link>
                </td>
                <td>{campaign.target}{progress.daysLeft >= 0 ? ` (${progress.daysLeft} days left)` : ' (past)'}</td>
                <td>{progress.done} of {progress.total - progress.exempt}</td>
                <td>{progress.left}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
