import { useId, useState } from 'react';
import { ApiError, type FieldError } from '../lib/api';
import { FormField } from '../components/FormField';
import { FormProblem } from '../components/FormProblem';
import { errorsAt, unplacedErrors } from '../lib/fieldErrors';
import { explain, type Explanation } from '../lib/explain';

const FIELDS = { user: '/user', action: '/action', resourceRef: '/resourceRef', input: '/input' } as const;

/** "May this person do this action on this entity?": the server's decision and the rule that made it. */
export function ExplainBox() {
  const [input, setInput] = useState({ user: '', action: '', resourceRef: '', input: '' });
  const [result, setResult] = useState<Explanation>();
  const [problem, setProblem] = useState<{ detail: string; errors: FieldError[] }>();
  const [asking, setAsking] = useState(false);
  const formId = useId();
  const titleId = `${formId}-title`;

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setAsking(true);
    setProblem(undefined);
    try {
      setResult(await explain({ user: input.user.trim() || undefined, action: input.action.trim(), resourceRef: input.resourceRef.trim() || undefined, input: input.input.trim() || undefined }));
    } catch (error) {
      setResult(undefined);
      // Shown here rather than as a page error: a 401 names an unknown user, not a signed-out caller.
      if (error instanceof ApiError) setProblem({ detail: error.problem.detail ?? error.problem.title, errors: error.problem.errors ?? [] });
      else setProblem({ detail: String(error), errors: [] });
    } finally {
      setAsking(false);
    }
  }

  const errors = problem?.errors ?? [];
  const unplaced = unplacedErrors(errors, Object.values(FIELDS));
  const field = (name: keyof typeof FIELDS, label: string, hint: string) => (
    <FormField id={`${formId}-${name}`} label={label} hint={hint} errors={errorsAt(errors, FIELDS[name])}>
      {(props) => <input {...props} type="text" name={name} value={input[name]} onChange={(e) => setInput({ ...input, [name]: e.target.value })} spellCheck={false} />}
    </FormField>
  );

  return (
    <section className="card explain-box" aria-labelledby={titleId}>
      <h2 id={titleId}>Explain a decision</h2>
      <form onSubmit={submit} noValidate>
        <div className="field-row three">
          {field('user', 'User', 'A User ref such as user:default/jane; empty: you.')}
          {field('action', 'Action', 'e.g. catalog.entity.write')}
          {field('resourceRef', 'Entity ref', 'Optional, e.g. component:default/payments')}
        </div>
        <FormField id={`${formId}-input`} label="Input (JSON)" hint={'Optional: what the action asks for, for rules with input conditions, e.g. {"templateRef": "template:default/docs-site"} or a request document.'} errors={errorsAt(errors, FIELDS.input)}>
          {(props) => <textarea {...props} name="input" rows={3} className="mono" value={input.input} onChange={(e) => setInput({ ...input, input: e.target.value })} spellCheck={false} />}
        </FormField>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={asking}>
            {asking ? 'Asking…' : 'Explain'}
          </button>
        </div>
      </form>
      {problem ? <FormProblem title={unplaced.length < errors.length ? 'The server cannot answer that: see the marked field.' : problem.detail} unplaced={unplaced} whole="(question)" /> : null}
      <div aria-live="polite">{result ? <DecisionView result={result} /> : null}</div>
    </section>
  );
}

function DecisionView({ result }: { result: Explanation }) {
  return (
    <div className={`decision ${result.allowed ? 'allowed' : 'denied'}`} data-testid="decision">
      <p className="decision-verdict">
        <span className="effect-pill" data-effect={result.allowed ? 'allow' : 'deny'}>
          {result.allowed ? 'Allowed' : 'Denied'}
        </span>{' '}
        {result.reason}
      </p>
      <dl className="facts">
        <div>
          <dt>Decided by</dt>
          <dd>{result.rule ? <span className="mono">{result.rule.id}</span> : 'no rule (nothing allows it)'}{result.rule ? <span className="muted"> ({result.rule.source})</span> : null}</dd>
        </div>
        <div>
          <dt>Principal</dt>
          <dd className="mono">{result.principal}</dd>
        </div>
        <div>
          <dt>Groups</dt>
          <dd className="mono">{result.identity.groups.join(', ') || 'none'}</dd>
        </div>
        <div>
          <dt>Roles</dt>
          <dd>{result.identity.roles.join(', ') || 'none'}</dd>
        </div>
        <div>
          <dt>Matching rules</dt>
          <dd>{result.matched.length ? result.matched.map((m) => `${m.id} (${m.effect}, ${m.source})`).join('; ') : 'none'}</dd>
        </div>
      </dl>
    </div>
  );
}
