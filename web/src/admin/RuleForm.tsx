import { useId, useState } from 'react';
import { ApiError, type FieldError } from '../lib/api';
import { FormField } from '../components/FormField';
import { FormProblem } from '../components/FormProblem';
import { errorsAt, itemIndex, unplacedErrors } from './fieldErrors';
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

/** Lists are typed one item per line (or separated by commas); none of their items holds a space. */
function items(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

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
  for (const key of RESOURCE_KEYS) if (items(draft[key]).length) resource[key] = items(draft[key]);
  return {
    id: draft.id.trim(),
    description: draft.description.trim(),
    effect: draft.effect as AuthRule['effect'],
    actions: items(draft.actions),
    subjects: items(draft.subjects),
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
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const formId = useId();
  const fieldId = (name: keyof Draft) => `${formId}-${name}`;
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
  const unplaced = unplacedErrors(errors, Object.values(pointers));

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setSaving(true);
    setErrors([]);
    setFormError(undefined);
    try {
      onSaved(await saveRule(sent));
    } catch (error) {
      if (!(error instanceof ApiError)) {
        setFormError(String(error));
        return;
      }
      const fieldErrors = error.problem.errors ?? [];
      setErrors(fieldErrors);
      setFormError(fieldErrors.length ? `${error.problem.detail ?? error.problem.title}: see the marked fields.` : (error.problem.detail ?? error.problem.title));
      const first = (Object.keys(pointers) as (keyof Draft)[]).find((name) => errorsAt(fieldErrors, pointers[name]).length > 0);
      if (first) document.getElementById(fieldId(first))?.focus();
    } finally {
      setSaving(false);
    }
  }

  const change = (name: keyof Draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value });
  /** A list item's error names the item, since the server counts the items the form sent. */
  const describeIn = (name: keyof Draft) => (error: FieldError) => {
    const index = itemIndex(error, pointers[name]);
    const item = index === undefined ? undefined : listOf(sent, name)[index];
    return item !== undefined ? `“${item}” ${error.detail}` : error.detail;
  };
  const field = (name: keyof Draft, label: string, hint: string | undefined, input: 'text' | 'lines') => (
    <FormField id={fieldId(name)} label={label} hint={hint} errors={errorsAt(errors, pointers[name])} describe={describeIn(name)}>
      {(props) =>
        input === 'lines' ? (
          <textarea {...props} name={name} rows={3} value={draft[name]} onChange={change(name)} spellCheck={false} />
        ) : (
          <input {...props} type="text" name={name} value={draft[name]} onChange={change(name)} readOnly={name === 'id' && rule !== undefined} spellCheck={false} />
        )
      }
    </FormField>
  );

  const titleId = `${formId}-title`;
  return (
    <section className="card rule-form" aria-labelledby={titleId}>
      <h2 id={titleId}>{rule ? `Edit rule ${rule.id}` : 'New rule'}</h2>
      {formError ? <FormProblem title={formError} unplaced={unplaced} whole="(rule)" /> : null}
      <form onSubmit={submit} noValidate>
        <div className="field-row">
          {field('id', 'Id', rule ? 'The id is the rule’s address; to rename, create a new rule and delete this one.' : 'Lower-case letters, digits, dots, dashes, e.g. checkout.deploys.', 'text')}
          <FormField id={fieldId('effect')} label="Effect" hint="Deny wins over allow." errors={errorsAt(errors, pointers.effect)}>
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
