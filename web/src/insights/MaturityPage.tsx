import { Link } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { ASPECT_TITLES, LEVEL_TITLES, MODEL_CREDIT_SHORT, listAssessments, maturityEvidence, type Assessment } from './insightsApi';
import { Radar } from './Radar';
import './insights.css';

const levelsOf = (a: Assessment) => Object.fromEntries(a.aspects.map((x) => [x.aspect, x.level]));

/** The maturity self-assessment: the latest levels on a radar against the previous ones, the evidence with its sources, and the history. */
export default function MaturityPage() {
  useDocumentTitle('Platform maturity');
  const assessments = useAsync((signal) => listAssessments(signal), []);
  const evidence = useAsync((signal) => maturityEvidence(signal), []);
  const [latest, previous] = assessments.data?.items ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Platform maturity</h1>
          <p className="muted">A self-assessment over the {MODEL_CREDIT_SHORT}. Each aspect is judged on its own; level 4 is not a goal in itself.</p>
        </div>
        <div>
          <a href="/api/maturity/report?format=md">Report (Markdown)</a> · <a href="/api/maturity/report?format=pdf">Report (PDF)</a>
        </div>
      </div>
      {assessments.error ? (
        <ErrorState error={assessments.error} onRetry={assessments.reload} what="assessments" />
      ) : !assessments.data ? (
        <Loading />
      ) : !latest ? (
        <EmptyState title="No assessment yet.">
          <p>
            Record one with <code>pave maturity assess --file assessment.yaml</code>.
          </p>
        </EmptyState>
      ) : (
        <div className="grid-2">
          <div className="card">
            <h2>Latest: {latest.assessedAt.slice(0, 10)}</h2>
            <Radar series={[...(previous ? [{ label: `Previous (${previous.assessedAt.slice(0, 10)})`, levels: levelsOf(previous), colour: '#8a94a6' }] : []), { label: `Latest (${latest.assessedAt.slice(0, 10)})`, levels: levelsOf(latest), colour: '#1f6feb' }]} />
          </div>
          <div className="card">
            <table className="table" data-testid="maturity-levels">
              <thead>
                <tr>
                  <th scope="col">Aspect</th>
                  <th scope="col">Level</th>
                  <th scope="col">Suggested</th>
                  <th scope="col">Since {previous ? previous.assessedAt.slice(0, 10) : 'last'}</th>
                </tr>
              </thead>
              <tbody>
                {latest.aspects.map((a) => {
                  const before = previous?.aspects.find((p) => p.aspect === a.aspect)?.level;
                  return (
                    <tr key={a.aspect}>
                      <th scope="row">{ASPECT_TITLES[a.aspect]}</th>
                      <td>
                        {LEVEL_TITLES[a.level]}
                        {a.note ? <div className="cell-desc">{a.note}</div> : null}
                      </td>
                      <td className="small">{a.suggested ? `${LEVEL_TITLES[a.suggested]}${a.overridden ? ' (overridden)' : ''}` : '—'}</td>
                      <td className="small">{!before ? 'first' : before === a.level ? 'unchanged' : `from ${LEVEL_TITLES[before]}`}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      )}
      <section className="card" aria-label="Evidence">
        <h2>Evidence from Pave</h2>
        {evidence.error ? (
          <ErrorState error={evidence.error} what="evidence" />
        ) : !evidence.data ? (
          <Loading />
        ) : (
          evidence.data.aspects.map((a) => (
            <div key={a.aspect}>
              <h3>
                {ASPECT_TITLES[a.aspect]} <span className="muted small">{a.suggested ? `suggests ${LEVEL_TITLES[a.suggested]}` : 'no suggestion'}</span>
              </h3>
              <ul>
                {a.evidence.map((e) => (
                  <li key={e.id}>
                    <strong>{e.title}</strong>: {e.value} <div className="evidence-source">source: {e.source}</div>
                  </li>
                ))}
                {a.missing.map((m) => (
                  <li key={m.id} className="muted">
                    Missing: {m.title} — from {m.from}
                  </li>
                ))}
              </ul>
            </div>
          ))
        )}
      </section>
      {assessments.data && assessments.data.items.length > 1 ? (
        <section className="card" aria-label="History">
          <h2>History</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Date</th>
                {Object.values(ASPECT_TITLES).map((t) => (
                  <th scope="col" key={t}>{t}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {assessments.data.items.map((a) => (
                <tr key={a.id}>
                  <td>{a.assessedAt.slice(0, 10)}</td>
                  {Object.keys(ASPECT_TITLES).map((k) => (
                    <td key={k}>{LEVEL_TITLES[levelsOf(a)[k] ?? ''] ?? '—'}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <p className="muted small">
        Model: {MODEL_CREDIT_SHORT}, paraphrased by Pave. <Link to="/insights">Platform dashboard</Link>
      </p>
    </div>
  );
}
