import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';
import { pointerSegment } from '../core/problem.js';
import { groupRefOf } from './namespace-owners.js';

/** The platform API's settings (`platform:` in `pave.config.yaml`): reconciler timing, step limits and retries. */
export interface PlatformConfig {
  /** Seconds between periodic re-renders of a Ready request (drift repair), unless its capability says otherwise. */
  reconcileIntervalSeconds: number;
  /** Reconciles run at once in one process. */
  workers: number;
  /** Seconds a reconcile's claim lasts before another process may take it over (renewed while it runs). */
  leaseSeconds: number;
  /** Milliseconds between looks for due reconciles when idle. */
  pollIntervalMs: number;
  /** Default time limit of a module step, in seconds. */
  stepTimeoutSeconds: number;
  /** First retry delay after a failure, in seconds; doubled each time up to retryMaxSeconds. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** Seconds between checks while a request waits for its dependencies (or its dependents, when deleting). */
  dependencyRetrySeconds: number;
  /** How long before a request expires its owners are warned (a `platform.request.expiring` event), in seconds. */
  expiryWarningSeconds: number;
  /** Seconds between looks for requests to warn about or to delete for having expired. */
  expiryCheckSeconds: number;
  /** Push attempts (fetch + rebase between them) before a delivery counts as failed. */
  pushAttempts: number;
  /**
   * How module steps are isolated: `bubblewrap` (namespaces: no network, no processes, only the step's
   * folder; module steps are refused where it cannot run) or `process` (Node's permission model only:
   * the network is not cut), chosen knowingly where bubblewrap is missing.
   */
  moduleSandbox: 'bubblewrap' | 'process';
  /** Seconds a request's delivery may be reported unhealthy (by Argo CD or Flux) before the request is flagged. */
  unhealthyAfterSeconds: number;
  /** Memory limit of a module step's process, in MB. */
  moduleMemoryMb: number;
  /**
   * The team that owns a namespace's requests, where it is not the Group named like the namespace:
   * namespace → Group ref (`group:default/checkout-team`, or a bare group name).
   */
  namespaceOwners: Record<string, string>;
}

const MODULE_SANDBOXES = ['bubblewrap', 'process'];

/**
 * The platform API's section: PAVE_MODULE_SANDBOX picks the sandbox, PAVE_NAMESPACE_OWNERS names owning teams
 * (`namespace=group,…`); every other setting is a positive number, and owners become canonical Group refs.
 * @example loadConfig({ env: { PAVE_NAMESPACE_OWNERS: 'ops=sre-team' } }).platform.namespaceOwners // { ops: 'group:default/sre-team' }
 */
export const platformConfigSection: ConfigSection<'platform', PlatformConfig> = {
  key: 'platform',
  defaults: () => ({
    reconcileIntervalSeconds: 600,
    workers: 2,
    leaseSeconds: 60,
    pollIntervalMs: 500,
    stepTimeoutSeconds: 30,
    retryBaseSeconds: 2,
    retryMaxSeconds: 300,
    dependencyRetrySeconds: 10,
    expiryWarningSeconds: 3600,
    expiryCheckSeconds: 30,
    pushAttempts: 10,
    moduleSandbox: 'bubblewrap',
    moduleMemoryMb: 256,
    unhealthyAfterSeconds: 900,
    namespaceOwners: {},
  }),
  fromEnvironment(platform, { env }) {
    const read = { ...platform };
    if (env.PAVE_MODULE_SANDBOX) read.moduleSandbox = env.PAVE_MODULE_SANDBOX as PlatformConfig['moduleSandbox'];
    if (env.PAVE_NAMESPACE_OWNERS) read.namespaceOwners = parseNamespaceOwners(env.PAVE_NAMESPACE_OWNERS);
    return read;
  },
  validate: platform =>
    fieldChecks(check => {
      const { moduleSandbox, namespaceOwners, ...numbers } = platform;
      for (const [key, value] of Object.entries(numbers)) {
        check(typeof value === 'number' && Number.isFinite(value) && value > 0, `/${key}`, 'must be a positive number');
      }
      check(MODULE_SANDBOXES.includes(moduleSandbox), '/moduleSandbox', `must be one of ${MODULE_SANDBOXES.join(', ')} (PAVE_MODULE_SANDBOX)`);
      if (namespaceOwners === null || typeof namespaceOwners !== 'object' || Array.isArray(namespaceOwners)) {
        check(false, '/namespaceOwners', 'must be a mapping of namespace to Group ref (PAVE_NAMESPACE_OWNERS: namespace=group,…)');
      } else {
        for (const [namespace, owner] of Object.entries(namespaceOwners)) {
          check(groupRefOf(owner) !== undefined, `/namespaceOwners/${pointerSegment(namespace)}`, "must be a Group ref such as 'group:default/checkout-team' or a group name");
        }
      }
    }),
  resolve: platform => ({
    ...platform,
    namespaceOwners: Object.fromEntries(Object.entries(platform.namespaceOwners).map(([namespace, owner]) => [namespace, groupRefOf(owner)!])),
  }),
};

/** `checkout=group:default/checkout-team,ops=ops-team` (PAVE_NAMESPACE_OWNERS) as a mapping. */
function parseNamespaceOwners(text: string): Record<string, string> {
  const owners: Record<string, string> = {};
  for (const pair of text.split(',').map(p => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    owners[eq === -1 ? pair : pair.slice(0, eq).trim()] = eq === -1 ? '' : pair.slice(eq + 1).trim();
  }
  return owners;
}
