import { safeEqual } from '../../auth/secrets.js';
import type { DeliveryEventInput } from '../delivery-event.js';
import { header, type ProviderReceiver } from './provider-receiver.js';
import { isoTime, list, optional, required } from './payload-fields.js';
import { pullRequestChange } from './pull-request-change.js';

const TERMINAL: Record<string, 'success' | 'failure'> = { success: 'success', failed: 'failure' };

/**
 * GitLab webhooks (docs.gitlab.com, "Webhook events"): GitLab sends the secret token as is in
 * `X-Gitlab-Token` (no signature). `Push Hook` to the default branch: each commit is a change; `Deployment
 * Hook` with status success or failed: a deployment (its commit is the last segment of `commit_url`). Both
 * name the project (`gitlab.com/project-slug` = `project.path_with_namespace`). `Issue Hook` of an issue whose
 * type is `incident`: an incident, opened at its creation and resolved when it is closed. `Merge Request Hook` into
 * the default branch: a change of kind pull request — opened at `created_at` (with `last_commit`), merged (action
 * `merge`) at `merged_at` (or `updated_at`, where GitLab does not send it yet) by `merge_commit_sha`, closed unmerged
 * (action `close`) or reopened (action `reopen`), both at `updated_at`.
 */
export const gitlabReceiver: ProviderReceiver = {
  provider: 'gitlab',
  verify: (request, secret) => safeEqual(header(request, 'x-gitlab-token') ?? '', secret),
  events(payload) {
    const kind = required(payload, 'object_kind');
    const project = required(payload, 'project', 'path_with_namespace');
    if (kind === 'push') {
      const branch = optional(payload, 'project', 'default_branch');
      if (branch && required(payload, 'ref') !== `refs/heads/${branch}`) return [];
      return list(payload, 'commits').map((commit, i): DeliveryEventInput => ({
        id: `gitlab:commit:${project}:${required(commit, 'id')}`.toLowerCase(),
        type: 'change',
        at: isoTime(required(commit, 'timestamp'), `/commits/${i}/timestamp`),
        target: { annotation: 'gitlab.com/project-slug', value: project },
        sha: required(commit, 'id'),
        ...(optional(commit, 'title') ? { title: optional(commit, 'title')!.slice(0, 500) } : {}),
        ...(optional(commit, 'url') ? { url: optional(commit, 'url')!.slice(0, 2000) } : {}),
      }));
    }
    if (kind === 'deployment') {
      const status = TERMINAL[required(payload, 'status')];
      if (!status) return [];
      const commitUrl = optional(payload, 'commit_url');
      const sha = commitUrl?.split('/').pop();
      return [
        {
          id: `gitlab:deployment:${required(payload, 'deployment_id')}:${status}`,
          type: 'deployment',
          at: isoTime(required(payload, 'status_changed_at'), '/status_changed_at'),
          target: { annotation: 'gitlab.com/project-slug', value: project },
          environment: required(payload, 'environment'),
          status,
          ...(sha && /^[0-9a-f]{7,64}$/i.test(sha) ? { sha } : {}),
          ...(optional(payload, 'deployable_url') ? { url: optional(payload, 'deployable_url')!.slice(0, 2000) } : {}),
        },
      ];
    }
    if (kind === 'merge_request') {
      const branch = optional(payload, 'project', 'default_branch');
      if (branch && optional(payload, 'object_attributes', 'target_branch') !== branch) return [];
      const id = required(payload, 'object_attributes', 'id');
      const common = pullRequestChange(payload, 'object_attributes', { annotation: 'gitlab.com/project-slug', value: project, key: `${project}!${required(payload, 'object_attributes', 'iid')}`, head: ['last_commit', 'id'], url: 'url' });
      const events: DeliveryEventInput[] = [{ ...common, id: `gitlab:merge_request:${id}:opened`, at: isoTime(required(payload, 'object_attributes', 'created_at'), '/object_attributes/created_at'), status: 'opened' }];
      const action = optional(payload, 'object_attributes', 'action');
      if (action === 'merge') {
        const mergedAt = optional(payload, 'object_attributes', 'merged_at');
        const at = mergedAt ? isoTime(mergedAt, '/object_attributes/merged_at') : isoTime(required(payload, 'object_attributes', 'updated_at'), '/object_attributes/updated_at');
        events.push({ ...common, id: `gitlab:merge_request:${id}:merged`, at, status: 'merged', sha: required(payload, 'object_attributes', 'merge_commit_sha') });
      } else if (action === 'close') {
        const at = isoTime(required(payload, 'object_attributes', 'updated_at'), '/object_attributes/updated_at');
        events.push({ ...common, id: `gitlab:merge_request:${id}:closed:${at}`, at, status: 'closed' });
      } else if (action === 'reopen') {
        const at = isoTime(required(payload, 'object_attributes', 'updated_at'), '/object_attributes/updated_at');
        events.push({ ...common, id: `gitlab:merge_request:${id}:reopened:${at}`, at, status: 'reopened' });
      }
      return events;
    }
    if (kind === 'issue' && optional(payload, 'object_attributes', 'issue_type') === 'incident') {
      // An incident issue: opened at its creation, resolved when it is closed.
      const target = { annotation: 'gitlab.com/project-slug', value: project };
      const iid = required(payload, 'object_attributes', 'iid');
      const issue = required(payload, 'object_attributes', 'id');
      const incident = `gitlab:${project}#${iid}`.toLowerCase();
      const title = optional(payload, 'object_attributes', 'title')?.slice(0, 500);
      const events: DeliveryEventInput[] = [
        { id: `gitlab:issue:${issue}:opened`, type: 'incident', at: isoTime(required(payload, 'object_attributes', 'created_at'), '/object_attributes/created_at'), target, status: 'opened', incident, ...(title ? { title } : {}) },
      ];
      const closedAt = optional(payload, 'object_attributes', 'closed_at');
      if (optional(payload, 'object_attributes', 'state') === 'closed' && closedAt) {
        const at = isoTime(closedAt, '/object_attributes/closed_at');
        events.push({ id: `gitlab:issue:${issue}:resolved:${at}`, type: 'incident', at, target, status: 'resolved', incident });
      }
      return events;
    }
    return [];
  },
};
