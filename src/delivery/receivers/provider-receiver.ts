import { createHmac } from 'node:crypto';
import { safeEqual } from '../../auth/secrets.js';
import type { DeliveryEventInput } from '../delivery-event.js';
import type { GitOpsObservation } from '../../platform/model/gitops-health.js';

/**
 * What a GitOps tool's webhook says about the folder it syncs; `at` absent: when Pave received it. `atPointer`
 * names the payload's field `at` came from (what a refusal of a time too far ahead points at).
 */
export type GitOpsReport = Omit<GitOpsObservation, 'at'> & { at?: string; atPointer?: string };

/** What a receiver sees of a webhook request: lower-case header names, the raw body, the query. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  query: Record<string, string | undefined>;
}

/**
 * One provider's webhook format: how its signature is checked (against the body exactly as sent) and
 * how its payload becomes delivery events. `events` answers the events (possibly none: a payload about
 * something that is no delivery event, e.g. a pending deployment) or throws a 422 naming the field.
 */
export interface ProviderReceiver {
  readonly provider: string;
  verify(request: WebhookRequest, secret: string): boolean;
  events(payload: unknown, request: WebhookRequest): DeliveryEventInput[];
  /**
   * Argo CD, Flux: the sync status and health the payload reports about a repository's folder, read back onto
   * the platform requests whose files live there; undefined when it does not say which repository and folder.
   */
  report?(payload: unknown, request: WebhookRequest): GitOpsReport | undefined;
}

/** One header's value (the first, when sent more than once). */
export function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether `given` (hex) is the HMAC-SHA256 of the body with the secret, compared in constant time. */
export function hmacMatches(secret: string, body: Buffer, given: string | undefined): boolean {
  if (!given || !/^[0-9a-f]{64}$/i.test(given)) return false;
  return safeEqual(createHmac('sha256', secret).update(body).digest('hex'), given.toLowerCase());
}
