import { Link } from 'react-router-dom';
import { useAsync } from '../lib/hooks';
import { campaignPath, getTeamScorecards, scorecardPath } from './scorecardsApi';
import { LevelBadge } from './LevelBadge';
import './scorecards.css';

/**
 * A team page's scorecards: on each scorecard, how many of the team's entities stand at each level ("your 5
 * services: 2 gold, 1 silver"), and per campaign what the team has left before its target. Nothing is shown
 * while no scorecard scores the team's entities (or scorecards are not installed).
 */
export function TeamScorecardsSection({ namespace, name }: { namespace: string; name: string }) {
  const data = useAsync((signal) => getTeamScorecards(namespace, name, signal).catch(() => undefined), [namespace, name]);
  const view = data.data;
  if (!view || (!view.scorecards.length && !view.campaigns.length)) return null;
  return (
    <section className="card" aria-labelledby="team-scorecards-title">
      <h2 id="team-scorecards-title">Scorecards</h2>
      <ul className="team-scorecards">
        {view.scorecards.map(({ scorecard, entities, levels }) => (
          <li key={scorecard.ref}>
            <Link to={scorecardPath(scorecard.ref)}>{scorecard.title}</Link>: {entities} {entities === 1 ? 'entity' : 'entities'} —{' '}
            {[...scorecard.levels].sort((a, b) => b.rank - a.rank).map((level) => ({ level: level.name, count: levels[level.name] ?? 0 })).concat([{ level: '', count: levels.unranked ?? 0 }]).filter((entry) => entry.count > 0).map((entry, i) => (
              <span key={entry.level || 'unranked'}>
                {i ? ', ' : ''}
                {entry.count} <LevelBadge scorecard={scorecard} level={entry.level || undefined} />
              </span>
            ))}
          </li>
        ))}
        {view.campaigns.map(({ campaign, left, done, total, rulesToFix }) => (
          <li key={campaign.ref}>
            <Link to={campaignPath(campaign.ref)}>{campaign.title}</Link>:{' '}
            {left ? <>{left} of {total} left, <strong>{rulesToFix} {rulesToFix === 1 ? 'rule' : 'rules'} to fix before {campaign.target}</strong></> : <>all {done} done</>}
          </li>
        ))}
      </ul>
    </section>
  );
}
