import { Link } from 'react-router-dom';
import { useAsync } from '../lib/hooks';
import { useMay } from '../lib/useMayDo';
import { Loading } from '../components/States';
import { listCampaigns, listScorecards, type ScorecardSummaryView } from '../scorecards/scorecardsApi';

/** The share of a scorecard's entities at its lowest level or above. */
function passRate({ entities, levels }: ScorecardSummaryView): number {
  return (entities - (levels.unranked ?? 0)) / entities;
}

async function scorecardFigures(signal: AbortSignal) {
  const [scorecards, campaigns] = await Promise.all([listScorecards(signal), listCampaigns(signal)]);
  return { scorecards: scorecards.items.filter((s) => s.entities > 0), open: campaigns.items.filter((c) => c.scorecardFound && c.progress.left > 0) };
}

/** Each scorecard's pass rate and the open campaigns, linking to /scorecards; only for those who may read scorecards. */
export function ScorecardsTile() {
  const may = useMay('scorecards.result.read');
  const figures = useAsync((signal) => (may ? scorecardFigures(signal) : Promise.resolve(undefined)), [may]);
  if (!may) return null;
  const data = figures.data;
  return (
    <Link className="card tile" to="/scorecards" data-testid="tile-scorecards">
      <h2>Scorecards</h2>
      {figures.error ? <p>{figures.error.message}</p> : !data ? <Loading rows={1} /> : !data.scorecards.length ? <p className="muted">No data yet: no scorecard has scored an entity.</p> : (
        <>
          {data.scorecards.map((s) => (
            <p key={s.scorecard.ref}>
              {s.scorecard.title}: <strong>{Math.round(passRate(s) * 100)}%</strong> of {s.entities} at {[...s.scorecard.levels].sort((a, b) => a.rank - b.rank)[0]?.name ?? 'a level'} or above
            </p>
          ))}
          <p>{data.open.length ? `${data.open.length} open campaign(s): ${data.open.map((c) => `${c.campaign.title} (${c.progress.left} left)`).join(', ')}` : 'No open campaign.'}</p>
        </>
      )}
    </Link>
  );
}
