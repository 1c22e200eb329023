/**
 * Opening a review request where one may be open already from the same branch. GitHub answers 422 "A pull
 * request already exists for owner:branch" and GitLab 409 "Another open merge request already exists for this
 * source branch" (both a 409 problem from `integrations/provider-api.ts`) when one is open from the same branch
 * into the same base; that one is then updated (title, description) and reused: the branch it shows was just
 * pushed, so it carries the new changes. Used by the pull and merge request actions and by template upgrades.
 */
import { isPaveError } from '../../core/problem.js';

/** A provider's REST API at one integration, with its credentials (paths relative to its API base). */
export type ProviderApi = <T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown) => Promise<T>;

export interface OpenedReview {
  /** The pull request's number, or the merge request's iid. */
  number: number;
  url: string;
  /** It was open already, and was updated. */
  reused: boolean;
}

const alreadyOpen = (error: unknown) => isPaveError(error) && error.status === 409;

/**
 * GitHub: `POST /repos/{o}/{r}/pulls`; when one from `head` into `base` is open, `PATCH` it instead.
 * @example await openPullRequest(api, '/repos/acme/shop', 'acme', { head: 'docs', base: 'main', title: 'Docs', body: '' }) // { number: 1, url: '…/pull/1', reused: false }
 */
export async function openPullRequest(api: ProviderApi, repoPath: string, owner: string, fields: { head: string; base: string; title: string; body: string; draft?: boolean }): Promise<OpenedReview> {
  try {
    const made = await api<{ number: number; html_url: string }>('POST', `${repoPath}/pulls`, fields);
    return { number: made.number, url: made.html_url, reused: false };
  } catch (error) {
    if (!alreadyOpen(error)) throw error;
    // The one open into the same base: one from the branch into another base is another pull request, maybe someone else's.
    const [open] = await api<Array<{ number: number }>>('GET', `${repoPath}/pulls?state=open&head=${encodeURIComponent(`${owner}:${fields.head}`)}&base=${encodeURIComponent(fields.base)}`);
    if (!open) throw error;
    const updated = await api<{ number: number; html_url: string }>('PATCH', `${repoPath}/pulls/${open.number}`, { title: fields.title, body: fields.body });
    return { number: updated.number, url: updated.html_url, reused: true };
  }
}

/**
 * GitLab: `POST /projects/:id/merge_requests`; when one from the source into the target branch is open, `PUT` its title and description instead.
 * @example await openMergeRequest(api, '/projects/acme%2Fshop', { source_branch: 'docs', target_branch: 'main', title: 'Docs', description: '' })
 */
export async function openMergeRequest(api: ProviderApi, projectPath: string, fields: { source_branch: string; target_branch: string; title: string; description: string } & Record<string, unknown>): Promise<OpenedReview> {
  try {
    const made = await api<{ iid: number; web_url: string }>('POST', `${projectPath}/merge_requests`, fields);
    return { number: made.iid, url: made.web_url, reused: false };
  } catch (error) {
    if (!alreadyOpen(error)) throw error;
    // The one open into the same target branch, as GitLab's 409 means: one into another target is another merge request.
    const [open] = await api<Array<{ iid: number }>>('GET', `${projectPath}/merge_requests?state=opened&source_branch=${encodeURIComponent(fields.source_branch)}&target_branch=${encodeURIComponent(fields.target_branch)}`);
    if (!open) throw error;
    const updated = await api<{ iid: number; web_url: string }>('PUT', `${projectPath}/merge_requests/${open.iid}`, { title: fields.title, description: fields.description });
    return { number: updated.iid, url: updated.web_url, reused: true };
  }
}
