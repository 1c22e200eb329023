import type { DeliveryQuery, WebhookDelivery } from '../events/delivery-store.js';
import type { WebhookWithSecret } from '../events/webhook-service.js';
import type { WebhookChanges, WebhookInput, WebhookSubscription } from '../events/webhook-subscription.js';
import type { ApiConnection } from './api-connection.js';

const segment = encodeURIComponent;

/** Events out under /api/events: webhook subscriptions, their deliveries, redelivery and test pings. */
export class EventsApi {
  constructor(private readonly api: ApiConnection) {}

  async webhooks(): Promise<WebhookSubscription[]> {
    return (await this.api.json<{ items: WebhookSubscription[] }>({ method: 'GET', path: '/api/events/webhooks' })).items;
  }

  webhook(id: string): Promise<WebhookSubscription> {
    return this.api.json({ method: 'GET', path: `/api/events/webhooks/${segment(id)}` });
  }

  /** A new subscription; its `secret` is in this answer and never again. */
  createWebhook(input: WebhookInput): Promise<WebhookWithSecret> {
    return this.api.json({ method: 'POST', path: '/api/events/webhooks', body: input });
  }

  /** Changes the fields given; the answer holds the secret only when it was set or rotated. */
  updateWebhook(id: string, changes: WebhookChanges): Promise<WebhookSubscription | WebhookWithSecret> {
    return this.api.json({ method: 'PATCH', path: `/api/events/webhooks/${segment(id)}`, body: changes });
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.api.json({ method: 'DELETE', path: `/api/events/webhooks/${segment(id)}` });
  }

  deliveries(id: string, query: DeliveryQuery = {}): Promise<{ items: WebhookDelivery[]; nextCursor?: string }> {
    return this.api.json({ method: 'GET', path: `/api/events/webhooks/${segment(id)}/deliveries`, query: { ...query } });
  }

  redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return this.api.json({ method: 'POST', path: `/api/events/webhooks/${segment(id)}/deliveries/${segment(deliveryId)}/redeliver`, body: {} });
  }

  /** Sends a signed test ping now; the answer says how it went. */
  test(id: string): Promise<WebhookDelivery> {
    return this.api.json({ method: 'POST', path: `/api/events/webhooks/${segment(id)}/test`, body: {} });
  }
}
