import { useState } from 'react';
import { CopyButton } from '../components/CopyButton';
import { ConfirmButton } from '../components/ConfirmButton';
import { ScrollTable } from '../components/ScrollTable';
import { EmptyState, Loading } from '../components/States';
import { ApiError } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { SectionError } from './SectionError';
import { WebhookDeliveries } from './WebhookDeliveries';
import { WebhookForm } from './WebhookForm';
import { useMayDo } from '../lib/useMayDo';
import { deleteWebhook, listWebhooks, testWebhook, type WebhookSubscription, type WebhookWithSecret } from './webhooksApi';

const ACTIONS = ['events.webhook.write', 'events.webhook.delete', 'events.webhook.redeliver'];
const COLUMNS = ['URL', 'Event types', 'Filter', 'State', <span className="sr-only">Change</span>];

/**
 * Outgoing webhooks: the subscriptions (never their secrets), created and edited in a form whose new
 * secret is shown once, deleted after a confirmation, tested with a signed ping, and each one's
 * deliveries with their attempts and the dead letters to send again.
 */
export function WebhooksSection() {
  const hooks = useAsync((signal) => listWebhooks(signal), []);
  const may = useMayDo(ACTIONS);
  const canWrite = may?.['events.webhook.write'] === true;
  const [editing, setEditing] = useState<{ hook?: WebhookSubscription }>();
  const [selected, setSelected] = useState<string>();
  const [secret, setSecret] = useState<{ id: string; secret: string }>();
  const [notice, setNotice] = useState<{ ok: boolean; text: string }>();
  const [refresh, setRefresh] = useState(0);

  const problemText = (error: unknown) => (error instanceof ApiError ? (error.problem.detail ?? error.problem.title) : String(error));

  async function remove(hook: WebhookSubscription) {
    try {
      await deleteWebhook(hook.id);
      setNotice({ ok: true, text: `Deleted the webhook to ${hook.url}.` });
      if (selected === hook.id) setSelected(undefined);
    } catch (error) {
      setNotice({ ok: false, text: problemText(error) });
    }
    hooks.reload();
  }

  async function test(hook: WebhookSubscription) {
    try {
      const delivery = await testWebhook(hook.id);
      const attempt = delivery.log[0];
      const answer = attempt?.statusCode !== undefined ? `HTTP ${attempt.statusCode}` : (attempt?.error ?? 'no answer');
      setNotice({ ok: delivery.state === 'delivered', text: `Test ping to ${hook.url}: ${delivery.state === 'delivered' ? 'delivered' : 'failed'} (${answer}, ${attempt?.durationMs ?? 0} ms).` });
      setSelected(hook.id);
      setRefresh((n) => n + 1);
    } catch (error) {
      setNotice({ ok: false, text: problemText(error) });
    }
  }

  function saved(result: WebhookSubscription | WebhookWithSecret) {
    setEditing(undefined);
    setNotice({ ok: true, text: `Saved the webhook to ${result.url}.` });
    setSecret('secret' in result ? { id: result.id, secret: result.secret } : undefined);
    hooks.reload();
  }

  return (
    <section className="card" aria-labelledby="webhooks-title">
      <div className="card-head">
        <h2 id="webhooks-title">Webhooks</h2>
        {canWrite && !editing ? (
          <button type="button" className="btn primary" onClick={() => { setEditing({}); setNotice(undefined); setSecret(undefined); }}>
            New webhook
          </button>
        ) : null}
      </div>
      <p className="muted">
        Pave POSTs each matching event as JSON, signed with the webhook’s secret in <code>Pave-Signature</code>, retries with backoff, and keeps what it could not
        deliver as a dead letter. Events for one webhook arrive in order.
      </p>
      {notice ? (
        <div className={notice.ok ? 'success-state' : 'error-state'} role={notice.ok ? 'status' : 'alert'}>
          {notice.text}
        </div>
      ) : null}
      {secret ? (
        <div className="success-state webhook-secret" role="status">
          <p>
            The signing secret, shown only now: give it to the receiver, which checks <code>Pave-Signature</code> with it.
          </p>
          <p className="row">
            <code className="secret-value">{secret.secret}</code> <CopyButton text={secret.secret} label="Copy the secret" className="btn small-btn" />
            <button type="button" className="btn small-btn" onClick={() => setSecret(undefined)}>
              Done
            </button>
          </p>
        </div>
      ) : null}
      {editing ? <WebhookForm key={editing.hook?.id ?? 'new'} hook={editing.hook} onCancel={() => setEditing(undefined)} onSaved={saved} /> : null}
      {hooks.error ? (
        <SectionError error={hooks.error} onRetry={hooks.reload} action="events.webhook.read" toWhat="the webhooks" />
      ) : !hooks.data ? (
        <Loading label="Loading webhooks…" />
      ) : hooks.data.items.length === 0 ? (
        <EmptyState title="No webhooks yet.">
          <p>Subscribe a URL to catalog, golden-path, platform or auth events to have Pave tell other systems what changed.</p>
        </EmptyState>
      ) : (
        <ScrollTable label="Webhooks" caption="Webhook subscriptions" loading={hooks.loading} className="webhooks-table" columns={COLUMNS}>
          {hooks.data.items.map((hook) => (
            <tr key={hook.id} data-webhook={hook.id} aria-selected={selected === hook.id}>
              <td className="mono webhook-url">{hook.url}</td>
              <td>
                <ul className="code-list">
                  {hook.types.map((type) => (
                    <li key={type}>
                      <code>{type}</code>
                    </li>
                  ))}
                </ul>
              </td>
              <td className="small">{hook.filter ? Object.entries(hook.filter).map(([key, values]) => `${key}: ${(values as string[]).join(', ')}`).join('; ') : 'every event'}</td>
              <td>{hook.enabled ? 'enabled' : 'disabled'}</td>
              <td className="rule-buttons">
                <span className="row">
                  <button type="button" className="btn small-btn" aria-label={`Deliveries of ${hook.url}`} aria-pressed={selected === hook.id} onClick={() => setSelected(selected === hook.id ? undefined : hook.id)}>
                    Deliveries
                  </button>
                  {canWrite ? (
                    <>
                      <button type="button" className="btn small-btn" aria-label={`Send a test to ${hook.url}`} onClick={() => void test(hook)}>
                        Test
                      </button>
                      <button type="button" className="btn small-btn" aria-label={`Edit the webhook to ${hook.url}`} onClick={() => { setEditing({ hook }); setNotice(undefined); setSecret(undefined); }}>
                        Edit
                      </button>
                    </>
                  ) : null}
                  {may?.['events.webhook.delete'] ? (
                    <ConfirmButton label="Delete" ariaLabel={`Delete the webhook to ${hook.url}`} confirmLabel="Delete webhook" onConfirm={() => remove(hook)} />
                  ) : null}
                </span>
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      {selected ? <WebhookDeliveries webhookId={selected} canRedeliver={may?.['events.webhook.redeliver'] === true} refresh={refresh} /> : null}
    </section>
  );
}
