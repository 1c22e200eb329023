import { useId, useState } from 'react';
import type { FieldError } from '../lib/api';
import { FormField } from '../components/FormField';
import { FormProblem } from '../components/FormProblem';
import { itemIndex } from '../lib/fieldErrors';
import { listItems, useServerForm } from '../lib/useServerForm';
import { createWebhook, updateWebhook, type WebhookFilter, type WebhookSubscription, type WebhookWithSecret } from './webhooksApi';

interface Draft {
  url: string;
  types: string;
  kinds: string;
  owners: string;
  namespaces: string;
  secret: string;
  enabled: boolean;
}

const FILTER_KEYS = ['kinds', 'owners', 'namespaces'] as const satisfies readonly (keyof WebhookFilter)[];
type ListField = 'types' | (typeof FILTER_KEYS)[number];

function toDraft(hook?: WebhookSubscription): Draft {
  const lines = (list?: string[]) => (list ?? []).join('\n');
  return { url: hook?.url ?? '', types: lines(hook?.types), kinds: lines(hook?.filter?.kinds), owners: lines(hook?.filter?.owners), namespaces: lines(hook?.filter?.namespaces), secret: '', enabled: hook?.enabled ?? true };
}

function filterOf(draft: Draft): WebhookFilter | undefined {
  const filter: WebhookFilter = {};
  for (const key of FILTER_KEYS) if (listItems(draft[key]).length) filter[key] = listItems(draft[key]);
  return Object.keys(filter).length ? filter : undefined;
}

/**
 * Creates a subscription, or edits one (`hook` given). The server checks every field (URL, event types,
 * blocked addresses, the secret's length) and names each mistake; they are shown next to their fields.
 * `onSaved` receives the secret when the server answered one (on create, or when it was rotated).
 */
export function WebhookForm({ hook, onSaved, onCancel }: { hook?: WebhookSubscription; onSaved: (saved: WebhookSubscription | WebhookWithSecret) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(hook));
  const [rotate, setRotate] = useState(false);
  const pointers: Record<keyof Draft, string> = { url: '/url', types: '/types', kinds: '/filter/kinds', owners: '/filter/owners', namespaces: '/filter/namespaces', secret: '/secret', enabled: '/enabled' };
  const form = useServerForm(pointers);
  const { fieldId, errorsOf, formError, unplaced, saving } = form;
  const titleId = useId();

  const submit = form.onSubmit(async () => {
    const filter = filterOf(draft);
    const secret = draft.secret.trim() ? { secret: draft.secret.trim() } : {};
    onSaved(
      hook
        ? await updateWebhook(hook.id, { url: draft.url.trim(), types: listItems(draft.types), filter: filter ?? null, enabled: draft.enabled, ...secret, ...(rotate && !draft.secret.trim() ? { rotateSecret: true } : {}) })
        : await createWebhook({ url: draft.url.trim(), types: listItems(draft.types), ...(filter ? { filter } : {}), enabled: draft.enabled, ...secret }),
    );
  });

  const change = (name: keyof Draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value });
  /** A list item's error names the item, since the server counts the items the form sent. */
  const describeIn = (name: ListField) => (error: FieldError) => {
    const index = itemIndex(error, pointers[name]);
    const item = index === undefined ? undefined : listItems(draft[name])[index];
    return item !== undefined ? `“${item}” ${error.detail}` : error.detail;
  };
  const list = (name: ListField, label: string, hint: string) => (
    <FormField id={fieldId(name)} label={label} hint={hint} errors={errorsOf(name)} describe={describeIn(name)}>
      {(props) => <textarea {...props} name={name} rows={3} value={draft[name]} onChange={change(name)} spellCheck={false} />}
    </FormField>
  );

  return (
    <section className="card rule-form webhook-form" aria-labelledby={titleId}>
      <h2 id={titleId}>{hook ? 'Edit webhook' : 'New webhook'}</h2>
      {formError ? <FormProblem title={formError} unplaced={unplaced} whole="(webhook)" /> : null}
      <form onSubmit={submit} noValidate>
        <FormField id={fieldId('url')} label="URL" hint="Where Pave POSTs each event (http:// or https://). Loopback, private and link-local addresses are refused unless events.webhooks.allowedHosts opens them." errors={errorsOf('url')}>
          {(props) => <input {...props} type="url" name="url" value={draft.url} onChange={change('url')} spellCheck={false} />}
        </FormField>
        {list('types', 'Event types', 'One per line: exact, e.g. catalog.entity.updated, or a prefix, e.g. catalog.* or platform.request.*.')}
        <fieldset className="rule-resource">
          <legend>Filter</legend>
          <p className="hint">Only events whose entity matches all of these (each list: any of its values). Leave them empty for every event of the types above.</p>
          <div className="field-row three">
            {list('kinds', 'Kinds', 'e.g. component')}
            {list('owners', 'Owners', 'e.g. group:default/checkout-team')}
            {list('namespaces', 'Namespaces', 'e.g. default')}
          </div>
        </fieldset>
        <FormField
          id={fieldId('secret')}
          label={hook ? 'New secret' : 'Secret'}
          hint={hook ? 'Leave empty to keep the current one (it is never shown again).' : 'Signs every delivery (Pave-Signature). Leave empty to have one generated; it is shown once, after saving.'}
          errors={errorsOf('secret')}
        >
          {(props) => <input {...props} type="password" name="secret" autoComplete="new-password" value={draft.secret} onChange={change('secret')} />}
        </FormField>
        <div className="row webhook-switches">
          <label>
            <input type="checkbox" name="enabled" checked={draft.enabled} onChange={(event) => setDraft({ ...draft, enabled: event.target.checked })} /> Enabled
          </label>
          {hook ? (
            <label>
              <input type="checkbox" name="rotateSecret" checked={rotate} onChange={(event) => setRotate(event.target.checked)} /> Generate a new secret
            </label>
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={saving}>
            {saving ? 'Saving…' : hook ? 'Save webhook' : 'Create webhook'}
          </button>
          <button type="button" className="btn" onClick={onCancel} disabled={saving}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
