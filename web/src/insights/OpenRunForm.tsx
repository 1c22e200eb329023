import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { FormField } from '../components/FormField';
import { FormProblem } from '../components/FormProblem';
import { listItems, useServerForm } from '../lib/useServerForm';
import { createSurvey, listSurveys, openRun } from './insightsApi';

/**
 * For the platform team: open a run of the questionnaire (Pave's default one is created on first use) for
 * everyone or some teams, until a close date. The server's problems are shown next to their fields.
 */
export function OpenRunForm() {
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [closes, setCloses] = useState('');
  const [teams, setTeams] = useState('');
  const form = useServerForm({ title: '/title', closesAt: '/closesAt', audience: '/audience' });
  const open = async () => {
    const surveys = (await listSurveys()).items;
    const survey = surveys[surveys.length - 1] ?? (await createSurvey('Developer experience'));
    const list = listItems(teams).map((t) => (t.includes(':') ? t : `group:default/${t}`));
    const run = await openRun(survey.id, {
      ...(title.trim() ? { title: title.trim() } : {}),
      closesAt: closes ? new Date(closes).toISOString() : '',
      audience: list.length ? { type: 'teams', teams: list } : { type: 'everyone' },
    });
    navigate(`/surveys/runs/${encodeURIComponent(run.id)}`);
  };
  return (
    <form className="card" onSubmit={form.onSubmit(open)} aria-label="Open a survey run">
      <h2>Open a run</h2>
      {form.formError ? <FormProblem title={form.formError} unplaced={form.unplaced} whole="the run" /> : null}
      <div className="field-row three">
        <FormField id={form.fieldId('title')} label="Title" hint="Default: the questionnaire's title" errors={form.errorsOf('title')}>
          {(props) => <input {...props} value={title} onChange={(e) => setTitle(e.target.value)} />}
        </FormField>
        <FormField id={form.fieldId('closesAt')} label="Closes" errors={form.errorsOf('closesAt')}>
          {(props) => <input {...props} type="datetime-local" value={closes} onChange={(e) => setCloses(e.target.value)} />}
        </FormField>
        <FormField id={form.fieldId('audience')} label="Teams" hint="Empty: everyone. Else group names, comma-separated" errors={form.errorsOf('audience')}>
          {(props) => <input {...props} value={teams} onChange={(e) => setTeams(e.target.value)} />}
        </FormField>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={form.saving}>
          Open the run
        </button>
      </div>
    </form>
  );
}
