import { Type, type Static } from '@sinclair/typebox';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { guessedWebUrl, type ProviderTarget } from './provider-target.js';
import { defineAction, type ActionContext } from './action.js';
import {
  createGithubRepository,
  GITHUB_PROTECTION_INPUTS,
  GITHUB_REPOSITORY_INPUTS,
  githubTarget,
  protectDefaultBranch,
  type GithubRepository,
} from './github-repository.js';
import { COMMIT_INPUTS, publishToCreated, workspaceCommitOf } from './workspace-commit.js';

const pushInputs = Type.Object({ ...GITHUB_PROTECTION_INPUTS, ...COMMIT_INPUTS });

export const PUBLISHED_OUTPUT = Type.Object({
  remoteUrl: Type.String({ description: "The repository's clone URL" }),
  repoContentsUrl: Type.String({ description: '<web URL>/blob/<branch>: what catalog:register takes' }),
  commitHash: Type.String(),
});

/**
 * Commits the workspace, pushes it as the repository's first commit and protects the default branch;
 * outputs what Backstage's GitHub publishers do. A dry run only says what it would push where.
 */
export async function pushGithubRepository(ctx: ActionContext<Static<typeof pushInputs>>, target: ProviderTarget, repository: GithubRepository | undefined): Promise<void> {
  const branch = ctx.input.defaultBranch ?? 'main';
  const web = repository?.html_url ?? guessedWebUrl(target);
  ctx.output('remoteUrl', repository?.clone_url ?? `${web}.git`);
  ctx.output('repoContentsUrl', `${web}/blob/${branch}`);
  if (!repository) {
    ctx.output('commitHash', '');
    ctx.log.info(`Dry run: would push the workspace to ${web} (branch ${branch})`);
    return;
  }
  await publishToCreated(ctx, branch, { cloneUrl: repository.clone_url, webUrl: web }, target.credentials.git);
  await protectDefaultBranch(ctx, target, branch, ctx.input);
}

/** `publish:github`: creates a GitHub repository and pushes the workspace to it (github:repo:create + github:repo:push). */
export function publishGithubAction(integrations: ScmIntegrations) {
  return defineAction({
    id: 'publish:github',
    description:
      'Creates a GitHub repository (in an organisation, or for the signed-in user) with the settings given, pushes the workspace (or sourcePath) as its first commit and protects the default branch. A name already taken fails the step; a repository created but not pushed is named in the error.',
    effect: 'external',
    input: Type.Object({ ...GITHUB_REPOSITORY_INPUTS, ...GITHUB_PROTECTION_INPUTS, ...COMMIT_INPUTS }),
    output: PUBLISHED_OUTPUT,
    examples: [{ description: 'Publish to GitHub', example: 'action: publish:github\ninput:\n  repoUrl: ${{ parameters.repoUrl }}\n  description: ${{ parameters.description }}\n  repoVisibility: private' }],
    async handler(ctx) {
      const target = await githubTarget(ctx, integrations, ctx.input);
      const repository = ctx.dryRun ? undefined : await createGithubRepository(ctx, target, ctx.input, () => workspaceCommitOf(ctx, ctx.input.defaultBranch ?? 'main'));
      await pushGithubRepository(ctx, target, repository);
    },
  });
}
