import { safeEqual } from '../../auth/secrets.js';
import { header, type ProviderReceiver } from './provider-receiver.js';
import { isoTime, optional, required } from './payload-fields.js';
import { HEALTH_STATUSES, SYNC_STATUSES, type HealthStatus, type SyncStatus } from '../../platform/model/gitops-health.js';

const PHASES: Record<string, 'success' | 'failure'> = { Succeeded: 'success', Failed: 'failure', Error: 'failure' };

/**
 * Argo CD notifications through its generic webhook service (argo-cd.readthedocs.io, "Webhook"): the
 * service sends `Authorization: Bearer <token>` (a header the service declares, its value a secret), and
 * the body is the template's; docs/delivery-metrics.md gives the template Pave reads: `app`, `revision`,
 * `phase` (the sync operation's), `finishedAt`, optionally `environment` (else `?environment=`, else
 * production), and for health read back `syncStatus`, `healthStatus`, `repoURL`, `path` and `reportedAt`. A
 * finished sync is a deployment of the application (`argocd/app-name`); one sync operation is one deployment
 * however often it is reported. A report with sync and health but no finished operation (health degraded,
 * out of sync) is read back only.
 */
export const argocdReceiver: ProviderReceiver = {
  provider: 'argocd',
  verify: (request, secret) => safeEqual(header(request, 'authorization') ?? '', `Bearer ${secret}`),
  events(payload, request) {
    const app = required(payload, 'app');
    const phase = optional(payload, 'phase') || (optional(payload, 'syncStatus') ? undefined : required(payload, 'phase'));
    const status = phase ? PHASES[phase] : undefined;
    if (!status) return [];
    const finishedAt = isoTime(required(payload, 'finishedAt'), '/finishedAt');
    const revision = optional(payload, 'revision');
    return [
      {
        id: `argocd:${app}:${finishedAt}:${status}`,
        type: 'deployment',
        at: finishedAt,
        target: { annotation: 'argocd/app-name', value: app },
        environment: optional(payload, 'environment') ?? request.query.environment ?? 'production',
        status,
        ...(revision && /^[0-9a-f]{7,64}$/i.test(revision) ? { sha: revision } : {}),
        ...(optional(payload, 'message') ? { title: optional(payload, 'message')!.slice(0, 500) } : {}),
      },
    ];
  },
  report(payload) {
    const repository = optional(payload, 'repoURL');
    const syncStatus = optional(payload, 'syncStatus');
    if (!repository || !syncStatus) return undefined;
    const healthStatus = optional(payload, 'healthStatus');
    const revision = optional(payload, 'revision');
    const reportedAt = optional(payload, 'reportedAt');
    return {
      tool: 'argocd',
      app: required(payload, 'app'),
      repository,
      path: optional(payload, 'path') ?? '',
      sync: (SYNC_STATUSES as readonly string[]).includes(syncStatus) ? (syncStatus as SyncStatus) : 'Unknown',
      health: healthStatus && (HEALTH_STATUSES as readonly string[]).includes(healthStatus) ? (healthStatus as HealthStatus) : 'Unknown',
      ...(revision && /^[0-9a-f]{7,64}$/i.test(revision) ? { revision: revision.toLowerCase() } : {}),
      ...(optional(payload, 'message') ? { message: optional(payload, 'message')!.slice(0, 500) } : {}),
      ...(reportedAt ? { at: isoTime(reportedAt, '/reportedAt'), atPointer: '/reportedAt' } : {}),
    };
  },
};
