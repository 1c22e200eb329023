/**
 * The GitHub REST calls the GitHub publishers share (docs.github.com/rest): where a RepoUrlPicker value
 * points, creating a repository for an organisation (`POST /orgs/{org}/repos`) or the signed-in user
 * (`POST /user/repos`), its topics, access, Actions variables and secrets (`github-secrets.ts`), reading it,
 * and protecting its default branch.
 */
import { Type, type Static } from '@sinclair/typebox';
import { invalidInput, isPaveError } from '../../core/problem.js';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import type { ActionContext } from './action.js';
import { checkSecretNames, setActionsSecrets } from './github-secrets.js';
import { settleCreated } from './workspace-commit.js';
import { ALLOWED_HOSTS_INPUT, guessedWebUrl, createNamed, providerTarget, REPO_URL_INPUT, targetApi, TOKEN_INPUT, VISIBILITY_INPUT, type ProviderTarget } from './provider-target.js';

/** A repository as GitHub describes it (the fields Pave reads). */
export interface GithubRepository {
  html_url: string;
  clone_url: string;
  default_branch?: string;
  created_at?: string;
}

/** Backstage's inputs for a new repository's settings. */
export const GITHUB_REPOSITORY_INPUTS = {
  repoUrl: REPO_URL_INPUT,
  description: Type.Optional(Type.String({ title: 'Description' })),
  homepageUrl: Type.Optional(Type.String()),
  repoVisibility: VISIBILITY_INPUT,
  deleteBranchOnMerge: Type.Optional(Type.Boolean()),
  allowMergeCommit: Type.Optional(Type.Boolean()),
  allowSquashMerge: Type.Optional(Type.Boolean()),
  allowRebaseMerge: Type.Optional(Type.Boolean()),
  allowAutoMerge: Type.Optional(Type.Boolean()),
  hasProjects: Type.Optional(Type.Boolean()),
  hasWiki: Type.Optional(Type.Boolean()),
  hasIssues: Type.Optional(Type.Boolean()),
  topics: Type.Optional(Type.Array(Type.String())),
  collaborators: Type.Optional(
    Type.Array(
      Type.Object({
        access: Type.Union(['pull', 'triage', 'push', 'maintain', 'admin'].map(a => Type.Literal(a)), { description: 'The permission given' }),
        user: Type.Optional(Type.String({ description: 'A GitHub user' })),
        team: Type.Optional(Type.String({ description: "A team (its slug) of the repository's organisation" })),
        username: Type.Optional(Type.String({ description: 'Older name of user' })),
      }),
      { description: 'Users and teams given access to the new repository' },
    ),
  ),
  repoVariables: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String(), { description: 'GitHub Actions variables of the new repository' })),
  secrets: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'GitHub Actions secrets of the new repository (take the values from the task\'s secrets); sealed with its public key, never logged or stored' })),
  token: TOKEN_INPUT,
  allowedHosts: ALLOWED_HOSTS_INPUT,
};

/** Backstage's inputs for protecting the default branch once it is pushed. */
export const GITHUB_PROTECTION_INPUTS = {
  defaultBranch: Type.Optional(Type.String({ description: 'Default main', pattern: '^[A-Za-z0-9._/-]+$' })),
  protectDefaultBranch: Type.Optional(Type.Boolean({ description: 'Default true' })),
  protectEnforceAdmins: Type.Optional(Type.Boolean({ description: 'Default true' })),
  requiredApprovingReviewCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 6, description: 'Default 1' })),
  requireCodeOwnerReviews: Type.Optional(Type.Boolean()),
  dismissStaleReviews: Type.Optional(Type.Boolean()),
  requiredStatusCheckContexts: Type.Optional(Type.Array(Type.String())),
  requireBranchesToBeUpToDate: Type.Optional(Type.Boolean({ description: 'Default true' })),
};

const repositorySettings = Type.Object(GITHUB_REPOSITORY_INPUTS);
const protectionSettings = Type.Object(GITHUB_PROTECTION_INPUTS);

/** The GitHub repository a step names. */
export function githubTarget(ctx: ActionContext<unknown>, integrations: ScmIntegrations, input: { repoUrl: string; token?: string; allowedHosts?: string[] }): Promise<ProviderTarget> {
  return providerTarget(ctx, integrations, 'github', input);
}

