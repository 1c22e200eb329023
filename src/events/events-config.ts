import { isIP } from 'node:net';
import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';

/** Events out (`events:` in `pave.config.yaml`): outgoing webhooks (subscriptions are data, managed by admins) and the NATS publisher. */
export interface EventsConfig {
  /**
   * Days an event is kept in the event log (the audit log is kept for good). Events a durable consumer has
   * not read yet are kept however old they are.
   */
  retentionDays: number;
  webhooks: WebhooksConfig;
  /** Publish every event to NATS; off while absent. */
  nats?: NatsConfig;
}

export interface WebhooksConfig {
  /**
   * Hosts webhooks may target although they are not public: host names (exact, e.g. `hooks.internal`),
   * addresses (`10.0.0.7`) or CIDRs (`10.0.0.0/8`, `fd00::/8`). Empty: public addresses only.
   */
  allowedHosts: string[];
  /** Seconds one delivery attempt may take (connect, send, answer). */
  timeoutSeconds: number;
  /** Attempts before a delivery is dead-lettered. */
  maxAttempts: number;
  /** First retry delay in seconds, doubled per attempt up to retryMaxSeconds. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** Subscriptions delivered to at once by one process (each subscription by one process at a time). */
  concurrency: number;
}

export interface NatsConfig {
  /** `nats://host:port` (PAVE_NATS_URL). */
  url: string;
  /** A JetStream stream to publish into with acknowledgements (created if missing, covering `<subjectPrefix>.>`); core publish when absent. */
  stream?: string;
  /** Subjects are `<subjectPrefix>.<event type>`. Default `pave`. */
  subjectPrefix: string;
}

/** A fresh copy of the events defaults: events kept 30 days, webhooks to public addresses only, no message bus. */
export function defaultEventsConfig(): EventsConfig {
  return { retentionDays: 30, webhooks: { allowedHosts: [], timeoutSeconds: 10, maxAttempts: 8, retryBaseSeconds: 5, retryMaxSeconds: 3600, concurrency: 32 } };
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * The events section: `webhooks` filled in key by key over its defaults, PAVE_EVENTS_RETENTION_DAYS, and
 * PAVE_NATS_URL, which alone turns the NATS publisher on (subjects under `pave.` unless the file says otherwise).
 * @example loadConfig({ env: { PAVE_NATS_URL: 'nats://127.0.0.1:4222' } }).events.nats // { url: 'nats://127.0.0.1:4222', subjectPrefix: 'pave' }
 */
export const eventsConfigSection: ConfigSection<'events', EventsConfig> = {
  key: 'events',
  defaults: defaultEventsConfig,
  nested: ['webhooks'],
  fromEnvironment(events, { env }) {
    const read = { ...events };
    if (env.PAVE_EVENTS_RETENTION_DAYS) read.retentionDays = Number(env.PAVE_EVENTS_RETENTION_DAYS);
    if (env.PAVE_NATS_URL) read.nats = { ...read.nats, url: env.PAVE_NATS_URL } as NatsConfig;
    if (read.nats) read.nats = { ...read.nats, subjectPrefix: read.nats.subjectPrefix ?? 'pave' };
    return read;
  },
  validate: events =>
    fieldChecks(check => {
      check(Number.isFinite(events.retentionDays) && events.retentionDays > 0, '/retentionDays', 'must be a positive number of days (PAVE_EVENTS_RETENTION_DAYS)');
      const hooks = events.webhooks;
      if (!Array.isArray(hooks.allowedHosts)) check(false, '/webhooks/allowedHosts', 'must be a list of host names, addresses or CIDRs');
      else hooks.allowedHosts.forEach((entry, i) => check(typeof entry === 'string' && isHostOrCidr(entry), `/webhooks/allowedHosts/${i}`, "must be a host name ('hooks.internal'), an address ('10.0.0.7') or a CIDR ('10.0.0.0/8')"));
      for (const key of ['timeoutSeconds', 'retryBaseSeconds', 'retryMaxSeconds'] as const) check(Number.isFinite(hooks[key]) && hooks[key] > 0, `/webhooks/${key}`, 'must be a positive number of seconds');
      for (const key of ['maxAttempts', 'concurrency'] as const) check(Number.isInteger(hooks[key]) && hooks[key] > 0, `/webhooks/${key}`, 'must be a positive whole number');
      if (events.nats !== undefined) {
        check(typeof events.nats.url === 'string' && /^(nats|tls):\/\/[^\s]+$/.test(events.nats.url), '/nats/url', 'must be a nats:// URL (PAVE_NATS_URL)');
        check(events.nats.stream === undefined || (typeof events.nats.stream === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(events.nats.stream)), '/nats/stream', 'must be a stream name: letters, digits, dashes, underscores');
        check(typeof events.nats.subjectPrefix === 'string' && SUBJECT_TOKEN.test(events.nats.subjectPrefix), '/nats/subjectPrefix', "must be subject tokens joined by dots, e.g. 'pave'");
      }
    }),
};

function isHostOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length || !address) return false;
  const family = isIP(address);
  if (bits === undefined) return family !== 0 || HOST_NAME.test(address);
  return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
