import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { ErrorState, Loading } from '../components/States';
import { FormField } from '../components/FormField';
import { FormProblem } from '../components/FormProblem';
import { useServerForm } from '../lib/useServerForm';
import { QUESTION_TOPICS, QUESTION_TYPES, type QuestionTopic, type QuestionType } from '../../../src/surveys/question.js';
import { getSurvey, updateSurvey, type Question, type Survey } from './insightsApi';
import './insights.css';

const TYPE_WORDS: Record<QuestionType, string> = { likert: 'Agree–disagree (1–5)', nps: 'How likely to recommend (0–10)', text: 'Words' };

/**
 * A question being edited; `saved` marks those the questionnaire held, whose ids stay (trends follow them).
 * `key` stays with the question as it moves, so its row and the server's errors about it move with it.
 */
type Draft = Question & { saved: boolean; key: number };

const FIELDS = ['id', 'type', 'topic', 'text'] as const;

/**
 * The platform team edits a questionnaire between runs: titles, wording, order, new questions and removed ones.
 * Existing questions keep their ids, so results stay comparable; runs already made keep their own questions.
 * The server checks everything and its problems land next to their fields.
 */
export default function QuestionnairePage() {
  const { surveyId = '' } = useParams();
  const survey = useAsync((signal) => getSurvey(surveyId, signal), [surveyId]);
  useDocumentTitle(survey.data ? `Questions of ${survey.data.title}` : 'Questionnaire');
  if (survey.error) return <div className="page"><ErrorState error={survey.error} onRetry={survey.reload} what="the questionnaire" /></div>;
  if (!survey.data) return <div className="page"><Loading label="Loading the questionnaire…" /></div>;
  return <QuestionnaireForm survey={survey.data} />;
}

function QuestionnaireForm({ survey }: { survey: Survey }) {
  const lastKey = useRef(0);
  const draftOf = (q: Question, saved: boolean): Draft => ({ ...q, saved, key: ++lastKey.current });
  const [title, setTitle] = useState(survey.title);
  const [drafts, setDrafts] = useState<Draft[]>(() => survey.questions.map((q) => draftOf(q, true)));
  // The questions in the order the last save sent them: the server's errors name those positions.
  const [sent, setSent] = useState<number[]>([]);
  const [savedAt, setSavedAt] = useState<string>();
  const pointers: Record<string, string> = { title: '/title' };
  sent.forEach((key, i) => {
    for (const field of FIELDS) pointers[`${key}.${field}`] = `/questions/${i}/${field}`;
  });
  const form = useServerForm(pointers);
  // A question added since the last save has no errors yet.
  const errorsOf = (q: Draft, field: (typeof FIELDS)[number]) => (sent.includes(q.key) ? form.errorsOf(`${q.key}.${field}`) : []);
  const change = (i: number, patch: Partial<Draft>) => setDrafts((list) => list.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  const move = (i: number, by: number) =>
    setDrafts((list) => {
      const next = [...list];
      const [item] = next.splice(i, 1);
      next.splice(i + by, 0, item!);
      return next;
    });
  const save = async () => {
    setSent(drafts.map((d) => d.key));
    const saved = await updateSurvey(survey.id, { title: title.trim(), questions: drafts.map(({ saved: _saved, key: _key, ...q }) => ({ ...q, text: q.text.trim(), ...(q.required ? { required: true } : { required: false }) })) });
    setDrafts(saved.questions.map((q) => draftOf(q, true)));
    setTitle(saved.title);
    setSavedAt(saved.updatedAt);
  };
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <p className="small muted">
            <Link to="/surveys">Surveys</Link> / questionnaire
          </p>
          <h1>Questions of {survey.title}</h1>
          <p className="muted">Runs already made keep their questions. A question keeps its id when reworded, so its results stay comparable; a new meaning deserves a new question.</p>
        </div>
      </div>
      <form className="card" aria-label="Edit the questionnaire" onSubmit={form.onSubmit(save)} onChange={() => setSavedAt(undefined)}>
        {form.formError ? <FormProblem title={form.formError} unplaced={form.unplaced} whole="the questionnaire" /> : null}
        <FormField id={form.fieldId('title')} label="Questionnaire title" errors={form.errorsOf('title')}>
          {(props) => <input {...props} value={title} onChange={(e) => setTitle(e.target.value)} />}
        </FormField>
        <ol className="question-editor">
          {drafts.map((q, i) => (
            <li key={q.key} className="question-draft" aria-label={`Question ${i + 1}`}>
              <div className="field-row three">
                <FormField id={form.fieldId(`${q.key}.id`)} label="Id" hint={q.saved ? 'Kept: trends follow it' : 'Lower-case words and dashes'} errors={errorsOf(q, 'id')}>
                  {(props) => <input {...props} value={q.id} readOnly={q.saved} onChange={(e) => change(i, { id: e.target.value })} />}
                </FormField>
                <FormField id={form.fieldId(`${q.key}.type`)} label="Answered as" errors={errorsOf(q, 'type')}>
                  {(props) => (
                    <select {...props} value={q.type} onChange={(e) => change(i, { type: e.target.value as QuestionType })}>
                      {QUESTION_TYPES.map((t) => <option key={t} value={t}>{TYPE_WORDS[t]}</option>)}
                    </select>
                  )}
                </FormField>
                <FormField id={form.fieldId(`${q.key}.topic`)} label="Topic" errors={errorsOf(q, 'topic')}>
                  {(props) => (
                    <select {...props} value={q.topic} onChange={(e) => change(i, { topic: e.target.value as QuestionTopic })}>
                      {QUESTION_TOPICS.map((t) => <option key={t} value={t}>{t.replace(/-/g, ' ')}</option>)}
                    </select>
                  )}
                </FormField>
              </div>
              <FormField id={form.fieldId(`${q.key}.text`)} label="Question" errors={errorsOf(q, 'text')}>
                {(props) => <input {...props} value={q.text} onChange={(e) => change(i, { text: e.target.value })} />}
              </FormField>
              <div className="question-draft-actions">
                <label>
                  <input type="checkbox" checked={Boolean(q.required)} onChange={(e) => change(i, { required: e.target.checked })} /> Must be answered
                </label>
                <button type="button" className="btn small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move question ${i + 1} up`}>
                  Up
                </button>
                <button type="button" className="btn small" disabled={i === drafts.length - 1} onClick={() => move(i, 1)} aria-label={`Move question ${i + 1} down`}>
                  Down
                </button>
                <button type="button" className="btn small danger" onClick={() => setDrafts((list) => list.filter((_, j) => j !== i))} aria-label={`Remove question ${i + 1}`}>
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ol>
        <div className="form-actions">
          <button type="button" className="btn" onClick={() => setDrafts((list) => [...list, draftOf({ id: '', type: 'likert', topic: 'other', text: '' }, false)])}>
            Add a question
          </button>
          <button type="submit" className="btn primary" disabled={form.saving}>
            Save the questionnaire
          </button>
          {savedAt ? <span role="status">Saved.</span> : null}
        </div>
      </form>
    </div>
  );
}
