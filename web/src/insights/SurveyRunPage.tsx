import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import type { FieldError } from '../lib/api';
import { useServerForm } from '../lib/useServerForm';
import { ErrorState, Loading } from '../components/States';
import { useMayDo } from '../lib/useMayDo';
import { answerRun, closeRun, getRun, runResults, type GroupResult, type Question, type QuestionResult, type SurveyRun } from './insightsApi';
import { Bar } from './Bar';
import './insights.css';

/** One survey run: the answer form while it is open for you, the anonymous results once it has closed. */
export default function SurveyRunPage() {
  const { runId = '' } = useParams();
  const run = useAsync((signal) => getRun(runId, signal), [runId]);
  const may = useMayDo(['surveys.survey.manage']);
  useDocumentTitle(run.data?.title ?? 'Survey');
  if (run.error) return <div className="page"><ErrorState error={run.error} onRetry={run.reload} what="the survey run" /></div>;
  if (!run.data) return <div className="page"><Loading /></div>;
  const r = run.data;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{r.title}</h1>
          <p className="muted">
            {r.state === 'closed' ? 'Closed' : r.state === 'open' ? 'Open' : 'Opens'} · {r.respondents} respondent(s) · closes {new Date(r.closedAt ?? r.closesAt).toLocaleString()}
          </p>
        </div>
        <div>
          {may?.['surveys.survey.manage'] && r.state !== 'closed' ? (
            <button type="button" className="btn" onClick={() => void closeRun(r.id).then(run.reload, run.reload)}>
              Close now
            </button>
          ) : null}{' '}
          <Link to="/surveys">All surveys</Link>
        </div>
      </div>
      {r.state === 'open' && r.eligible && !r.answered ? <AnswerForm run={r} onDone={run.reload} /> : null}
      {r.answered && r.state !== 'closed' ? <p className="card" role="status">Thank you: your answers are in. Results appear once the run closes.</p> : null}
      <Results runId={r.id} state={r.state} />
    </div>
  );
}

function AnswerForm({ run, onDone }: { run: SurveyRun; onDone: () => void }) {
  const [answers, setAnswers] = useState<Record<string, number | string>>({});
  const form = useServerForm(Object.fromEntries(run.questions.map((q) => [q.id, `/answers/${q.id}`])));
  return (
    <form
      className="card"
      onSubmit={form.onSubmit(async () => {
        await answerRun(run.id, answers);
        onDone();
      })}
      aria-label="Answer the survey"
    >
      <p className="muted">Your answers are stored without your name. You can answer once; skip any question that is not marked required.</p>
      {form.formError ? (
        <p role="alert" className="error-title">
          {form.formError}
        </p>
      ) : null}
      {run.questions.map((q) => (
        <QuestionField key={q.id} question={q} value={answers[q.id]} errors={form.errorsOf(q.id)} onChange={(v) => setAnswers((a) => ({ ...a, [q.id]: v }))} />
      ))}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={form.saving}>
          Send my answers
        </button>
      </div>
    </form>
  );
}

function QuestionField({ question, value, errors, onChange }: { question: Question; value: number | string | undefined; errors: FieldError[]; onChange: (value: number | string) => void }) {
  const points = question.type === 'likert' ? [1, 2, 3, 4, 5] : question.type === 'nps' ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [];
  return (
    <fieldset className="question">
      <legend>
        {question.text}
        {question.required ? ' (required)' : ''}
      </legend>
      {question.type === 'text' ? (
        <textarea aria-label={question.text} rows={3} maxLength={2000} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <div className="scale">
          {points.map((p) => (
            <label key={p}>
              <input type="radio" name={question.id} value={p} checked={value === p} onChange={() => onChange(p)} />
              {p}
            </label>
          ))}
          <span className="muted small">{question.type === 'likert' ? '1 strongly disagree … 5 strongly agree' : '0 not at all likely … 10 extremely likely'}</span>
        </div>
      )}
      {errors.map((e) => (
        <p key={e.pointer} className="hint error-title">
          {e.detail}
        </p>
      ))}
    </fieldset>
  );
}

function Results({ runId, state }: { runId: string; state: string }) {
  const results = useAsync((signal) => runResults(runId, signal), [runId, state]);
  if (results.error) return <ErrorState error={results.error} what="results" />;
  if (!results.data) return <Loading label="Loading results…" />;
  const data = results.data;
  return (
    <section aria-label="Results">
      <h2>Results</h2>
      <p className="muted" data-testid="threshold-explanation">
        {data.explanation}
      </p>
      <GroupCard group={data.overall} />
      {data.teams.map((team) => (
        <GroupCard key={team.group} group={team} />
      ))}
    </section>
  );
}

function GroupCard({ group }: { group: GroupResult }) {
  const name = group.group === 'everyone' ? 'Everyone' : group.group === 'no-team' ? 'No team' : group.group.replace(/^group:default\//, '');
  if (!group.shown)
    return (
      <div className="card hidden-group" data-testid={`group-${name}`}>
        <h3>{name}</h3>
        <p>{group.reason}</p>
      </div>
    );
  return (
    <div className="card" data-testid={`group-${name}`}>
      <div className="card-head">
        <h3>{name}</h3>
        <span className="muted">{group.respondents} respondents</span>
      </div>
      <table className="table results-table">
        <tbody>
          {(group.questions ?? []).map((q) => (
            <tr key={q.id}>
              <th scope="row" className="small">{q.text}</th>
              <td>
                <QuestionBar question={q} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QuestionBar({ question }: { question: QuestionResult }) {
  const a = question.aggregate;
  if (!question.shown || !a) return <span className="muted small">{question.reason}</span>;
  if (a.type === 'likert') return <Bar share={(a.mean - 1) / 4} label={`mean ${a.mean.toFixed(2)} of 5 · ${Math.round(a.favourable * 100)}% agree (${a.answered})`} tone={a.mean >= 3.5 ? 'good' : a.mean < 2.5 ? 'bad' : 'primary'} />;
  if (a.type === 'nps') return <Bar share={(a.score + 100) / 200} label={`NPS ${a.score} · ${a.promoters} promoters, ${a.passives} passives, ${a.detractors} detractors`} tone={a.score > 0 ? 'good' : 'bad'} />;
  return (
    <details>
      <summary>{a.answered} answers</summary>
      <ul>
        {a.answers.map((text, i) => (
          <li key={i}>{text}</li>
        ))}
      </ul>
    </details>
  );
}
