import { Link } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { listRuns, listSurveys } from './insightsApi';
import { useMayDo } from '../lib/useMayDo';
import { OpenRunForm } from './OpenRunForm';
import { PulseSection } from './PulseResults';
import './insights.css';

/** Developer-experience survey runs: answer those open to you, read the anonymous results of closed ones. */
export default function SurveysPage() {
  useDocumentTitle('Surveys');
  const runs = useAsync((signal) => listRuns(signal), []);
  const may = useMayDo(['surveys.survey.manage']);
  const questionnaires = useAsync((signal) => (may?.['surveys.survey.manage'] ? listSurveys(signal) : Promise.resolve(undefined)), [may?.['surveys.survey.manage']]);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Developer-experience surveys</h1>
          <p className="muted">Answers are anonymous: stored without who gave them, and shown only as results of groups of enough people.</p>
        </div>
        <Link to="/insights">Platform dashboard</Link>
      </div>
      {may?.['surveys.survey.manage'] ? <OpenRunForm /> : null}
      {questionnaires.data?.items.length ? (
        <section className="card" aria-labelledby="questionnaires-title">
          <h2 id="questionnaires-title">Questionnaires</h2>
          <ul className="plain-list">
            {questionnaires.data.items.map((survey) => (
              <li key={survey.id}>
                <Link to={`/surveys/questionnaires/${encodeURIComponent(survey.id)}`}>Edit the questions of {survey.title}</Link> <span className="muted small">({survey.questions.length} questions)</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {runs.error ? (
        <ErrorState error={runs.error} onRetry={runs.reload} what="survey runs" />
      ) : !runs.data ? (
        <Loading label="Loading surveys…" />
      ) : runs.data.items.length === 0 ? (
        <EmptyState title="No survey has run yet.">
          <p>
            The platform team opens one with <code>pave survey create</code> and <code>pave survey open</code>.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="survey-runs">
            <caption className="sr-only">Survey runs</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">State</th>
                <th scope="col">Closes</th>
                <th scope="col">Respondents</th>
                <th scope="col">You</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((run) => (
                <tr key={run.id}>
                  <td className="name-cell">
                    <Link to={`/surveys/runs/${encodeURIComponent(run.id)}`}>{run.title}</Link>
                    <div className="cell-desc">{run.audience.type === 'everyone' ? 'Everyone' : run.audience.teams.join(', ')}</div>
                  </td>
                  <td>{run.state}</td>
                  <td className="small">{new Date(run.closedAt ?? run.closesAt).toLocaleDateString()}</td>
                  <td>{run.respondents}</td>
                  <td className="small">{run.answered ? 'answered' : run.state === 'open' && run.eligible ? <Link to={`/surveys/runs/${encodeURIComponent(run.id)}`}>Answer</Link> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PulseSection />
    </div>
  );
}
