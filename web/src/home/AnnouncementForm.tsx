import { useState } from 'react';
import { FormField } from '../components/FormField';
import type { FieldError } from '../lib/api';
import { FormProblem } from '../components/FormProblem';
import { listItems, useServerForm } from '../lib/useServerForm';
import { itemIndex } from '../lib/fieldErrors';
import { publishAnnouncement, type Announcement } from './announcementsApi';

/**
 * Publishes an announcement: a title, Markdown text, optionally some teams and an end. The server checks each
 * field and its errors sit by their fields (a team's error by the teams field).
 */
export function AnnouncementForm({ onPublished, onCancel }: { onPublished: (announcement: Announcement) => void; onCancel: () => void }) {
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [teams, setTeams] = useState('');
  const [expires, setExpires] = useState('');
  const form = useServerForm({ title: '/title', text: '/text', teams: '/audience', expires: '/expiresAt' });
  const { fieldId, errorsOf, formError, unplaced, saving } = form;

  const submit = form.onSubmit(async () => {
    const audience = listItems(teams);
    onPublished(
      await publishAnnouncement({
        title,
        text,
        ...(audience.length ? { audience } : {}),
        // A datetime-local value is the browser's local time: sent as the instant it names.
        ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
      }),
    );
  });

  return (
    <form className="announcement-form" onSubmit={submit} noValidate aria-label="New announcement">
      {formError ? <FormProblem title={formError} unplaced={unplaced} whole="(announcement)" /> : null}
      <FormField id={fieldId('title')} label="Title" errors={errorsOf('title')}>
        {(props) => <input {...props} name="title" value={title} onChange={(event) => setTitle(event.target.value)} maxLength={120} />}
      </FormField>
      <FormField id={fieldId('text')} label="Text" hint="Markdown: links, lists, **bold**." errors={errorsOf('text')}>
        {(props) => <textarea {...props} name="text" rows={4} value={text} onChange={(event) => setText(event.target.value)} />}
      </FormField>
      <div className="field-row">
        <FormField id={fieldId('teams')} label="Only for teams" hint="Group refs separated by commas; everyone when empty." errors={errorsOf('teams')} describe={describeTeamError}>
          {(props) => <input {...props} name="teams" value={teams} onChange={(event) => setTeams(event.target.value)} placeholder="checkout-team, payments-team" />}
        </FormField>
        <FormField id={fieldId('expires')} label="Shown until" hint="Until withdrawn when empty." errors={errorsOf('expires')}>
          {(props) => <input {...props} name="expires" type="datetime-local" value={expires} onChange={(event) => setExpires(event.target.value)} />}
        </FormField>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={saving}>
          {saving ? 'Publishing…' : 'Publish'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A team's mistake names which team (the list is typed in one field). */
function describeTeamError(error: FieldError): string {
  const index = itemIndex(error, '/audience');
  return index === undefined ? error.detail : `Team ${index + 1}: ${error.detail}`;
}
