import { header, hmacMatches, type ProviderReceiver } from './provider-receiver.js';
import { isoTime, optional, required } from './payload-fields.js';

const SUCCEEDED = new Set(['ReconciliationSucceeded', 'InstallSucceeded', 'UpgradeSucceeded']);

/**
 * Flux notification-controller's `generic-hmac` provider (fluxcd.io, "Providers"): `X-Signature:
 * sha256=<HMAC-SHA256 of the body with the secret's token>`; the body is a Flux event
 * (`involvedObject`, `severity`, `timestamp`, `reason`, `message`, `metadata.revision`). A Kustomization or
 * HelmRelease that applied a revision (reason ReconciliationSucceeded, InstallSucceeded, UpgradeSucceeded) is a
 * successful deployment; an `error` event a failed one; others (progress, info without a change) none. The
 * object's name is matched to `backstage.io/kubernetes-id`; the environment comes from `?environment=` (else
 * production). One revision's outcome is one deployment, however often Flux reports it.
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
};
