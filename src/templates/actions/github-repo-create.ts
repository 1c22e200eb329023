import { Type } from '@sinclair/typebox';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { guessedWebUrl } from './provider-target.js';
import { defineAction } from './action.js';
import { createGithubRepository, GITHUB_REPOSITORY_INPUTS, githubTarget } from './github-repository.js';

/** `github:repo:create`: creates an empty GitHub repository (push to it with github:repo:push). */
export function githubRepoCreateAction(integrations: ScmIntegrations) {
  return defineAction({
    id: 'github:repo:create',
    description: 'Creates an empty GitHub repository with the settings given; github:repo:push fills it. A name already taken fails the step.',
    effect: 'external',
    input: Type.Object(GITHUB_REPOSITORY_INPUTS),
    output: Type.Object({ remoteUrl: Type.String({ description: "The repository's clone URL" }) }),
    async handler(ctx) {
      const target = await githubTarget(ctx, integrations, ctx.input);
      if (ctx.dryRun) {
        ctx.output('remoteUrl', `${guessedWebUrl(target)}.git`);
        ctx.log.info(`Dry run: would create ${guessedWebUrl(target)}`);
        return;
      }
      ctx.output('remoteUrl', (await createGithubRepository(ctx, target, ctx.input)).clone_url);
    },
  });
}
