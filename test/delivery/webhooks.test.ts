import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, hmac, post, startDeliveryPave, type DeliveryPave } from './support.js';
import '../../src/delivery/delivery-tables.js';

/**
 * Each provider's receiver with payloads shaped as the providers document them (trimmed to the fields
 * that matter, plus a few that do not), signed as each provider signs.
 */
let pave: DeliveryPave;
beforeAll(async () => {
  pave = await startDeliveryPave();
});
afterAll(async () => pave?.close());

const hook = (provider: string, query = '') => `${pave.url}/api/delivery/webhooks/${provider}${query}`;
const rowsOf = (source: string) => pave.app.store.db.selectFrom('delivery_events').selectAll().where('source', '=', source).orderBy('at').execute();

describe('provider webhooks', () => {
  it('GitHub push (default branch) and deployment_status, signed with X-Hub-Signature-256', async () => {
    const push = JSON.stringify({
      ref: 'refs/heads/main',
      before: '0000000000000000000000000000000000000000',
      after: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      repository: { id: 1, full_name: 'acme/cart', default_branch: 'main', master_branch: 'main' },
      pusher: { name: 'octocat' },
      commits: [
        { id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', message: 'Add basket\n\nlong text', timestamp: '2026-03-02T10:00:00+01:00', url: 'https://github.com/acme/cart/commit/aaaa', distinct: true },
        { id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', message: 'Fix basket', timestamp: '2026-03-02T11:00:00+01:00', url: 'https://github.com/acme/cart/commit/bbbb', distinct: true },
      ],
    });
    const sent = await post(hook('github'), push, { 'x-github-event': 'push', 'x-github-delivery': 'd-1', 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, push)}` });
    expect(sent).toEqual({ status: 200, body: { received: 2, stored: 2, duplicates: 0, unmapped: 0 } });
    const branch = JSON.stringify({ ...JSON.parse(push), ref: 'refs/heads/feature' });
    expect((await post(hook('github'), branch, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, branch)}` })).body.received).toBe(0);

    const status = JSON.stringify({
      action: 'created',
      deployment_status: { id: 555, state: 'success', environment: 'production', target_url: 'https://ci.example/555', created_at: '2026-03-02T12:00:00Z', updated_at: '2026-03-02T12:00:00Z' },
      deployment: { id: 77, sha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', ref: 'main', environment: 'production', created_at: '2026-03-02T11:55:00Z' },
      repository: { full_name: 'acme/cart' },
    });
    expect((await post(hook('github'), status, { 'x-github-event': 'deployment_status', 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, status)}` })).body.stored).toBe(1);
    const rows = await rowsOf('github');
    expect(rows.map(r => [r.type, r.sha?.slice(0, 4), r.at, r.entity_ref])).toEqual([
      ['change', 'aaaa', '2026-03-02T09:00:00.000Z', 'component:default/cart'],
      ['change', 'bbbb', '2026-03-02T10:00:00.000Z', 'component:default/cart'],
      ['deployment', 'bbbb', '2026-03-02T12:00:00.000Z', 'component:default/cart'],
    ]);
    expect(JSON.parse(rows[0]!.detail!)).toMatchObject({ title: 'Add basket' });
    // A pending status is no deployment.
    const pending = JSON.stringify({ ...JSON.parse(status), deployment_status: { ...JSON.parse(status).deployment_status, id: 556, state: 'pending' } });
    expect((await post(hook('github'), pending, { 'x-github-event': 'deployment_status', 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, pending)}` })).body.received).toBe(0);
  });

  it('GitLab Deployment Hook and Push Hook, with X-Gitlab-Token', async () => {
    const deployment = JSON.stringify({
      object_kind: 'deployment',
      status: 'failed',
      status_changed_at: '2026-03-03 09:30:00 +0100',
      deployment_id: 15,
      deployable_id: 796,
      deployable_url: 'https://gitlab.example.com/acme/checkout/-/jobs/796',
      environment: 'production',
      project: { id: 30, name: 'checkout', path_with_namespace: 'acme/checkout', default_branch: 'main' },
      short_sha: 'cccccccc',
      commit_url: 'https://gitlab.example.com/acme/checkout/-/commit/cccccccccccccccccccccccccccccccccccccccc',
      commit_title: 'Update checkout',
    });
    expect((await post(hook('gitlab'), deployment, { 'x-gitlab-event': 'Deployment Hook', 'x-gitlab-token': SECRETS.gitlab })).body).toMatchObject({ stored: 1, unmapped: 0 });
    const push = JSON.stringify({
      object_kind: 'push',
      ref: 'refs/heads/main',
      checkout_sha: 'dddddddddddddddddddddddddddddddddddddddd',
      project: { id: 30, path_with_namespace: 'acme/checkout', default_branch: 'main' },
      commits: [{ id: 'dddddddddddddddddddddddddddddddddddddddd', title: 'Speed up', message: 'Speed up\n', timestamp: '2026-03-03T08:00:00+00:00', url: 'https://gitlab.example.com/acme/checkout/-/commit/dddd' }],
    });
    expect((await post(hook('gitlab'), push, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRETS.gitlab })).body.stored).toBe(1);
    const rows = await rowsOf('gitlab');
    expect(rows.map(r => [r.type, r.status, r.at, r.environment, r.entity_ref])).toEqual([
      ['change', null, '2026-03-03T08:00:00.000Z', null, 'component:default/checkout'],
      ['deployment', 'failure', '2026-03-03T08:30:00.000Z', 'production', 'component:default/checkout'],
    ]);
  });

  it('Argo CD notifications (the documented template) with a bearer token; one sync operation is one deployment', async () => {
    const body = JSON.stringify({ app: 'checkout-prod', revision: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', phase: 'Succeeded', health: 'Healthy', finishedAt: '2026-03-04T10:00:00Z', message: 'successfully synced' });
    const headers = { authorization: `Bearer ${SECRETS.argocd}` };
    expect((await post(hook('argocd'), body, headers)).body).toMatchObject({ stored: 1 });
    expect((await post(hook('argocd'), body, headers)).body).toMatchObject({ stored: 0, duplicates: 1 });
    const staging = JSON.stringify({ ...JSON.parse(body), finishedAt: '2026-03-04T09:00:00Z' });
    await post(hook('argocd', '?environment=staging'), staging, headers);
    const rows = await rowsOf('argocd');
    expect(rows.map(r => [r.environment, r.status, r.entity_ref])).toEqual([
      ['staging', 'success', 'component:default/checkout'],
      ['production', 'success', 'component:default/checkout'],
    ]);
  });

  it('Flux generic-hmac events: an applied revision is a deployment, an error a failed one, progress none', async () => {
    const event = (reason: string, severity: string, revision: string, timestamp: string) =>
      JSON.stringify({
        involvedObject: { kind: 'Kustomization', namespace: 'flux-system', name: 'ledger', uid: 'u-1', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', resourceVersion: '1' },
        severity,
        timestamp,
        message: `${reason} for ${revision}`,
        reason,
        metadata: { revision },
        reportingController: 'kustomize-controller',
        reportingInstance: 'kustomize-controller-7f5d7b8c4d-abcde',
      });
    for (const body of [
      event('Progressing', 'info', 'main@sha1:ffffffffffffffffffffffffffffffffffffffff', '2026-03-05T10:00:00Z'),
      event('ReconciliationSucceeded', 'info', 'main@sha1:ffffffffffffffffffffffffffffffffffffffff', '2026-03-05T10:01:00Z'),
      event('HealthCheckFailed', 'error', 'main@sha1:1111111111111111111111111111111111111111', '2026-03-05T11:00:00Z'),
    ]) {
      const answer = await post(hook('flux'), body, { 'x-signature': `sha256=${hmac(SECRETS.flux, body)}` });
      expect(answer.status).toBe(200);
    }
    const rows = await rowsOf('flux');
    expect(rows.map(r => [r.status, r.sha?.slice(0, 4), r.entity_ref])).toEqual([
      ['success', 'ffff', 'component:default/ledger'],
      ['failure', '1111', 'component:default/ledger'],
    ]);
  });

  it('PagerDuty V3 incident.triggered and incident.resolved, signed with X-PagerDuty-Signature (any one of several v1 signatures)', async () => {
    const event = (id: string, type: string, at: string) =>
      JSON.stringify({
        event: {
          id,
          event_type: type,
          resource_type: 'incident',
          occurred_at: at,
          agent: { type: 'user_reference', id: 'PUSER01' },
          client: null,
          data: { id: 'PINC01', type: 'incident', number: 7, status: type === 'incident.resolved' ? 'resolved' : 'triggered', title: 'Cart is down', html_url: 'https://acme.pagerduty.com/incidents/PINC01', service: { id: 'PSVC01', type: 'service_reference', summary: 'cart' } },
        },
      });
    // Resolved arrives before triggered: both are kept; the incident is put together when read.
    const resolved = event('01EVT2', 'incident.resolved', '2026-03-06T12:00:00.000Z');
    const triggered = event('01EVT1', 'incident.triggered', '2026-03-06T10:00:00.000Z');
    expect((await post(hook('pagerduty'), resolved, { 'x-pagerduty-signature': `v1=${'0'.repeat(64)},v1=${hmac(SECRETS.pagerduty, resolved)}` })).body.stored).toBe(1);
    expect((await post(hook('pagerduty'), triggered, { 'x-pagerduty-signature': `v1=${hmac(SECRETS.pagerduty, triggered)}` })).body.stored).toBe(1);
    const acknowledged = event('01EVT3', 'incident.acknowledged', '2026-03-06T10:30:00.000Z');
    expect((await post(hook('pagerduty'), acknowledged, { 'x-pagerduty-signature': `v1=${hmac(SECRETS.pagerduty, acknowledged)}` })).body.received).toBe(0);
    const rows = await rowsOf('pagerduty');
    expect(rows.map(r => [r.status, r.incident, r.entity_ref])).toEqual([
      ['opened', 'pagerduty:PINC01', 'component:default/cart'],
      ['resolved', 'pagerduty:PINC01', 'component:default/cart'],
    ]);
    // The GitHub deployment of Mar 2 12:00 is blamed; recovery 2 h.
    const dora = (await fetch(`${pave.url}/api/delivery/dora?entity=component:default/cart&end=2026-03-31T00:00:00Z`).then(r => r.json())) as { metrics: Record<string, unknown> };
    expect(dora.metrics.changeFailureRate).toMatchObject({ deployments: 1, failed: 1 });
    expect(dora.metrics.recoveryTime).toMatchObject({ medianHours: 2, band: 'high' });
  });

  it('GitHub issues labelled incident and GitLab incident issues: opened at creation, resolved when closed', async () => {
    const issue = (action: string, state: string, labels: string[]) =>
      JSON.stringify({
        action,
        issue: { id: 9001, number: 42, title: 'Checkout errors', state, html_url: 'https://github.com/acme/cart/issues/42', created_at: '2026-03-08T10:00:00Z', closed_at: state === 'closed' ? '2026-03-08T11:30:00Z' : null, labels: labels.map(name => ({ id: 1, name })) },
        repository: { full_name: 'acme/cart' },
      });
    const send = (body: string) => post(hook('github'), body, { 'x-github-event': 'issues', 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, body)}` });
    expect((await send(issue('opened', 'open', ['bug']))).body.received).toBe(0);
    expect((await send(issue('labeled', 'open', ['bug', 'Incident']))).body.stored).toBe(1);
    expect((await send(issue('closed', 'closed', ['bug', 'Incident']))).body).toMatchObject({ received: 2, stored: 1, duplicates: 1 });

    const gitlab = JSON.stringify({
      object_kind: 'issue',
      event_type: 'incident',
      project: { id: 30, path_with_namespace: 'acme/checkout' },
      object_attributes: { id: 301, iid: 7, title: 'Payments slow', issue_type: 'incident', state: 'closed', action: 'close', created_at: '2026-03-09 08:00:00 UTC', closed_at: '2026-03-09 09:00:00 UTC' },
    });
    expect((await post(hook('gitlab'), gitlab, { 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': SECRETS.gitlab })).body.stored).toBe(2);
    const rows = await pave.app.store.db.selectFrom('delivery_events').select(['source', 'status', 'at', 'incident', 'entity_ref']).where('type', '=', 'incident').where('source', 'in', ['github', 'gitlab']).orderBy('at').execute();
    expect(rows).toEqual([
      { source: 'github', status: 'opened', at: '2026-03-08T10:00:00.000Z', incident: 'github:acme/cart#42', entity_ref: 'component:default/cart' },
      { source: 'github', status: 'resolved', at: '2026-03-08T11:30:00.000Z', incident: 'github:acme/cart#42', entity_ref: 'component:default/cart' },
      { source: 'gitlab', status: 'opened', at: '2026-03-09T08:00:00.000Z', incident: 'gitlab:acme/checkout#7', entity_ref: 'component:default/checkout' },
      { source: 'gitlab', status: 'resolved', at: '2026-03-09T09:00:00.000Z', incident: 'gitlab:acme/checkout#7', entity_ref: 'component:default/checkout' },
    ]);
  });

  it('answers 422 naming the field a payload lacks, storing nothing', async () => {
    const body = JSON.stringify({ action: 'created', deployment_status: { id: 9, state: 'success' }, repository: { full_name: 'acme/cart' } });
    const answer = await post(hook('github'), body, { 'x-github-event': 'deployment_status', 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, body)}` });
    expect(answer.status).toBe(422);
    expect(answer.body.errors[0].pointer).toMatch(/^\/deployment/);
  });
});
