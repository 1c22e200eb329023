import { header, hmacMatches, type ProviderReceiver } from './provider-receiver.js';
import { isoTime, optional, required } from './payload-fields.js';
import type { HealthStatus, SyncStatus } from '../../platform/model/gitops-health.js';

const SUCCEEDED = new Set(['ReconciliationSucceeded', 'InstallSucceeded', 'UpgradeSucceeded']);
/** Flux's reasons as Argo CD's vocabulary: applied and healthy; applied but its health checks failed; still going. */
const INFO_STATES: Record<string, [SyncStatus, HealthStatus]> = {
  ReconciliationSucceeded: ['Synced', 'Healthy'],
  Progressing: ['Unknown', 'Progressing'],
  DependencyNotReady: ['OutOfSync', 'Progressing'],
};

/**
 * Flux notification-controller's `generic-hmac` provider (fluxcd.io, "Providers"): `X-Signature:
 * sha256=<HMAC-SHA256 of the body with the secret's token>`; the body is a Flux event
 * (`involvedObject`, `severity`, `timestamp`, `reason`, `message`, `metadata.revision`). A Kustomization or
 * HelmRelease that applied a revision (reason ReconciliationSucceeded, InstallSucceeded, UpgradeSucceeded) is a
 * successful deployment; an `error` event a failed one; others (progress, info without a change) none. The
 * object's name is matched to `backstage.io/kubernetes-id`; the environment comes from `?environment=` (else
 * production). One revision's outcome is one deployment, however often Flux reports it.
 *
 * A Kustomization's events are read back onto platform requests when the Alert adds, through its
 * `eventMetadata`, the folder it syncs (`path`) and the repository (`repository`, a URL) or the Pave destination
 * (`destination`): ReconciliationSucceeded is Synced and Healthy, HealthCheckFailed Synced but Degraded, any
 * other error OutOfSync and Degraded, Progressing and DependencyNotReady Progressing.
 */
export const fluxReceiver: ProviderReceiver = {
  provider: 'flux',
  verify: (request, secret) => {
    const signature = header(request, 'x-signature');
    return signature?.startsWith('sha256=') === true && hmacMatches(secret, request.body, signature.slice('sha256='.length));
  },
  events(payload, request) {
    const name = required(payload, 'involvedObject', 'name');
    const kind = required(payload, 'involvedObject', 'kind');
    const namespace = optional(payload, 'involvedObject', 'namespace') ?? 'default';
    const severity = required(payload, 'severity');
    const reason = required(payload, 'reason');
    const status = severity === 'error' ? 'failure' : SUCCEEDED.has(reason) ? 'success' : undefined;
    if (!status) return [];
    const revision = optional(payload, 'metadata', 'revision') ?? '';
    const sha = revision.split(/[:/@]/).pop();
    const at = isoTime(required(payload, 'timestamp'), '/timestamp');
    return [
      {
        id: `flux:${kind}/${namespace}/${name}:${revision || at}:${status}`.toLowerCase().slice(0, 200),
        type: 'deployment',
        at,
        target: { annotation: 'backstage.io/kubernetes-id', value: name },
        environment: request.query.environment ?? 'production',
        status,
        ...(sha && /^[0-9a-f]{7,64}$/i.test(sha) ? { sha } : {}),
        ...(optional(payload, 'message') ? { title: optional(payload, 'message')!.slice(0, 500) } : {}),
      },
    ];
  },
  report(payload) {
    const path = optional(payload, 'metadata', 'path');
    const repository = optional(payload, 'metadata', 'repository');
    const destination = optional(payload, 'metadata', 'destination');
    if (path === undefined || (!repository && !destination) || required(payload, 'involvedObject', 'kind') !== 'Kustomization') return undefined;
    const reason = required(payload, 'reason');
    const state: [SyncStatus, HealthStatus] | undefined = required(payload, 'severity') === 'error' ? (reason === 'HealthCheckFailed' ? ['Synced', 'Degraded'] : ['OutOfSync', 'Degraded']) : INFO_STATES[reason];
    if (!state) return undefined;
    const sha = (optional(payload, 'metadata', 'revision') ?? '').split(/[:/@]/).pop();
    return {
      tool: 'flux',
      app: required(payload, 'involvedObject', 'name'),
      ...(repository ? { repository } : {}),
      ...(destination ? { destination } : {}),
      path,
      sync: state[0],
      health: state[1],
      ...(sha && /^[0-9a-f]{7,64}$/i.test(sha) ? { revision: sha.toLowerCase() } : {}),
      ...(optional(payload, 'message') ? { message: optional(payload, 'message')!.slice(0, 500) } : {}),
      at: isoTime(required(payload, 'timestamp'), '/timestamp'),
      atPointer: '/timestamp',
    };
  },
};
