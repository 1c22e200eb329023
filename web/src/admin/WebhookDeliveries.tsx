import { useState } from 'react';
import { ScrollTable } from '../components/ScrollTable';
import { EmptyState, Loading } from '../components/States';
import { ApiError } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { SectionError } from './SectionError';
import { listDeliveries, redeliver, type WebhookDelivery } from './webhooksApi';

const COLUMNS = ['Event', 'State', 'Attempts', 'Last answer', 'When', <span className="sr-only">Redeliver</span>];

/** What the last attempt came to, in a few words. */
function lastAnswer(delivery: WebhookDelivery): string {
  const last = delivery.log[delivery.log.length - 1];
  if (!last) return delivery.state === 'pending' ? 'not sent yet' : '—';
  return `${last.statusCode !== undefined ? `HTTP ${last.statusCode}` : (last.error ?? 'no answer')} in ${last.durationMs} ms`;
}

/** `2026-01-31 12:00:00` (UTC) of an ISO time. */
function shortTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 19);
}

/** One subscription's deliveries, newest first, with each attempt; dead letters can be sent again. */
export function WebhookDeliveries({ webhookId, canRedeliver, refresh }: { webhookId: string; canRedeliver: boolean; refresh: number }) {
  const deliveries = useAsync((signal) => listDeliveries(webhookId, signal), [webhookId, refresh]);
  const [notice, setNotice] = useState<{ ok: boolean; text: string }>();

  async function again(delivery: WebhookDelivery) {
    try {
      await redeliver(webhookId, delivery.id);
      setNotice({ ok: true, text: `Delivery of ${delivery.eventType} (event ${delivery.eventSeq}) is pending again.` });
    } catch (error) {
      setNotice({ ok: false, text: error instanceof ApiError ? (error.problem.detail ?? error.problem.title) : String(error) });
    }
    deliveries.reload();
  }

  return (
    <div className="webhook-deliveries">
      <div className="card-head">
        <h3>Deliveries</h3>
        <button type="button" className="btn small-btn" onClick={deliveries.reload}>
          Refresh
        </button>
      </div>
      {notice ? (
        <div className={notice.ok ? 'success-state' : 'error-state'} role={notice.ok ? 'status' : 'alert'}>
          {notice.text}
        </div>
      ) : null}
      {deliveries.error ? (
        <SectionError error={deliveries.error} onRetry={deliveries.reload} action="events.webhook.read" toWhat="the deliveries" />
      ) : !deliveries.data ? (
        <Loading label="Loading deliveries…" />
      ) : deliveries.data.items.length === 0 ? (
        <EmptyState title="Nothing delivered yet.">
          <p>Events of the subscribed types appear here as they are sent; send a test to try the receiver now.</p>
        </EmptyState>
      ) : (
        <ScrollTable label="Deliveries" caption="Deliveries of this webhook, newest first" loading={deliveries.loading} className="deliveries-table" columns={COLUMNS}>
          {deliveries.data.items.map((delivery) => (
            <tr key={delivery.id} data-delivery={delivery.id} data-state={delivery.state}>
              <td>
                <code>{delivery.eventType}</code>
                <span className="muted small">{delivery.eventSeq > 0 ? ` #${delivery.eventSeq}` : ' (test)'}</span>
              </td>
              <td>
                <span className="delivery-state" data-state={delivery.state}>
                  {delivery.state === 'dead' ? 'dead letter' : delivery.state}
                </span>
              </td>
              <td>
                <details>
                  <summary>{delivery.attempts}</summary>
                  <ol className="attempt-log">
                    {delivery.log.map((attempt) => (
                      <li key={`${attempt.at}-${attempt.attempt}`}>
                        {shortTime(attempt.at)}: {attempt.statusCode !== undefined ? `HTTP ${attempt.statusCode}` : 'no answer'}, {attempt.durationMs} ms{attempt.error ? ` — ${attempt.error}` : ''}
                      </li>
                    ))}
                  </ol>
                </details>
              </td>
              <td>{lastAnswer(delivery)}</td>
              <td className="mono small">{delivery.nextAttemptAt ? `next ${shortTime(delivery.nextAttemptAt)}` : shortTime(delivery.updatedAt)}</td>
              <td>
                {delivery.state === 'dead' && canRedeliver ? (
                  <button type="button" className="btn small-btn" aria-label={`Redeliver ${delivery.eventType} event ${delivery.eventSeq}`} onClick={() => void again(delivery)}>
                    Redeliver
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </div>
  );
}
