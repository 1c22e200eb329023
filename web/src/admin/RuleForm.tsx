import { useId, useState } from 'react';
import type { FieldError } from '../lib/api';
import { FormField } from '../components/FormField';
import { FormProblem } from '../components/FormProblem';
import { itemIndex } from '../lib/fieldErrors';
import { listItems, useServerForm } from '../lib/useServerForm';
import { saveRule, type AuthRule, type AuthRuleResource, type SourcedRule } from './adminApi';

interface Draft {
  id: string;
  description: string;
  effect: string;
  actions: string;
  subjects: string;
  kinds: string;
  namespaces: string;
  refs: string;
  owners: string;
}

const RESOURCE_KEYS = ['kinds', 'namespaces', 'refs', 'owners'] as const satisfies readonly (keyof AuthRuleResource)[];

function toDraft(rule?: SourcedRule): Draft {
  const lines = (list?: string[]) => (list ?? []).join('\n');
  return {
    id: rule?.id ?? '',
    description: rule?.description ?? '',
    effect: rule?.effect ?? 'allow',
    actions: lines(rule?.actions),
    subjects: lines(rule?.subjects),
    kinds: lines(rule?.resource?.kinds),
    namespaces: lines(rule?.resource?.namespaces),
    refs: lines(rule?.resource?.refs),
    owners: lines(rule?.resource?.owners),
  };
}

/** The rule as the form says it; the server checks it and names every mistake. */
function toRule(draft: Draft): AuthRule {
  const resource: AuthRuleResource = {};
  for (const key of RESOURCE_KEYS) if (listItems(draft[key]).length) resource[key] = listItems(draft[key]);
  return {
    id: draft.id.trim(),
    description: draft.description.trim(),
    effect: draft.effect as AuthRule['effect'],
    actions: listItems(draft.actions),
    subjects: listItems(draft.subjects),
    ...(Object.keys(resource).length ? { resource } : {}),
  };
}

/** The list a form field became in the rule sent (empty for fields that are not lists). */
function listOf(rule: AuthRule, name: keyof Draft): string[] {
  if (name === 'actions' || name === 'subjects') return rule[name];
  return (RESOURCE_KEYS as readonly string[]).includes(name) ? (rule.resource?.[name as keyof AuthRuleResource] ?? []) : [];
}

/** Creates a stored rule, or edits one (`rule` given: its id is fixed, since the id is its address). */
export function RuleForm({ rule, onSaved, onCancel }: { rule?: SourcedRule; onSaved: (rule: SourcedRule) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(rule));
  const sent = toRule(draft);
  const pointers: Record<keyof Draft, string> = {
    id: '/id',
    description: '/description',
    effect: '/effect',
    actions: '/actions',
    subjects: '/subjects',
    kinds: '/resource/kinds',
    namespaces: '/resource/namespaces',
    refs: '/resource/refs',
    owners: '/resource/owners',
  };
  const form = useServerForm(pointers);
  const { fieldId, errorsOf, formError, unplaced, saving } = form;
  const titleId = useId();
  const submit = form.onSubmit(async () => onSaved(await saveRule(sent)));

  const change = (name: keyof Draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value });
  /** A list item's error names the item, since the server counts the items the form sent. */
  const describeIn = (name: keyof Draft) => (error: FieldError) => {
    const index = itemIndex(error, pointers[name]);
    const item = index === undefined ? undefined : listOf(sent, name)[index];
    return item !== undefined ? `“${item}” ${error.detail}` : error.detail;
  };
  const field = (name: keyof Draft, label: string, hint: string | undefined, input: 'text' | 'lines') => (
    <FormField id={fieldId(name)} label={label} hint={hint} errors={errorsOf(name)} describe={describeIn(name)}>
      {(props) =>
        input === 'lines' ? (
          <textarea {...props} name={name} rows={3} value={draft[name]} onChange={change(name)} spellCheck={false} />
        ) : (
          <input {...props} type="text" name={name} value={draft[name]} onChange={change(name)} readOnly={name === 'id' && rule !== undefined} spellCheck={false} />
        )
      }
    </FormField>
  );

  return (
    <section className="card rule-form" aria-labelledby={titleId}>
      <h2 id={titleId}>{rule ? `Edit rule ${rule.id}` : 'New rule'}</h2>
      {formError ? <FormProblem title={formError} unplaced={unplaced} whole="(rule)" /> : null}
      <form onSubmit={submit} noValidate>
        <div className="field-row">
          {field('id', 'Id', rule ? 'The id is the rule’s address; to rename, create a new rule and delete this one.' : 'Lower-case letters, digits, dots, dashes, e.g. checkout.deploys.', 'text')}
          <FormField id={fieldId('effect')} label="Effect" hint="Deny wins over allow." errors={errorsOf('effect')}>
            {(props) => (
              <select {...props} name="effect" value={draft.effect} onChange={change('effect')}>
                <option value="allow">allow</option>
                <option value="deny">deny</option>
              </select>
            )}
          </FormField>
        </div>
        {field('description', 'Description', 'Why the rule exists; explanations quote it.', 'text')}
        <div className="field-row">
          {field('subjects', 'Subjects', 'One per line: user:default/jane, group:default/checkout-team, service:ci, role:signed-in, role:owner, role:guest or role:admin.', 'lines')}
          {field('actions', 'Actions', 'One per line; * matches anything, e.g. catalog.entity.write or platform.request.*.', 'lines')}
        </div>
        <fieldset className="rule-resource">
          <legend>Resource conditions</legend>
          <p className="hint">All must hold (each list: any of its values). Leave them all empty for any resource.</p>
          <div className="field-row">
            {field('kinds', 'Kinds', 'e.g. Component', 'lines')}
            {field('namespaces', 'Namespaces', 'e.g. default', 'lines')}
          </div>
          <div className="field-row">
            {field('refs', 'Entity refs', 'Globs, e.g. component:default/payments-*', 'lines')}
            {field('owners', 'Owners', 'Full refs, e.g. group:default/checkout-team', 'lines')}
          </div>
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={saving}>
            {saving ? 'Saving…' : rule ? 'Save rule' : 'Create rule'}
          </button>
          <button type="button" className="btn" onClick={onCancel} disabled={saving}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
