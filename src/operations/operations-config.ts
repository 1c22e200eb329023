import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';

/** Running Pave in production (`operations:` in `pave.config.yaml`): metrics, probes and shutdown. */
export interface OperationsConfig {
  metrics: MetricsConfig;
  /**
   * Seconds a SIGTERM gives in-flight requests and workers before the process exits anyway
   * (PAVE_SHUTDOWN_GRACE_SECONDS); keep it below the pod's terminationGracePeriodSeconds.
   */
  shutdownGraceSeconds: number;
}

/** Prometheus exposition at `/metrics`. */
export interface MetricsConfig {
  /** Serve `/metrics` at all (PAVE_METRICS_ENABLED=false turns it off). */
  enabled: boolean;
  /**
   * A bearer token that reads the metrics (PAVE_METRICS_TOKEN, at least 16 characters): what Prometheus sends.
   * Without it, only a signed-in caller with `operations.metrics.read` may read them on the main port.
   */
  token?: string;
  /**
   * Serve `/metrics` on this port instead of the main one (PAVE_METRICS_PORT), for a scrape network that
   * nobody else reaches; the token, when set, is still required there.
   */
  port?: number;
  /** The address the metrics port listens on (PAVE_METRICS_HOST). Default: the main `host`. */
  host?: string;
}

/** A fresh copy of the defaults: metrics on the main port for admins (or a token), a 25 s grace period. */
export function defaultOperationsConfig(): OperationsConfig {
  return { metrics: { enabled: true }, shutdownGraceSeconds: 25 };
}

/**
 * The operations section: `metrics` key by key over its defaults, then PAVE_METRICS_* and PAVE_SHUTDOWN_GRACE_SECONDS.
 * @example loadConfig({ env: { PAVE_METRICS_TOKEN: 'a-long-scrape-token' } }).operations.metrics.token
 */
export const operationsConfigSection: ConfigSection<'operations', OperationsConfig> = {
  key: 'operations',
  defaults: defaultOperationsConfig,
  nested: ['metrics'],
  fromEnvironment(operations, { env }) {
    const metrics = { ...operations.metrics };
    if (env.PAVE_METRICS_ENABLED) metrics.enabled = env.PAVE_METRICS_ENABLED !== 'false' && env.PAVE_METRICS_ENABLED !== '0';
    if (env.PAVE_METRICS_TOKEN) metrics.token = env.PAVE_METRICS_TOKEN;
    if (env.PAVE_METRICS_PORT) metrics.port = Number(env.PAVE_METRICS_PORT);
    if (env.PAVE_METRICS_HOST) metrics.host = env.PAVE_METRICS_HOST;
    const read = { ...operations, metrics };
    if (env.PAVE_SHUTDOWN_GRACE_SECONDS) read.shutdownGraceSeconds = Number(env.PAVE_SHUTDOWN_GRACE_SECONDS);
    return read;
  },
  validate: operations =>
    fieldChecks(check => {
      const metrics = operations.metrics;
      check(typeof metrics.enabled === 'boolean', '/metrics/enabled', 'must be true or false (PAVE_METRICS_ENABLED)');
      check(metrics.token === undefined || (typeof metrics.token === 'string' && metrics.token.length >= 16 && !/\s/.test(metrics.token)), '/metrics/token', 'must be at least 16 characters without spaces (PAVE_METRICS_TOKEN)');
      check(metrics.port === undefined || (Number.isInteger(metrics.port) && metrics.port >= 0 && metrics.port < 65536), '/metrics/port', 'must be a whole number from 0 to 65535 (PAVE_METRICS_PORT)');
      check(metrics.host === undefined || (typeof metrics.host === 'string' && metrics.host !== ''), '/metrics/host', 'must be a host name or address (PAVE_METRICS_HOST)');
      check(Number.isFinite(operations.shutdownGraceSeconds) && operations.shutdownGraceSeconds > 0, '/shutdownGraceSeconds', 'must be a positive number of seconds (PAVE_SHUTDOWN_GRACE_SECONDS)');
    }),
};
