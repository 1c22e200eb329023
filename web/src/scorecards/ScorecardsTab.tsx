import { Link } from 'react-router-dom';
import type { Entity } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { fixPath, getEntityScorecards, scorecardPath } from './scorecardsApi';
import { LevelBadge, RuleStatusPill } from './LevelBadge';
import './scorecards.css';

/** The Scorecards tab of an entity page: per scorecard its level, score and every rule with its status, message and fix. */
export default function ScorecardsTab({ entity }: { entity: Entity }) {
  const { kind, metadata } = entity;
  const data = useAsync((signal) => getEntityScorecards(kind.toLowerCase(), metadata.namespace ?? 'default', metadata.name, signal), [kind, metadata.namespace, metadata.name]);
  if (data.error) return <ErrorState error={data.error} onRetry={data.reload} what="scorecards" />;
  if (!data.data) return <Loading label="Loading scorecards…" />;
  if (!data.data.results.length) {
    return (
      <EmptyState title="No scorecard scores this entity.">
        <p>
          Scorecards select entities with a filter; see <Link to="/scorecards">all scorecards</Link>.
        </p>
      </EmptyState>
    );
  }
  return (
    <>
      {data.data.results.map((result) => {
        const card = data.data!.scorecards.find((c) => c.ref === result.scorecard);
        return (
          <section className="card scorecard-result" key={result.scorecard} aria-label={card?.title ?? result.scorecard}>
            <h2>
              <Link to={scorecardPath(result.scorecard)}>{card?.title ?? result.scorecard}</Link> <LevelBadge scorecard={card} level={result.level} />{' '}
              <span className="muted score">score {result.score}</span>
            </h2>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Status</th>
                    <th>Rule</th>
                    <th>Level</th>
                    <th>Message</th>
                    <th>Fix</th>
                  </tr>
                </thead>
                <tbody>
                  {result.rules.map((rule) => (
                    <tr key={rule.id} data-rule={rule.id}>
                      <td>
                        <RuleStatusPill status={rule.status} />
                      </td>
                      <td>{rule.title}</td>
                      <td>{rule.level}</td>
                      <td className="muted">{rule.message ?? ''}</td>
                      <td>
                        {rule.status !== 'pass' && rule.fix ? (
                          <Link className="btn primary small-btn" to={fixPath(rule.fix)}>
                            Fix it
                          </Link>
                        ) : null}{' '}
                        {rule.status !== 'pass' && rule.fixUrl ? (
                          <a href={rule.fixUrl} target="_blank" rel="noreferrer">
                            How to fix
                          </a>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </>
  );
}
