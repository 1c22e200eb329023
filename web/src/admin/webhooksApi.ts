/**
 * Typed calls to the webhook routes (/api/events/webhooks). Shapes are the server's own (type-only
 * imports: nothing of src/ is bundled); errors are `ApiError` problems.
 */
import { apiRequest } from '../lib/api';
import type { WebhookChanges, WebhookFilter, WebhookInput, WebhookSubscription } from '../../../src/events/webhook-subscription.js';
import type { WebhookWithSecret } from '../../../src/events/webhook-service.js';
import type { DeliveryState, WebhookAttempt, WebhookDelivery } from '../../../src/events/delivery-store.js';
export type { WebhookChanges, WebhookFilter, WebhookInput, WebhookSubscription, WebhookWithSecret, DeliveryState, WebhookAttempt, WebhookDelivery };

const BASE = '/api/events/webhooks';
const enc = encodeURIComponent;

export function listWebhooks(signal?: AbortSignal): Promise<{ items: WebhookSubscription[] }> {
  return apiRequest(BASE, { signal });
}

/** A new subscription; the answer holds its secret, this once. */
export function createWebhook(input: WebhookInput): Promise<WebhookWithSecret> {
  return apiRequest(BASE, { method: 'POST', json: input });
}

/** Changes the fields given; the answer holds the secret when it was rotated. */
export function updateWebhook(id: string, changes: WebhookChanges): Promise<WebhookSubscription | WebhookWithSecret> {
  return apiRequest(`${BASE}/${enc(id)}`, { method: 'PATCH', json: changes });
}

export function deleteWebhook(id: string): Promise<void> {
  return apiRequest(`${BASE}/${enc(id)}`, { method: 'DELETE' });
}

export function listDeliveries(id: string, signal?: AbortSignal): Promise<{ items: WebhookDelivery[]; nextCursor?: string }> {
  return apiRequest(`${BASE}/${enc(id)}/deliveries?limit=50`, { signal });
}

export function redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
  return apiRequest(`${BASE}/${enc(id)}/deliveries/${enc(deliveryId)}/redeliver`, { method: 'POST', json: {} });
}

/** Sends a signed test ping now; the answer says how it went. */
export function testWebhook(id: string): Promise<WebhookDelivery> {
  return apiRequest(`${BASE}/${enc(id)}/test`, { method: 'POST', json: {} });
}
