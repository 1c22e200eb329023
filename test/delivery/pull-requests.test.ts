import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { SECRETS, get, hmac, post, startDeliveryPave, storedEvents, type DeliveryPave } from './support.js';

/**
 * Pull and merge requests: GitHub `pull_request` and GitLab Merge Request Hook payloads (shaped as the providers
 * document them, trimmed), signed as each provider signs, and the generic API's `kind: pull-request`; then the
 * lead time of each through the API and `pave metrics prs`.
 */
let pave: DeliveryPave;
let home: string;
beforeAll(async () => {
  pave = await startDeliveryPave();
  home = await mkdtemp(join(tmpdir(), 'pave-delivery-prs-'));
});
afterAll(async () => {
  await pave?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

const HEAD = 'a1'.repeat(20);
const MERGE = 'b2'.repeat(20);
const github = (event: string, payload: unknown) => {
  const body = JSON.stringify(payload);
  return post(`${pave.url}/api/delivery/webhooks/github`, body, { 'x-github-event': event, 'x-hub-signature-256': `sha256=${hmac(SECRETS.github, body)}` });
};
const gitlab = (payload: unknown) => post(`${pave.url}/api/delivery/webhooks/gitlab`, payload, { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': SECRETS.gitlab });
const repository = { id: 1, full_name: 'acme/cart', default_branch: 'main' };
const pullRequest = (extra: Record<string, unknown>) => ({
  id: 9001,
  number: 42,
  state: 'open',
  title: 'Faster basket',
  html_url: 'https://github.com/acme/cart/pull/42',
  created_at: '2026-03-02T09:00:00Z',
  updated_at: '2026-03-02T09:00:00Z',
  closed_at: null,
  merged_at: null,
  merge_commit_sha: null,
  head: { ref: 'faster-basket', sha: HEAD },
  base: { ref: 'main', sha: 'c3'.repeat(20) },
  ...extra,
});
const pullRequestsOf = async (ref: string) => (await get(`${pave.url}/api/delivery/components/${encodeURIComponent(ref)}/pull-requests?window=30d&end=2026-03-31T00:00:00Z`)).body;

describe('pull and merge requests', () => {
  it('GitHub: opened, its commits pushed with the merge, merged, deployed: first commit → merged → production', async () => {
    expect((await github('pull_request', { action: 'opened', number: 42, pull_request: pullRequest({}), repository })).body).toEqual({ received: 1, stored: 1, duplicates: 0, unmapped: 0 });
    // A wrong signature: 401, nothing stored.
    const before = await storedEvents(pave.app);
    const forged = JSON.stringify({ action: 'closed', number: 42, pull_request: pullRequest({ id: 9009 }), repository });
    expect((await post(`${pave.url}/api/delivery/webhooks/github`, forged, { 'x-github-event': 'pull_request', 'x-hub-signature-256': `sha256=${hmac('not-the-secret', forged)}` })).status).toBe(401);
    expect(await storedEvents(pave.app)).toBe(before);

    const push = { ref: 'refs/heads/main', repository: { ...repository, master_branch: 'main' }, commits: [
      { id: HEAD, message: 'Faster basket', timestamp: '2026-03-02T08:00:00Z', url: 'https://github.com/acme/cart/commit/a1a1' },
      { id: MERGE, message: 'Merge pull request #42', timestamp: '2026-03-02T10:00:00Z', url: 'https://github.com/acme/cart/commit/b2b2' },
    ] };
    expect((await github('push', push)).body.stored).toBe(2);
    const merged = await github('pull_request', { action: 'closed', number: 42, pull_request: pullRequest({ state: 'closed', closed_at: '2026-03-02T10:00:00Z', merged_at: '2026-03-02T10:00:00Z', merge_commit_sha: MERGE }), repository });
    // The closing tells the opening again: stored once.
    expect(merged.body).toEqual({ received: 2, stored: 1, duplicates: 1, unmapped: 0 });
    const status = { action: 'created', deployment_status: { id: 777, state: 'success', environment: 'production', created_at: '2026-03-02T12:00:00Z', updated_at: '2026-03-02T12:00:00Z' }, deployment: { id: 70, sha: MERGE, environment: 'production' }, repository };
    expect((await github('deployment_status', status)).body.stored).toBe(1);
    // Into another branch than the default: no delivery event.
    expect((await github('pull_request', { action: 'opened', number: 43, pull_request: pullRequest({ id: 9002, number: 43, base: { ref: 'release-1' } }), repository })).body.received).toBe(0);
    // Closed without merging.
    expect((await github('pull_request', { action: 'closed', number: 44, pull_request: pullRequest({ id: 9003, number: 44, state: 'closed', created_at: '2026-03-05T09:00:00Z', closed_at: '2026-03-05T10:00:00Z' }), repository })).body.stored).toBe(2);

    const report = await pullRequestsOf('component:default/cart');
    expect(report.summary).toEqual({ merged: 1, deployed: 1, medianToMergeHours: 2, medianToDeployHours: 2, medianLeadTimeHours: 4, open: 0 });
    expect(report.items).toEqual([
      { key: 'acme/cart#44', entityRef: 'component:default/cart', state: 'closed', title: 'Faster basket', url: 'https://github.com/acme/cart/pull/42', openedAt: '2026-03-05T09:00:00.000Z', firstCommitAt: '2026-03-02T08:00:00.000Z', hours: { toMerge: null, toDeploy: null, leadTime: null } },
      {
        key: 'acme/cart#42',
        entityRef: 'component:default/cart',
        state: 'merged',
        title: 'Faster basket',
        url: 'https://github.com/acme/cart/pull/42',
        openedAt: '2026-03-02T09:00:00.000Z',
        firstCommitAt: '2026-03-02T08:00:00.000Z',
        mergedAt: '2026-03-02T10:00:00.000Z',
        mergeSha: MERGE,
        deployedAt: '2026-03-02T12:00:00.000Z',
        deployment: 'github:deployment_status:777',
        hours: { toMerge: 2, toDeploy: 2, leadTime: 4 },
      },
    ]);
    // The pull request's events are no commits: DORA's change lead time counts the two commits pushed, once each.
    const dora = (await get(`${pave.url}/api/delivery/dora?entity=component:default/cart&window=30d&end=2026-03-31T00:00:00Z`)).body;
    expect(dora.metrics.leadTime).toMatchObject({ changes: 2, medianHours: 3 });
  });

  it('GitLab: a merge request opened and merged (merged_at not sent: updated_at), deployed through the generic API; its merge commit no push told of counts from the merge', async () => {
    const project = { id: 30, path_with_namespace: 'acme/checkout', default_branch: 'main' };
    const attributes = { id: 301, iid: 7, title: 'Pay by card', url: 'https://gitlab.example.com/acme/checkout/-/merge_requests/7', source_branch: 'card', target_branch: 'main', state: 'opened', action: 'open', created_at: '2026-03-04 09:00:00 UTC', updated_at: '2026-03-04 09:00:00 UTC', merge_commit_sha: null, last_commit: { id: 'e5'.repeat(20), timestamp: '2026-03-04T08:30:00+00:00' } };
    expect((await gitlab({ object_kind: 'merge_request', event_type: 'merge_request', project, object_attributes: attributes })).body.stored).toBe(1);
    expect((await gitlab({ object_kind: 'merge_request', event_type: 'merge_request', project, object_attributes: { ...attributes, state: 'merged', action: 'merge', updated_at: '2026-03-04 11:00:00 UTC', merge_commit_sha: 'f6'.repeat(20) } })).body).toMatchObject({ received: 2, stored: 1 });
    const deployed = await post(`${pave.url}/api/delivery/events`, { events: [{ id: 'checkout-deploy-1', type: 'deployment', at: '2026-03-04T15:00:00Z', entity: 'component:default/checkout', environment: 'production', status: 'success', sha: 'f6'.repeat(20) }] });
    expect(deployed.body.stored).toBe(1);
    const report = await pullRequestsOf('checkout');
    expect(report.items).toHaveLength(1);
    expect(report.items[0]).toMatchObject({ key: 'acme/checkout!7', state: 'merged', openedAt: '2026-03-04T09:00:00.000Z', mergedAt: '2026-03-04T11:00:00.000Z', deployedAt: '2026-03-04T15:00:00.000Z', hours: { toMerge: 2, toDeploy: 4, leadTime: 6 } });
    expect(report.items[0].firstCommitAt).toBeUndefined();
  });

  it('the generic API: kind pull-request needs its key and a status; an unknown kind is refused, nothing stored', async () => {
    const before = await storedEvents(pave.app);
    const bad = await post(`${pave.url}/api/delivery/events`, { events: [
      { id: 'pr-x', type: 'change', kind: 'pull-request', at: '2026-03-06T10:00:00Z', entity: 'component:default/ledger' },
      { id: 'pr-y', type: 'change', kind: 'patch', at: '2026-03-06T10:00:00Z', entity: 'component:default/ledger', sha: 'abcdef12' },
    ] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/events/0/pullRequest', '/events/0/status', '/events/1/kind']);
    expect(await storedEvents(pave.app)).toBe(before);
    const sent = await post(`${pave.url}/api/delivery/events`, { events: [{ id: 'pr-z', type: 'change', kind: 'pull-request', pullRequest: 'ledger#1', status: 'opened', at: '2026-03-06T10:00:00Z', entity: 'component:default/ledger' }] });
    expect(sent.body.stored).toBe(1);
    expect((await pullRequestsOf('component:default/ledger')).summary).toMatchObject({ merged: 0, open: 1 });
    expect((await get(`${pave.url}/api/delivery/components/${encodeURIComponent('component:default/nothing')}/pull-requests`)).status).toBe(404);
  });

  it('a pull request told of in many events of a thousand commits each: the report answers with its lead time, each commit counted once', async () => {
    // 150 events of 1,000 commits (the most one event may name), sent in batches the body limit allows; two known as changes.
    const sha = (n: number) => n.toString(16).padStart(8, '0');
    const event = (n: number) => ({ id: `big-pr-${n}`, type: 'change', kind: 'pull-request', pullRequest: 'ledger#900', status: 'opened', at: '2026-03-10T10:00:00Z', entity: 'component:default/ledger', commits: Array.from({ length: 1000 }, (_, i) => sha(n * 1000 + i)) });
    for (let batch = 0; batch < 150; batch += 15) expect((await post(`${pave.url}/api/delivery/events`, { events: Array.from({ length: 15 }, (_, i) => event(batch + i)) })).body.stored).toBe(15);
    const merged = { id: 'big-pr-merged', type: 'change', kind: 'pull-request', pullRequest: 'ledger#900', status: 'merged', at: '2026-03-10T14:00:00Z', entity: 'component:default/ledger', sha: 'dd'.repeat(20), commits: [sha(0)] };
    const changes = [
      { id: 'big-pr-c1', type: 'change', at: '2026-03-10T07:00:00Z', entity: 'component:default/ledger', sha: sha(149_999) },
      { id: 'big-pr-c2', type: 'change', at: '2026-03-10T09:00:00Z', entity: 'component:default/ledger', sha: sha(0) },
    ];
    expect((await post(`${pave.url}/api/delivery/events`, { events: [merged, ...changes] })).body.stored).toBe(3);
    const response = await get(`${pave.url}/api/delivery/components/${encodeURIComponent('component:default/ledger')}/pull-requests?window=30d&end=2026-03-31T00:00:00Z`);
    expect(response.status).toBe(200);
    expect(response.body.items.find((i: { key: string }) => i.key === 'ledger#900')).toMatchObject({ state: 'merged', firstCommitAt: '2026-03-10T07:00:00.000Z', mergedAt: '2026-03-10T14:00:00.000Z', hours: { toMerge: 7 } });
  });

  it('pave metrics prs prints the summary and a row per pull request, or the report as JSON', async () => {
    const cli = (...args: string[]) => runCli(args, { cwd: home, env: { HOME: home, PAVE_SERVER: pave.url, PAVE_TOKEN: 'auth-is-off-here' } });
    const text = await cli('metrics', 'prs', 'component:default/cart', '--window', '30d', '--end', '2026-03-31T00:00:00Z');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('component:default/cart: 1 merged in 30 days, 1 deployed; median 2 h to merge, 2 h merge → production, 4 h lead time; 0 open');
    expect(text.stdout).toMatch(/acme\/cart#42\s+merged\s+2026-03-02 08:00\s+2026-03-02 10:00\s+2026-03-02 12:00\s+2 h\s+2 h\s+4 h/);
    const json = await cli('--json', 'metrics', 'prs', 'cart', '--window', '30d', '--end', '2026-03-31T00:00:00Z');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).items.map((i: { key: string }) => i.key)).toEqual(['acme/cart#44', 'acme/cart#42']);
  });

  it('closed then reopened (GitHub reopened, GitLab reopen): open again; closed again after it: closed', async () => {
    // GitHub: closed unmerged, then reopened (the payload's state open, closed_at null again, updated_at the reopening).
    const pr = (extra: Record<string, unknown>) => pullRequest({ id: 9050, number: 50, created_at: '2026-03-07T09:00:00Z', ...extra });
    expect((await github('pull_request', { action: 'closed', number: 50, pull_request: pr({ state: 'closed', closed_at: '2026-03-07T10:00:00Z', updated_at: '2026-03-07T10:00:00Z' }), repository })).body.stored).toBe(2);
    expect((await github('pull_request', { action: 'reopened', number: 50, pull_request: pr({ state: 'open', updated_at: '2026-03-07T11:00:00Z' }), repository })).body.stored).toBe(1);
    const cart = async () => (await pullRequestsOf('component:default/cart')).items.find((i: { key: string }) => i.key === 'acme/cart#50');
    expect(await cart()).toMatchObject({ state: 'open' });
    expect((await github('pull_request', { action: 'closed', number: 50, pull_request: pr({ state: 'closed', closed_at: '2026-03-07T12:00:00Z', updated_at: '2026-03-07T12:00:00Z' }), repository })).body.stored).toBe(1);
    expect(await cart()).toMatchObject({ state: 'closed' });

    // GitLab: a merge request closed (action close), then reopened (action reopen, state opened).
    const project = { id: 30, path_with_namespace: 'acme/checkout', default_branch: 'main' };
    const attributes = { id: 350, iid: 12, title: 'Gift cards', url: 'https://gitlab.example.com/acme/checkout/-/merge_requests/12', source_branch: 'gift', target_branch: 'main', created_at: '2026-03-08 09:00:00 UTC', merge_commit_sha: null };
    expect((await gitlab({ object_kind: 'merge_request', event_type: 'merge_request', project, object_attributes: { ...attributes, state: 'closed', action: 'close', updated_at: '2026-03-08 10:00:00 UTC' } })).body.stored).toBe(2);
    const checkout = async () => (await pullRequestsOf('component:default/checkout')).items.find((i: { key: string }) => i.key === 'acme/checkout!12');
    expect(await checkout()).toMatchObject({ state: 'closed' });
    expect((await gitlab({ object_kind: 'merge_request', event_type: 'merge_request', project, object_attributes: { ...attributes, state: 'opened', action: 'reopen', updated_at: '2026-03-08 11:00:00 UTC' } })).body.stored).toBe(1);
    expect(await checkout()).toMatchObject({ state: 'open' });

    // The generic API tells a reopening too.
    const sent = await post(`${pave.url}/api/delivery/events`, { events: [
      { id: 'pr-r1', type: 'change', kind: 'pull-request', pullRequest: 'ledger#5', status: 'closed', at: '2026-03-09T10:00:00Z', entity: 'component:default/ledger' },
      { id: 'pr-r0', type: 'change', kind: 'pull-request', pullRequest: 'ledger#5', status: 'opened', at: '2026-03-09T09:00:00Z', entity: 'component:default/ledger' },
      { id: 'pr-r2', type: 'change', kind: 'pull-request', pullRequest: 'ledger#5', status: 'reopened', at: '2026-03-09T11:00:00Z', entity: 'component:default/ledger' },
    ] });
    expect(sent.body.stored).toBe(3);
    expect((await pullRequestsOf('component:default/ledger')).items.find((i: { key: string }) => i.key === 'ledger#5')).toMatchObject({ state: 'open', openedAt: '2026-03-09T09:00:00.000Z' });
  });
});
