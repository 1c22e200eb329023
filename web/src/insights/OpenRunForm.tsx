import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, type FieldError } from '../lib/api';
import { FormField } from '../components/FormField';
import { errorsAt, unplacedErrors } from '../lib/fieldErrors';
import { createSurvey, listSurveys, openRun } from './insightsApi';

const FIELDS = ['/title', '/closesAt', '/audience'];

/**
 * For the platform team: open a run of the questionnaire (Pave's default one is created on first use) for
 * everyone or some teams, until a close date. The server's problems are shown next to their fields.
 */
export function OpenRunForm() {
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [closes, setCloses] = useState('');
  const [teams, setTeams] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setErrors([]);
    setProblem(undefined);
    try {
      const surveys = (await listSurveys()).items;
      const survey = surveys[surveys.length - 1] ?? (await createSurvey('Developer experience'));
      const list = teams.split(/[\s,]+/).filter(Boolean).map((t) => (t.includes(':') ? t : `group:default/${t}`));
      const run = await openRun(survey.id, {
        ...(title.trim() ? { title: title.trim() } : {}),
        closesAt: closes ? new Date(closes).toISOString() : '',
        audience: list.length ? { type: 'teams', teams: list } : { type: 'everyone' },
      });
      navigate(`/surveys/runs/${encodeURIComponent(run.id)}`);
    } catch (error) {
      if (error instanceof ApiError) {
        setErrors(error.problem.errors ?? []);
        setProblem(error.problem.detail ?? error.problem.title);
      } else setProblem(String(error));
    } finally {
      setSaving(false);
    }
  };
  const rest = unplacedErrors(errors, FIELDS);
  return (
    <form className="card" onSubmit={submit} aria-label="Open a survey run">
      <h2>Open a run</h2>
      {problem ? (
        <p role="alert" className="error-title">
          {problem}
          {rest.map((e) => ` ${e.pointer}: ${e.detail}`).join(';')}
        </p>
      ) : null}
      <div className="field-row three">
        <FormField id="run-title" label="Title" hint="Default: the questionnaire's title" errors={errorsAt(errors, '/title')}>
          {(props) => <input {...props} value={title} onChange={(e) => setTitle(e.target.value)} />}
        </FormField>
        <FormField id="run-closes" label="Closes" errors={errorsAt(errors, '/closesAt')}>
          {(props) => <input {...props} type="datetime-local" value={closes} onChange={(e) => setCloses(e.target.value)} />}
        </FormField>
        <FormField id="run-teams" label="Teams" hint="Empty: everyone. Else group names, comma-separated" errors={errorsAt(errors, '/audience')}>
          {(props) => <input {...props} value={teams} onChange={(e) => setTeams(e.target.value)} />}
        </FormField>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={saving}>
          Open the run
        </button>
      </div>
    </form>
  );
}
