import { createHmac } from 'node:crypto';

/** The header that signs a delivery: `Pave-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'pave-signature';

/**
 * Signs a delivery body with its subscription's secret. The time is part of what is signed, so a receiver
 * that rejects old timestamps (say, over five minutes) cannot be fed a recorded delivery again later.
 * Each attempt is signed afresh.
 * @example webhookSignature('s3cret-s3cret-s3cret', '{"id":"…"}', 1767225600) // 't=1767225600,v1=5f0c…'
 */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * The headers of one delivery attempt: JSON content, the event's id and type (receivers de-duplicate on
 * `Pave-Event-Id`: delivery is at least once), the delivery and attempt, and the signature.
 * @example deliveryHeaders({ eventId, eventType: 'catalog.entity.updated', deliveryId, attempt: 1, body, secret, unixSeconds: 1767225600 })
 */
export function deliveryHeaders(input: { eventId: string; eventType: string; deliveryId: string; attempt: number; body: string; secret: string; unixSeconds: number }): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Pave-Webhooks/1',
    'pave-event-id': input.eventId,
    'pave-event-type': input.eventType,
    'pave-delivery-id': input.deliveryId,
    'pave-delivery-attempt': String(input.attempt),
    [SIGNATURE_HEADER]: webhookSignature(input.secret, input.body, input.unixSeconds),
  };
}
