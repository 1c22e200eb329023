/**
 * Where an upgrade goes, how it is proposed there and how Pave learns what became of it, by the publisher that created the repository:
 * Pave's own repositories (and other `publish:git` remotes) get a branch, shown in the portal; GitHub a
 * pull request and GitLab a merge request through the configured integration (its credentials, never a
 * task's secrets); Gitea and Bitbucket Server a branch pushed with the integration's credentials. A pull or
 * merge request's state is the provider's; a branch's is read with git (`branchState`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderKind } from '../../integrations/integrations-config.js';
import { providerRequest } from '../../integrations/provider-api.js';
import { parseRepoUrl } from '../../integrations/repo-url.js';
import { providerName, type ScmIntegrations } from '../../integrations/scm-integrations.js';
import { remoteCommit } from '../../git/clone.js';
import { gitCredentialsEnv } from '../../git/git-credentials.js';
import { checkRefName } from '../../git/refs.js';
import { runGit } from '../../git/run-git.js';
import { openMergeRequest, openPullRequest, type ProviderApi } from '../actions/review-request.js';
import type { GeneratedRepositoryRecord, UpgradeReviewRecord } from './generated-repository-store.js';
import type { ReviewState } from './upgrade-views.js';

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

/** A review as a provider holds it: its address (none for a branch where the provider has no page for it) and number. */
export interface ProposedReview {
  url?: string;
  number?: number;
}

/** A repository's provider as an upgrade reaches it: git's variables for pushing, how a review is opened, and what became of it. */
export interface UpgradeTarget {
  env: NodeJS.ProcessEnv;
  /** Opens (or finds and updates the open) review request for a pushed branch. */
  propose(proposal: ReviewProposal): Promise<ProposedReview>;
  /** Whether the review is still open, was merged or was closed without merging. */
  state(review: UpgradeReviewRecord): Promise<ReviewState>;
}

const GIT_TIMEOUT_MS = 120_000;

/** How to reach a repository; `branchPage` is where a branch of a repository without review requests is shown. */
export async function upgradeTarget(repository: GeneratedRepositoryRecord, integrations: ScmIntegrations, branchPage: (branch: string) => string | undefined): Promise<UpgradeTarget> {
  const kind = REPOSITORY_PUBLISHERS[repository.publisher] ?? 'git';
  const branchOnly = (env: NodeJS.ProcessEnv, page: (branch: string) => string | undefined): UpgradeTarget => ({
    env,
    propose: async ({ branch }) => {
      const url = page(branch);
      return url ? { url } : {};
    },
    state: review => branchState(repository, env, review),
  });
  if (kind === 'git') return branchOnly({}, branchPage);
  const location = parseRepoUrl(repository.repoUrl);
  const host = integrations.require(kind, location.host);
  const owner = location.owner ?? location.project ?? location.organization ?? location.workspace ?? '';
  const credentials = await integrations.credentials(host, { owner });
  const api: ProviderApi = (method, path, body) =>
    providerRequest(providerName(kind), { method, url: `${host.apiBaseUrl}${path}`, headers: credentials.apiHeaders, ...(body !== undefined ? { body } : {}) });
  const env = gitCredentialsEnv(credentials.git);
  if (kind === 'github') {
    const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(location.repo)}`;
    return {
      env,
      propose: async proposal => {
        const pull = await openPullRequest(api, repoPath, owner, { title: proposal.title, body: proposal.body, head: proposal.branch, base: repository.branch });
        return { url: pull.url, number: pull.number };
      },
      // GitHub: `merged` on the pull request; closed without it is declined.
      state: async review => {
        const pull = await api<{ state: string; merged?: boolean; merged_at?: string | null }>('GET', `${repoPath}/pulls/${review.number}`);
        return pull.merged || pull.merged_at ? 'merged' : pull.state === 'closed' ? 'closed' : 'open';
      },
    };
  }
  if (kind === 'gitlab') {
    const project = `/projects/${encodeURIComponent(`${owner}/${location.repo}`)}`;
    return {
      env,
      propose: async proposal => {
        const request = await openMergeRequest(api, project, { source_branch: proposal.branch, target_branch: repository.branch, title: proposal.title, description: proposal.body });
        return { url: request.url, number: request.number };
      },
      // GitLab: `state` is opened, closed, locked or merged.
      state: async review => {
        const request = await api<{ state: string }>('GET', `${project}/merge_requests/${review.number}`);
        return request.state === 'merged' ? 'merged' : request.state === 'closed' ? 'closed' : 'open';
      },
    };
  }
  return branchOnly(env, () => undefined);
}

/**
 * A review branch's fate, read with git: merged once the review's render is in the repository's branch
 * (whichever way the branch was merged, with fixes on top or not; a squash merge leaves it out), closed
 * once the review branch is gone without that, open otherwise.
 */
async function branchState(repository: GeneratedRepositoryRecord, env: NodeJS.ProcessEnv, review: UpgradeReviewRecord): Promise<ReviewState> {
  const dir = await mkdtemp(join(tmpdir(), 'pave-review-state-'));
  try {
    await runGit(['init', '--quiet', '--bare', dir]);
    await runGit(['--git-dir', dir, 'fetch', '--quiet', '--no-tags', '--', repository.cloneUrl, `refs/heads/${checkRefName(repository.branch)}`], { env, timeoutMs: GIT_TIMEOUT_MS });
    const merged = await runGit(['--git-dir', dir, 'merge-base', '--is-ancestor', review.renderCommit, 'FETCH_HEAD']).then(
      () => true,
      () => false,
    );
    if (merged) return 'merged';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return (await remoteCommit(repository.cloneUrl, review.branch, { env, timeoutMs: GIT_TIMEOUT_MS })) ? 'open' : 'closed';
}
