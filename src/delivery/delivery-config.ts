import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';

/** Delivery events in and their metrics (`delivery:` in `pave.config.yaml`). */
export interface DeliveryConfig {
  /** Environment names (compared case-insensitively) whose deployments count as production deployments. */
  productionEnvironments: string[];
  /** Seconds an event's timestamp may lie ahead of Pave's clock (PAVE_DELIVERY_CLOCK_SKEW_SECONDS); later ones are refused. */
  clockSkewSeconds: number;
  /** Events one `POST /api/delivery/events` may carry. */
  maxBatch: number;
  /** Bytes one provider webhook body may have (each receiver refuses a larger one with 413). */
  maxWebhookBytes: number;
  /**
   * Webhook calls one client address may make to one provider's receiver per minute (PAVE_DELIVERY_WEBHOOK_RATE);
   * past it, 429 before the signature is checked or anything is read. Per provider, so a flood of one never stops another.
   */
  webhookRequestsPerMinute: number;
  /** The secret each provider's receiver checks; a receiver whose secret is absent is switched off (404). */
  webhooks: DeliveryWebhookSecrets;
}

/** One secret per provider: never returned by the API or logged. */
export interface DeliveryWebhookSecrets {
  /** GitHub's webhook secret: X-Hub-Signature-256 (PAVE_DELIVERY_GITHUB_SECRET). */
  github?: string;
  /** GitLab's secret token: X-Gitlab-Token (PAVE_DELIVERY_GITLAB_TOKEN). */
  gitlab?: string;
  /** What Argo CD's notification webhook sends as `Authorization: Bearer <token>` (PAVE_DELIVERY_ARGOCD_TOKEN). */
  argocd?: string;
  /** The `token` of Flux's generic-hmac provider secret: X-Signature (PAVE_DELIVERY_FLUX_SECRET). */
  flux?: string;
  /** PagerDuty's V3 webhook subscription secret: X-PagerDuty-Signature (PAVE_DELIVERY_PAGERDUTY_SECRET). */
  pagerduty?: string;
}

export const DELIVERY_PROVIDERS = ['github', 'gitlab', 'argocd', 'flux', 'pagerduty'] as const;
export type DeliveryProvider = (typeof DELIVERY_PROVIDERS)[number];

const ENV: Record<DeliveryProvider, string> = {
  github: 'PAVE_DELIVERY_GITHUB_SECRET',
  gitlab: 'PAVE_DELIVERY_GITLAB_TOKEN',
  argocd: 'PAVE_DELIVERY_ARGOCD_TOKEN',
  flux: 'PAVE_DELIVERY_FLUX_SECRET',
  pagerduty: 'PAVE_DELIVERY_PAGERDUTY_SECRET',
};

/** A fresh copy of the defaults: production is `production` or `prod`, five minutes of clock skew, 600 webhook calls a minute per provider and address, no receiver on. */
export function defaultDeliveryConfig(): DeliveryConfig {
  return { productionEnvironments: ['production', 'prod'], clockSkewSeconds: 300, maxBatch: 1000, maxWebhookBytes: 1024 * 1024, webhookRequestsPerMinute: 600, webhooks: {} };
}

/**
 * The delivery section: `webhooks` filled in key by key, each provider's secret also from its `PAVE_DELIVERY_*` variable.
 * @example loadConfig({ env: { PAVE_DELIVERY_GITHUB_SECRET: 's3cret-long-enough' } }).delivery.webhooks.github
 */
export const deliveryConfigSection: ConfigSection<'delivery', DeliveryConfig> = {
  key: 'delivery',
  defaults: defaultDeliveryConfig,
  nested: ['webhooks'],
  fromEnvironment(section, { env }) {
    const webhooks = { ...section.webhooks };
    for (const provider of DELIVERY_PROVIDERS) if (env[ENV[provider]]) webhooks[provider] = env[ENV[provider]];
    return { ...section, webhooks, ...(env.PAVE_DELIVERY_CLOCK_SKEW_SECONDS ? { clockSkewSeconds: Number(env.PAVE_DELIVERY_CLOCK_SKEW_SECONDS) } : {}), ...(env.PAVE_DELIVERY_WEBHOOK_RATE ? { webhookRequestsPerMinute: Number(env.PAVE_DELIVERY_WEBHOOK_RATE) } : {}) };
  },
  validate: section =>
    fieldChecks(check => {
      check(Array.isArray(section.productionEnvironments) && section.productionEnvironments.length > 0 && section.productionEnvironments.every(e => typeof e === 'string' && e.length > 0), '/productionEnvironments', 'must be a non-empty list of environment names');
      check(Number.isFinite(section.clockSkewSeconds) && section.clockSkewSeconds >= 0, '/clockSkewSeconds', 'must be a number of seconds, 0 or more (PAVE_DELIVERY_CLOCK_SKEW_SECONDS)');
      check(Number.isInteger(section.maxBatch) && section.maxBatch > 0 && section.maxBatch <= 10_000, '/maxBatch', 'must be a whole number from 1 to 10000');
      check(Number.isInteger(section.webhookRequestsPerMinute) && section.webhookRequestsPerMinute > 0, '/webhookRequestsPerMinute', 'must be a whole number of calls per minute, 1 or more (PAVE_DELIVERY_WEBHOOK_RATE)');
      check(Number.isInteger(section.maxWebhookBytes) && section.maxWebhookBytes >= 1024, '/maxWebhookBytes', 'must be a whole number of bytes, at least 1024');
      for (const provider of DELIVERY_PROVIDERS) {
        const secret = section.webhooks?.[provider];
        check(secret === undefined || (typeof secret === 'string' && secret.length >= 16), `/webhooks/${provider}`, `must be a secret of at least 16 characters (${ENV[provider]})`);
      }
    }),
};
