import { useState } from 'react';
import { describeInputConditions } from '../../../src/auth/input-condition.js';
import { ConfirmButton } from '../components/ConfirmButton';
import { ScrollTable } from '../components/ScrollTable';
import { EmptyState, Loading } from '../components/States';
import { ApiError } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { ExplainBox } from './ExplainBox';
import { RuleForm } from './RuleForm';
import { SectionError } from './SectionError';
import { deleteRule, listRules, type SourcedRule } from './adminApi';
import { useMayDo } from '../lib/useMayDo';

const WRITE = ['auth.rule.write'];
const RULE_COLUMNS = ['Rule', 'Source', 'Effect', 'Subjects', 'Actions', 'Resource', <span className="sr-only">Change</span>];

/** Every rule in force with where it comes from; stored rules are created, edited and deleted here. */
export function RulesSection() {
  const rules = useAsync((signal) => listRules(signal), []);
  const may = useMayDo(WRITE);
  const canWrite = may?.['auth.rule.write'] === true;
  const [editing, setEditing] = useState<{ rule?: SourcedRule }>();
  const [notice, setNotice] = useState<{ ok: boolean; text: string }>();

  async function remove(id: string) {
    try {
      await deleteRule(id);
      setNotice({ ok: true, text: `Deleted rule ${id}.` });
      if (editing?.rule?.id === id) setEditing(undefined);
    } catch (error) {
      setNotice({ ok: false, text: error instanceof ApiError ? (error.problem.detail ?? error.problem.title) : String(error) });
    }
    rules.reload();
  }

  return (
    <>
      <section className="card" aria-labelledby="rules-title">
        <div className="card-head">
          <h2 id="rules-title">Rules in force</h2>
          {canWrite && !editing ? (
            <button type="button" className="btn primary" onClick={() => { setEditing({}); setNotice(undefined); }}>
              New rule
            </button>
          ) : null}
        </div>
        <p className="muted">
          Deny wins over allow; with no matching rule the answer is deny. Rules from Pave’s default policy and from <code>pave.config.yaml</code> are read-only here.
          {may && !canWrite ? (
            <>
              {' '}
              You can read the rules; changing them needs permission <code>auth.rule.write</code>.
            </>
          ) : null}
        </p>
        {notice ? (
          <div className={notice.ok ? 'success-state' : 'error-state'} role={notice.ok ? 'status' : 'alert'}>
            {notice.text}
          </div>
        ) : null}
        {editing ? (
          <RuleForm
            key={editing.rule?.id ?? 'new'}
            rule={editing.rule}
            onCancel={() => setEditing(undefined)}
            onSaved={(rule) => {
              setEditing(undefined);
              setNotice({ ok: true, text: `Saved rule ${rule.id}.` });
              rules.reload();
            }}
          />
        ) : null}
        {rules.error ? (
          <SectionError error={rules.error} onRetry={rules.reload} action="auth.rule.read" toWhat="the permission rules" />
        ) : !rules.data ? (
          <Loading label="Loading rules…" />
        ) : rules.data.items.length === 0 ? (
          <EmptyState title="No rules: nobody may do anything.">
            <p>The default policy is off (auth.defaultPolicy: false) and no rule is configured or stored.</p>
          </EmptyState>
        ) : (
          <ScrollTable label="Permission rules" caption="Permission rules, default policy first, then configuration, then stored rules" loading={rules.loading} className="rules-table" columns={RULE_COLUMNS}>
            {rules.data.items.map((rule) => (
              <tr key={rule.id} data-rule={rule.id} data-source={rule.source}>
                <td>
                  <span className="mono rule-id">{rule.id}</span>
                  {rule.description ? <p className="cell-desc">{rule.description}</p> : null}
                </td>
                <td>
                  <span className="badge">{rule.source}</span>
                  {rule.source === 'store' ? null : <span className="muted small read-only"> read-only</span>}
                </td>
                <td>
                  <span className="effect-pill" data-effect={rule.effect}>
                    {rule.effect}
                  </span>
                </td>
                <td>
                  <CodeList items={rule.subjects} />
                </td>
                <td>
                  <CodeList items={rule.actions} />
                </td>
                <td>
                  <ResourceConditions rule={rule} />
                </td>
                <td className="rule-buttons">
                  {rule.source === 'store' && canWrite ? (
                    <span className="row">
                      <button type="button" className="btn small-btn" aria-label={`Edit rule ${rule.id}`} onClick={() => { setEditing({ rule }); setNotice(undefined); }}>
                        Edit
                      </button>
                      <ConfirmButton label="Delete" ariaLabel={`Delete rule ${rule.id}`} confirmLabel={`Delete ${rule.id}`} onConfirm={() => remove(rule.id)} />
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </section>
      <ExplainBox />
    </>
  );
}

function CodeList({ items }: { items: readonly string[] }) {
  return (
    <ul className="code-list">
      {items.map((item) => (
        <li key={item}>
          <code>{item}</code>
        </li>
      ))}
    </ul>
  );
}

function ResourceConditions({ rule }: { rule: SourcedRule }) {
  const entries = Object.entries(rule.resource ?? {}).filter((entry): entry is [string, string[]] => Array.isArray(entry[1]));
  if (!entries.length && !rule.input?.length) return <span className="muted">any</span>;
  return (
    <dl className="conditions">
      {entries.map(([key, values]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>
            <CodeList items={values} />
          </dd>
        </div>
      ))}
      {rule.input?.length ? (
        <div>
          <dt>input</dt>
          <dd>
            <CodeList items={rule.input.map((condition) => describeInputConditions([condition]))} />
          </dd>
        </div>
      ) : null}
    </dl>
  );
}
