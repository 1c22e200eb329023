import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { entityPath } from '../lib/refs';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { getScorecard, getScorecardTrend } from './scorecardsApi';
import { LevelBadge } from './LevelBadge';
import './scorecards.css';

const TrendChart = lazy(() => import('./TrendChart'));
const TREND_DAYS = 90;

/** One scorecard: its trend, its entities grouped by level (highest first), filterable by team, and its rules. */
export default function ScorecardPage() {
  const { namespace = 'default', name = '' } = useParams();
  const data = useAsync((signal) => getScorecard(namespace, name, signal), [namespace, name]);
  const [team, setTeam] = useState('');
  const trend = useAsync((signal) => getScorecardTrend(namespace, name, { days: TREND_DAYS, ...(team ? { owner: team } : {}) }, signal), [namespace, name, team]);
  const card = data.data?.summary.scorecard;
  useDocumentTitle(card ? card.title : name);
  const teams = useMemo(() => [...new Set((data.data?.results ?? []).map((r) => r.owner ?? ''))].filter(Boolean).sort(), [data.data]);
  if (data.error) return <div className="page"><ErrorState error={data.error} onRetry={data.reload} what="scorecard" /></div>;
  if (!data.data || !card) return <div className="page"><Loading label="Loading scorecard…" /></div>;
  const results = data.data.results.filter((r) => !team || r.owner === team);
  const groups = [...[...card.levels].reverse().map((l) => l.name), undefined].map((level) => ({ level, items: results.filter((r) => r.level === level).sort((a, b) => b.score - a.score) }));
  return (
    <div className="page">
      <p className="muted"><Link to="/scorecards">Scorecards</Link> /</p>
      <h1>{card.title}</h1>
      {card.description ? <p>{card.description}</p> : null}
      <div className="level-summary" aria-label="Entities per level">
        {groups.map((g) => (
          <span key={g.level ?? 'unranked'} className="level-count">
            <LevelBadge scorecard={card} level={g.level} /> {g.items.length}
          </span>
        ))}
      </div>
      {teams.length > 1 ? (
        <label className="team-filter">
          Team{' '}
          <select value={team} onChange={(e) => setTeam(e.target.value)}>
            <option value="">All teams</option>
            {teams.map((t) => (
              <option key={t} value={t}>{t}</option>
            ))}
          </select>
        </label>
      ) : null}
      {trend.data && trend.data.points.length ? (
        <section className="card" aria-label="Trend">
          <h2>Last {trend.data.days} days{team ? ` for ${team}` : ''}</h2>
          <p className="muted" data-testid="trend-summary">{trendSummary(trend.data.points)}</p>
          <Suspense fallback={null}>
            <TrendChart scorecard={card} trend={trend.data} />
          </Suspense>
        </section>
      ) : null}
      {!results.length ? (
        <EmptyState title="No entities scored yet." />
      ) : (
        groups
          .filter((g) => g.items.length)
          .map((g) => (
            <section className="card" key={g.level ?? 'unranked'} aria-label={`Level ${g.level ?? 'unranked'}`}>
              <h2>
                <LevelBadge scorecard={card} level={g.level} /> <span className="muted">{g.items.length}</span>
              </h2>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr><th>Entity</th><th>Owner</th><th>Score</th><th>Rules left</th></tr>
                  </thead>
                  <tbody>
                    {g.items.map((r) => (
                      <tr key={r.entity}>
                        <td><Link to={entityPath(r.entity, 'scorecards')}>{r.entity}</Link></td>
                        <td>{r.owner ?? ''}</td>
                        <td>{r.score}</td>
                        <td className="muted">{r.rules.filter((rule) => rule.status !== 'pass').map((rule) => rule.title).join(', ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ))
      )}
      <section className="card">
        <h2>Rules</h2>
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th>Rule</th><th>Level</th><th>Weight</th><th>Condition</th></tr></thead>
            <tbody>
              {card.rules.map((rule) => (
                <tr key={rule.id}><td>{rule.title}</td><td>{rule.level}</td><td>{rule.weight}</td><td><code>{rule.condition}</code></td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

/** The trend in words: entities per level today, and how the mean score moved since the first scored day. */
function trendSummary(points: ReadonlyArray<{ date: string; entities: number; levels: Record<string, number>; averageScore: number | null }>): string {
  const last = points.at(-1)!;
  const first = points.find((point) => point.averageScore !== null);
  const today = Object.entries(last.levels).filter(([, count]) => count > 0).map(([level, count]) => `${count} ${level}`).join(', ') || 'no entities scored';
  const moved = first && last.averageScore !== null ? `; mean score ${first.averageScore} on ${first.date}, ${last.averageScore} today` : '';
  return `Today: ${today}${moved}.`;
}
