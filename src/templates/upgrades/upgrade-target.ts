/**
 * Where an upgrade goes, how it is proposed there and how Pave learns what became of it, by the publisher that created the repository:
 * Pave's own repositories (and other `publish:git` remotes) get a branch, shown in the portal; GitHub a
 * pull request and GitLab a merge request through the configured integration (its credentials, never a
 * task's secrets); Gitea and Bitbucket Server a branch pushed with the integration's credentials. A pull or
 * merge request's state is the provider's; a branch's is read with git (`branchState`).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderKind } from '../../integrations/integrations-config.js';
import { providerRequest } from '../../integrations/provider-api.js';
import { parseRepoUrl } from '../../integrations/repo-url.js';
import { providerName, type ScmIntegrations } from '../../integrations/scm-integrations.js';
import { CloneTooLargeError, runGitWithin } from '../../git/clone.js';
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
export async function upgradeTarget(repository: GeneratedRepositoryRecord, integrations: ScmIntegrations, branchPage: (branch: string) => string | undefined, looks: BranchLooks): Promise<UpgradeTarget> {
  const kind = REPOSITORY_PUBLISHERS[repository.publisher] ?? 'git';
  const branchOnly = (env: NodeJS.ProcessEnv, page: (branch: string) => string | undefined): UpgradeTarget => ({
    env,
    propose: async ({ branch }) => {
      const url = page(branch);
      return url ? { url } : {};
    },
    state: review => branchState(repository, env, review, looks),
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

/** How a branch-only review is looked at: the most a fetch may take, and what earlier looks saw. */
export interface BranchLooks {
  /** `reading.maxCloneBytes`: the most the fetched history may take on disk. */
  maxBytes: number;
  /**
   * Per repository and review render, the repository branch's tip the last look saw without the render in it:
   * while that tip stays, nothing is fetched again. Entries go once the review is decided.
   */
  seen: Map<string, string>;
}

/**
 * A review branch's fate, read with git: merged once the review's render is in the repository's branch
 * (whichever way the branch was merged, with fixes on top or not; a squash merge leaves it out), closed
 * once the review branch is gone without that, open otherwise. Both tips are read first (`git ls-remote`):
 * history is fetched only when the repository's branch moved since the last look, and then only as deep
 * as needed to find the render, within `reading.maxCloneBytes`.
 */
async function branchState(repository: GeneratedRepositoryRecord, env: NodeJS.ProcessEnv, review: UpgradeReviewRecord, looks: BranchLooks): Promise<ReviewState> {
  const branch = `refs/heads/${checkRefName(repository.branch)}`;
  const reviewBranch = `refs/heads/${checkRefName(review.branch)}`;
  const { stdout } = await runGit(['ls-remote', '--', repository.cloneUrl, branch, reviewBranch], { env, timeoutMs: GIT_TIMEOUT_MS });
  const tips = new Map(stdout.split('\n').filter(Boolean).map(line => [line.slice(line.indexOf('\t') + 1), line.slice(0, line.indexOf('\t'))]));
  const tip = tips.get(branch);
  const key = `${repository.id}\0${review.renderCommit}`;
  if (tip && tip !== looks.seen.get(key)) {
    if (await holds(repository.cloneUrl, branch, review.renderCommit, env, looks.maxBytes)) {
      looks.seen.delete(key);
      return 'merged';
    }
    looks.seen.set(key, tip);
  }
  if (tips.has(reviewBranch)) return 'open';
  looks.seen.delete(key);
  return 'closed';
}

/** The first fetch's depth; each next one goes four times deeper, until the commit or the branch's first commit is there. */
const FIRST_DEPTH = 32;

/** Whether `commit` is in the history of a remote branch, fetched only as deep as it takes (and at most `maxBytes`). */
async function holds(url: string, branch: string, commit: string, env: NodeJS.ProcessEnv, maxBytes: number): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'pave-review-state-'));
  try {
    // No template: the folder holds only what is fetched, as the limit measures it.
    await runGit(['init', '--quiet', '--bare', '--template=', dir]);
    for (let depth = FIRST_DEPTH; ; depth *= 4) {
      await runGitWithin(['--git-dir', dir, 'fetch', '--quiet', '--no-tags', `--depth=${depth}`, '--', url, branch], dir, maxBytes, { env, timeoutMs: GIT_TIMEOUT_MS }).catch((error: unknown) => {
        throw error instanceof CloneTooLargeError ? new Error(`The history looked at for the review is larger than ${maxBytes} bytes (reading.maxCloneBytes)`) : error;
      });
      // Only this branch's history is fetched into the empty folder: a commit there is in it.
      if (await runGit(['--git-dir', dir, 'cat-file', '-e', `${commit}^{commit}`]).then(() => true, () => false)) return true;
      // No `shallow` file: the whole history is here, and the commit is not in it.
      if (!(await stat(join(dir, 'shallow')).catch(() => undefined))) return false;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