export function githubApi<T>(ctx: ActionContext<unknown>, target: ProviderTarget, method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<T> {
  return targetApi<T>(ctx, target, method, path, body);
}

export function repoPath(target: ProviderTarget): string {
  return `/repos/${encodeURIComponent(target.owner)}/${encodeURIComponent(target.repo)}`;
}

/**
 * Creates the repository: in the organisation when the owner is one, else for the signed-in user (who
 * must be the owner). A name already taken is a 409 naming the existing repository, unless it is a resumed
 * step's own earlier attempt (`createNamed`; `ownCommit`: what the step goes on to push, if it does).
 */
export async function createGithubRepository(
  ctx: ActionContext<unknown>,
  target: ProviderTarget,
  input: Static<typeof repositorySettings>,
  ownCommit?: () => Promise<{ branch: string; commit: string }>,
): Promise<GithubRepository> {
  // Checked before anything is created: a bad entry must not leave a repository behind.
  const collaborators = collaboratorsOf(input.collaborators ?? []);
  checkSecretNames(input.secrets ?? {});
  const account = await githubApi<{ type?: string }>(ctx, target, 'GET', `/users/${encodeURIComponent(target.owner)}`);
  const visibility = input.repoVisibility ?? 'private';
  const body = {
    name: target.repo,
    private: visibility !== 'public',
    ...(account.type === 'Organization' ? { visibility } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.homepageUrl !== undefined ? { homepage: input.homepageUrl } : {}),
    delete_branch_on_merge: input.deleteBranchOnMerge ?? false,
    allow_merge_commit: input.allowMergeCommit ?? true,
    allow_squash_merge: input.allowSquashMerge ?? true,
    allow_rebase_merge: input.allowRebaseMerge ?? true,
    allow_auto_merge: input.allowAutoMerge ?? false,
    has_projects: input.hasProjects ?? true,
    has_wiki: input.hasWiki ?? true,
    has_issues: input.hasIssues ?? true,
  };
  const created = await createNamed(ctx, {
    create: () => githubApi<GithubRepository>(ctx, target, 'POST', account.type === 'Organization' ? `/orgs/${encodeURIComponent(target.owner)}/repos` : '/user/repos', body),
    existing: () => githubApi<GithubRepository>(ctx, target, 'GET', repoPath(target)),
    earlier: { createdAt: made => made.created_at, cloneUrl: made => made.clone_url, credentials: target.credentials.git, ...(ownCommit ? { ownCommit } : {}) },
    what: `The repository ${target.owner}/${target.repo} on ${target.host.host} (${guessedWebUrl(target)})`,
    url: repository => repository.html_url,
  });
  await settleCreated(ctx, created.html_url, 'setting it up (topics, access, Actions variables and secrets)', 'set it up by hand', async () => {
    if (input.topics?.length) await githubApi(ctx, target, 'PUT', `${repoPath(target)}/topics`, { names: input.topics.map(t => t.toLowerCase()) });
    await grantAccess(ctx, target, collaborators);
    await setVariables(ctx, target, input.repoVariables ?? {});
    await setActionsSecrets(ctx, target, repoPath(target), input.secrets ?? {});
  });
  return created;
}

type Collaborator = { access: string } & ({ user: string } | { team: string });

/** Each collaborator as a user or a team (`username` is Backstage's older name of `user`); a 422 naming one that is neither or both. */
function collaboratorsOf(collaborators: NonNullable<Static<typeof repositorySettings>['collaborators']>): Collaborator[] {
  return collaborators.map(({ access, team, ...rest }, index) => {
    const user = rest.user ?? rest.username;
    if (user === undefined === (team === undefined)) {
      throw invalidInput(`input.collaborators[${index}] must name either a user or a team`, [{ pointer: `/collaborators/${index}`, detail: 'must name either a user or a team', rule: 'one-of' }]);
    }
    return user !== undefined ? { access, user } : { access, team: team! };
  });
}

/**
 * Gives each collaborator its access (`PUT /repos/{owner}/{repo}/collaborators/{username}`, a team through
 * `PUT /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}`); both are idempotent, so a rerun repeats them.
 */
async function grantAccess(ctx: ActionContext<unknown>, target: ProviderTarget, collaborators: Collaborator[]): Promise<void> {
  for (const collaborator of collaborators) {
    if ('user' in collaborator) await githubApi(ctx, target, 'PUT', `${repoPath(target)}/collaborators/${encodeURIComponent(collaborator.user)}`, { permission: collaborator.access });
    else await githubApi(ctx, target, 'PUT', `/orgs/${encodeURIComponent(target.owner)}/teams/${encodeURIComponent(collaborator.team)}${repoPath(target)}`, { permission: collaborator.access });
    ctx.log.info(`Gave ${'user' in collaborator ? collaborator.user : `team ${collaborator.team}`} ${collaborator.access} access`);
  }
}

/** Creates each Actions variable (`POST …/actions/variables`), or updates it when it exists (a rerun: `PATCH …/actions/variables/{name}`). */
async function setVariables(ctx: ActionContext<unknown>, target: ProviderTarget, variables: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(variables)) {
    try {
      await githubApi(ctx, target, 'POST', `${repoPath(target)}/actions/variables`, { name, value });
    } catch (error) {
      if (!isPaveError(error) || error.status !== 409) throw error;
      await githubApi(ctx, target, 'PATCH', `${repoPath(target)}/actions/variables/${encodeURIComponent(name)}`, { name, value });
    }
  }
  if (Object.keys(variables).length) ctx.log.info(`Set Actions variables ${Object.keys(variables).join(', ')}`);
}

/**
 * Protects the pushed default branch as Backstage does (one approving review, admins included, unless
 * told otherwise). A plan or token that cannot protect branches is a warning, as in Backstage: the
 * repository is there and usable.
 */
export async function protectDefaultBranch(ctx: ActionContext<unknown>, target: ProviderTarget, branch: string, input: Static<typeof protectionSettings>): Promise<void> {
  if (input.protectDefaultBranch === false) return;
  const contexts = input.requiredStatusCheckContexts ?? [];
  try {
    await githubApi(ctx, target, 'PUT', `${repoPath(target)}/branches/${encodeURIComponent(branch)}/protection`, {
      required_status_checks: contexts.length || input.requireBranchesToBeUpToDate !== undefined ? { strict: input.requireBranchesToBeUpToDate ?? true, contexts } : null,
      enforce_admins: input.protectEnforceAdmins ?? true,
      required_pull_request_reviews: {
        required_approving_review_count: input.requiredApprovingReviewCount ?? 1,
        require_code_owner_reviews: input.requireCodeOwnerReviews ?? false,
        dismiss_stale_reviews: input.dismissStaleReviews ?? false,
      },
      restrictions: null,
    });
    ctx.log.info(`Protected ${branch}`);
  } catch (error) {
    if (!isPaveError(error)) throw error;
    ctx.log.warn(`Could not protect ${branch}: ${error.message}`);
  }
}
