import type { DeliveryEventInput } from '../delivery-event.js';
import { header, hmacMatches, type ProviderReceiver } from './provider-receiver.js';
import { isoTime, list, optional, required } from './payload-fields.js';
import { pullRequestChange } from './pull-request-change.js';

const TERMINAL: Record<string, 'success' | 'failure'> = { success: 'success', failure: 'failure', error: 'failure' };

/**
 * GitHub webhooks (docs.github.com, "Webhook events and payloads"): signed with `X-Hub-Signature-256:
 * sha256=<HMAC-SHA256 of the body>`; the event name in `X-GitHub-Event`. `push` to the default branch: each
 * commit is a change; `deployment_status` in a final state (success, failure, error): a deployment of
 * `deployment.sha` to `deployment.environment`. Both name the repository (`github.com/project-slug`). Other
 * events (ping, pending or in-progress statuses) carry no delivery event. `issues` labelled `incident`: an incident,
 * opened at the issue's creation and resolved at its closing. `pull_request` into the default branch: a change of kind
 * pull request — opened at `created_at` (with its head commit), merged at `merged_at` by `merge_commit_sha`, closed
 * unmerged, or reopened (at `updated_at`); every action tells the opening again (stored once), so a merge whose opening was missed still has it.
 */
export const githubReceiver: ProviderReceiver = {
  provider: 'github',
  verify: (request, secret) => hmacMatches(secret, request.body, header(request, 'x-hub-signature-256')?.replace(/^sha256=/, '')),
  events(payload, request) {
    const event = header(request, 'x-github-event');
    if (event === 'push') {
      const repo = required(payload, 'repository', 'full_name');
      const branch = optional(payload, 'repository', 'default_branch') ?? optional(payload, 'repository', 'master_branch');
      const ref = required(payload, 'ref');
      if (branch && ref !== `refs/heads/${branch}`) return [];
      return list(payload, 'commits').map((commit, i): DeliveryEventInput => ({
        id: `github:commit:${repo}:${required(commit, 'id')}`.toLowerCase(),
        type: 'change',
        at: isoTime(required(commit, 'timestamp'), `/commits/${i}/timestamp`),
        target: { annotation: 'github.com/project-slug', value: repo },
        sha: required(commit, 'id'),
        ...(optional(commit, 'message') ? { title: optional(commit, 'message')!.split('\n')[0]!.slice(0, 500) } : {}),
        ...(optional(commit, 'url') ? { url: optional(commit, 'url')!.slice(0, 2000) } : {}),
      }));
    }
    if (event === 'deployment_status') {
      const state = required(payload, 'deployment_status', 'state');
      const status = TERMINAL[state];
      if (!status) return [];
      const repo = required(payload, 'repository', 'full_name');
      return [
        {
          id: `github:deployment_status:${required(payload, 'deployment_status', 'id')}`,
          type: 'deployment',
          at: isoTime(optional(payload, 'deployment_status', 'updated_at') ?? required(payload, 'deployment_status', 'created_at'), '/deployment_status/updated_at'),
          target: { annotation: 'github.com/project-slug', value: repo },
          environment: optional(payload, 'deployment_status', 'environment') ?? required(payload, 'deployment', 'environment'),
          status,
          sha: required(payload, 'deployment', 'sha'),
          ...(optional(payload, 'deployment_status', 'target_url') ? { url: optional(payload, 'deployment_status', 'target_url')!.slice(0, 2000) } : {}),
        },
      ];
    }
    if (event === 'pull_request') {
      const repo = required(payload, 'repository', 'full_name');
      const branch = optional(payload, 'repository', 'default_branch');
      if (branch && optional(payload, 'pull_request', 'base', 'ref') !== branch) return [];
      const id = required(payload, 'pull_request', 'id');
      const common = pullRequestChange(payload, 'pull_request', { annotation: 'github.com/project-slug', value: repo, key: `${repo}#${required(payload, 'pull_request', 'number')}`, head: ['head', 'sha'], url: 'html_url' });
      const events: DeliveryEventInput[] = [{ ...common, id: `github:pull_request:${id}:opened`, at: isoTime(required(payload, 'pull_request', 'created_at'), '/pull_request/created_at'), status: 'opened' }];
      const action = required(payload, 'action');
      // Reopened: `closed_at` is null again, `updated_at` the reopening.
      if (action === 'reopened') {
        const at = isoTime(required(payload, 'pull_request', 'updated_at'), '/pull_request/updated_at');
        events.push({ ...common, id: `github:pull_request:${id}:reopened:${at}`, at, status: 'reopened' });
      }
      if (action !== 'closed') return events;
      // merged_at is null unless it merged; merge_commit_sha is then the commit on the base branch.
      const mergedAt = optional(payload, 'pull_request', 'merged_at');
      if (mergedAt) events.push({ ...common, id: `github:pull_request:${id}:merged`, at: isoTime(mergedAt, '/pull_request/merged_at'), status: 'merged', sha: required(payload, 'pull_request', 'merge_commit_sha') });
      else {
        const at = isoTime(required(payload, 'pull_request', 'closed_at'), '/pull_request/closed_at');
        events.push({ ...common, id: `github:pull_request:${id}:closed:${at}`, at, status: 'closed' });
      }
      return events;
    }
    if (event === 'issues') {
      // An issue labelled `incident` is an incident: opened when the issue was, resolved when it is closed.
      const labels = list(payload, 'issue', 'labels').map(label => optional(label, 'name')?.toLowerCase());
      if (!labels.includes('incident')) return [];
      const repo = required(payload, 'repository', 'full_name');
      const issue = required(payload, 'issue', 'id');
      const target = { annotation: 'github.com/project-slug', value: repo };
      const incident = `github:${repo}#${required(payload, 'issue', 'number')}`.toLowerCase();
      const title = optional(payload, 'issue', 'title')?.slice(0, 500);
      const events: DeliveryEventInput[] = [
        { id: `github:issue:${issue}:opened`, type: 'incident', at: isoTime(required(payload, 'issue', 'created_at'), '/issue/created_at'), target, status: 'opened', incident, ...(title ? { title } : {}) },
      ];
      const closedAt = optional(payload, 'issue', 'closed_at');
      if (optional(payload, 'issue', 'state') === 'closed' && closedAt) {
        const at = isoTime(closedAt, '/issue/closed_at');
        events.push({ id: `github:issue:${issue}:resolved:${at}`, type: 'incident', at, target, status: 'resolved', incident });
      }
      return events;
    }
    return [];
  },
};
