import { Type } from '@sinclair/typebox';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { ALLOWED_HOSTS_INPUT, REPO_URL_INPUT, TOKEN_INPUT } from './provider-target.js';
import { defineAction } from './action.js';
import { GITHUB_PROTECTION_INPUTS, githubApi, githubTarget, repoPath, type GithubRepository } from './github-repository.js';
import { PUBLISHED_OUTPUT, pushGithubRepository } from './publish-github.js';
import { COMMIT_INPUTS } from './workspace-commit.js';

/** `github:repo:push`: pushes the workspace as the first commit of an existing (empty) GitHub repository. */
export function githubRepoPushAction(integrations: ScmIntegrations) {
  return defineAction({
    id: 'github:repo:push',
    description: 'Pushes the workspace (or sourcePath) as the first commit of an existing, empty GitHub repository (what github:repo:create made) and protects the default branch. A branch with other content fails the step.',
    effect: 'external',
    input: Type.Object({ repoUrl: REPO_URL_INPUT, token: TOKEN_INPUT, allowedHosts: ALLOWED_HOSTS_INPUT, ...GITHUB_PROTECTION_INPUTS, ...COMMIT_INPUTS }),
    output: PUBLISHED_OUTPUT,
    async handler(ctx) {
      const target = await githubTarget(ctx, integrations, ctx.input);
      const repository = ctx.dryRun ? undefined : await githubApi<GithubRepository>(ctx, target, 'GET', repoPath(target));
      await pushGithubRepository(ctx, target, repository);
    },
  });
}
