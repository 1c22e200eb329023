import { header, hmacMatches, type ProviderReceiver } from './provider-receiver.js';
import { isoTime, optional, required } from './payload-fields.js';

const TYPES: Record<string, 'opened' | 'resolved'> = { 'incident.triggered': 'opened', 'incident.resolved': 'resolved' };

/**
 * PagerDuty V3 webhooks (developer.pagerduty.com, "Verifying Signatures" and "V3 Webhooks"):
 * `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, each an HMAC-SHA256 of the body (several while a secret
 * is rotated; one match suffices). `incident.triggered` opens an incident, `incident.resolved` resolves it;
 * the incident is `event.data.id`, its service (`pagerduty.com/service-id`) `event.data.service.id`. Other
 * event types carry no delivery event.
 */
export const pagerdutyReceiver: ProviderReceiver = {
  provider: 'pagerduty',
  verify: (request, secret) =>
    (header(request, 'x-pagerduty-signature') ?? '')
      .split(',')
      .map(part => part.trim())
      .some(part => part.startsWith('v1=') && hmacMatches(secret, request.body, part.slice(3))),
  events(payload) {
    const status = TYPES[required(payload, 'event', 'event_type')];
    if (!status) return [];
    return [
      {
        id: `pagerduty:${required(payload, 'event', 'id')}`,
        type: 'incident',
        at: isoTime(required(payload, 'event', 'occurred_at'), '/event/occurred_at'),
        target: { annotation: 'pagerduty.com/service-id', value: required(payload, 'event', 'data', 'service', 'id') },
        status,
        incident: `pagerduty:${required(payload, 'event', 'data', 'id')}`,
        ...(optional(payload, 'event', 'data', 'title') ? { title: optional(payload, 'event', 'data', 'title')!.slice(0, 500) } : {}),
        ...(optional(payload, 'event', 'data', 'html_url') ? { url: optional(payload, 'event', 'data', 'html_url')!.slice(0, 2000) } : {}),
      },
    ];
  },
};
