import type { DeliveryEventInput } from '../delivery-event.js';
import { optional } from './payload-fields.js';

/** What a pull (merge) request's events have in common: each event adds its id, time and status. */
export type PullRequestChange = Omit<DeliveryEventInput, 'id' | 'at' | 'status'>;

/**
 * The fields every event of one pull or merge request shares, read from the provider's object for it (GitHub's
 * `pull_request`, GitLab's `object_attributes`): a change of kind pull request about the repository's annotation,
 * keyed `key`, with its head commit, title and URL when the payload has them (cut to the generic API's lengths).
 * @example pullRequestChange(payload, 'pull_request', { annotation: 'github.com/project-slug', value: repo, key: `${repo}#42`, head: ['head', 'sha'], url: 'html_url' })
 */
export function pullRequestChange(payload: unknown, object: string, fields: { annotation: string; value: string; key: string; head: readonly string[]; url: string }): PullRequestChange {
  const head = optional(payload, object, ...fields.head);
  const title = optional(payload, object, 'title');
  const url = optional(payload, object, fields.url);
  return {
    type: 'change',
    kind: 'pull-request',
    target: { annotation: fields.annotation, value: fields.value },
    pullRequest: fields.key.toLowerCase(),
    ...(head ? { commits: [head] } : {}),
    ...(title ? { title: title.slice(0, 500) } : {}),
    ...(url ? { url: url.slice(0, 2000) } : {}),
  };
}
