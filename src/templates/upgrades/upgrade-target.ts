/**
 * Where an upgrade goes and how it is proposed there, by the publisher that created the repository:
 * Pave's own repositories (and other `publish:git` remotes) get a branch, shown in the portal; GitHub a
 * pull request and GitLab a merge request through the configured integration (its credentials, never a
 * task's secrets); Gitea and Bitbucket Server a branch pushed with the integration's credentials.
 */
import { isPaveError } from '../../core/problem.js';
import type { ProviderKind } from '../../integrations/integrations-config.js';
import { providerRequest } from '../../integrations/provider-api.js';
import { parseRepoUrl } from '../../integrations/repo-url.js';
import { providerName, type ScmIntegrations } from '../../integrations/scm-integrations.js';
import { gitCredentialsEnv } from '../../git/git-credentials.js';
import type { GeneratedRepositoryRecord } from './generated-repository-store.js';

/** The actions that create a repository, and the provider each publishes to (`git`: any git remote). */
const REPOSITORY_PUBLISHERS: Readonly<Record<string, 'git' | ProviderKind>> = {
  'publish:git': 'git',
  'publish:github': 'github',
  'github:repo:push': 'github',
  'publish:gitlab': 'gitlab',
  'publish:gitea': 'gitea',
  'publish:bitbucketServer': 'bitbucketServer',
};

export function createsRepository(action: string): boolean {
  return action in REPOSITORY_PUBLISHERS;
}

/** The git URL a publisher's output names (GitLab's output is the project's page, whose clone URL adds `.git`). */
export function cloneUrlOf(action: string, output: Record<string, unknown>): string | undefined {
  const value = action === 'publish:git' ? output.cloneUrl : output.remoteUrl;
  if (typeof value !== 'string' || !value) return undefined;
  return REPOSITORY_PUBLISHERS[action] === 'gitlab' && !value.endsWith('.git') ? `${value}.git` : value;
}

export interface ReviewProposal {
  title: string;
  body: string;
  branch: string;
}

/** A repository's provider as an upgrade reaches it: git's variables for pushing, and how a review is opened. */
export interface UpgradeTarget {
  env: NodeJS.ProcessEnv;
  /** Opens (or finds the open) review request for a pushed branch; its address, or undefined where the provider has none. */
  propose(proposal: ReviewProposal): Promise<string | undefined>;
}

/** How to reach a repository; `branchPage` is where a branch of a repository without review requests is shown. */
export async function upgradeTarget(repository: GeneratedRepositoryRecord, integrations: ScmIntegrations, branchPage: (branch: string) => string | undefined): Promise<UpgradeTarget> {
  const kind = REPOSITORY_PUBLISHERS[repository.publisher] ?? 'git';
  if (kind === 'git') return { env: {}, propose: async ({ branch }) => branchPage(branch) };
  const location = parseRepoUrl(repository.repoUrl);
  const host = integrations.require(kind, location.host);
  const owner = location.owner ?? location.project ?? location.organization ?? location.workspace ?? '';
  const credentials = await integrations.credentials(host, { owner });
  const api = <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) =>
    providerRequest<T>(providerName(kind), { method, url: `${host.apiBaseUrl}${path}`, headers: credentials.apiHeaders, ...(body !== undefined ? { body } : {}) });
  const env = gitCredentialsEnv(credentials.git);
  if (kind === 'github') return { env, propose: proposal => pullRequest(api, owner, location.repo, repository.branch, proposal) };
  if (kind === 'gitlab') return { env, propose: proposal => mergeRequest(api, owner, location.repo, repository.branch, proposal) };
  return { env, propose: async () => undefined };
}

type Api = <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => Promise<T>;

/** GitHub: the open pull request from the branch, updated, or a new one (`POST /repos/{o}/{r}/pulls`). */
async function pullRequest(api: Api, owner: string, repo: string, base: string, proposal: ReviewProposal): Promise<string> {
  const path = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/pulls`;
  const [open] = await api<Array<{ number: number; html_url: string }>>('GET', `${path}?state=open&head=${encodeURIComponent(`${owner}:${proposal.branch}`)}`);
  const body = { title: proposal.title, body: proposal.body };
  const pull = open ? await api<{ html_url: string }>('PATCH', `${path}/${open.number}`, body) : await api<{ html_url: string }>('POST', path, { ...body, head: proposal.branch, base });
  return pull.html_url;
}

/** GitLab: a merge request from the branch (`POST /projects/:id/merge_requests`); one already open is kept. */
async function mergeRequest(api: Api, owner: string, repo: string, target: string, proposal: ReviewProposal): Promise<string> {
  const project = `/projects/${encodeURIComponent(`${owner}/${repo}`)}`;
  try {
    return (await api<{ web_url: string }>('POST', `${project}/merge_requests`, { source_branch: proposal.branch, target_branch: target, title: proposal.title, description: proposal.body })).web_url;
  } catch (error) {
    // GitLab answers 409 when a merge request from the branch is open: that one carries the new push.
    if (!isPaveError(error) || error.status !== 409) throw error;
    const [open] = await api<Array<{ web_url: string }>>('GET', `${project}/merge_requests?state=opened&source_branch=${encodeURIComponent(proposal.branch)}`);
    if (!open) throw error;
    return open.web_url;
  }
}
