import { Type } from '@sinclair/typebox';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { defineAction } from './action.js';
import { createNamed, guessedWebUrl, NEW_REPOSITORY_INPUTS, providerTarget, targetApi, unlessMissing } from './provider-target.js';
import { COMMIT_INPUTS, publishToCreated, workspaceCommitOf } from './workspace-commit.js';

/** A repository as Gitea describes it (the fields Pave reads). */
interface GiteaRepository {
  clone_url: string;
  html_url: string;
  created_at?: string;
}

/**
 * `publish:gitea`: creates a Gitea repository for an organisation (`POST /api/v1/orgs/{org}/repos`) or
 * the signed-in user (`POST /api/v1/user/repos`) and pushes the workspace as its first commit.
 */
export function publishGiteaAction(integrations: ScmIntegrations) {
  return defineAction({
    id: 'publish:gitea',
    description:
      'Creates a Gitea repository (in an organisation, or for the signed-in user) and pushes the workspace (or sourcePath) as its first commit. A name already taken fails the step; a repository created but not pushed is named in the error.',
    effect: 'external',
    input: Type.Object({
      ...NEW_REPOSITORY_INPUTS,
      ...COMMIT_INPUTS,
    }),
    output: Type.Object({
      remoteUrl: Type.String({ description: "The repository's clone URL" }),
      repoContentsUrl: Type.String({ description: '<page>/src/branch/<branch>/' }),
      commitHash: Type.String(),
    }),
    async handler(ctx) {
      const input = ctx.input;
      const branch = input.defaultBranch ?? 'main';
      const target = await providerTarget(ctx, integrations, 'gitea', input);
      if (ctx.dryRun) {
        ctx.output('remoteUrl', `${guessedWebUrl(target)}.git`);
        ctx.output('repoContentsUrl', `${guessedWebUrl(target)}/src/branch/${branch}/`);
        ctx.output('commitHash', '');
        ctx.log.info(`Dry run: would create ${guessedWebUrl(target)} and push the workspace (branch ${branch})`);
        return;
      }
      const organisation = (await unlessMissing(targetApi(ctx, target, 'GET', `/orgs/${encodeURIComponent(target.owner)}`))) !== undefined;
      const repository = await createNamed(ctx, {
        create: () =>
          targetApi<GiteaRepository>(ctx, target, 'POST', organisation ? `/orgs/${encodeURIComponent(target.owner)}/repos` : '/user/repos', {
            name: target.repo,
            private: input.repoVisibility !== 'public',
            default_branch: branch,
            ...(input.description !== undefined ? { description: input.description } : {}),
          }),
        existing: () => targetApi<GiteaRepository>(ctx, target, 'GET', `/repos/${encodeURIComponent(target.owner)}/${encodeURIComponent(target.repo)}`),
        earlier: { createdAt: made => made.created_at, cloneUrl: made => made.clone_url, credentials: target.credentials.git, ownCommit: () => workspaceCommitOf(ctx, branch) },
        what: `The repository ${target.owner}/${target.repo} on ${target.host.host}`,
        url: made => made.html_url,
      });
      ctx.output('remoteUrl', repository.clone_url);
      ctx.output('repoContentsUrl', `${repository.html_url}/src/branch/${branch}/`);
      await publishToCreated(ctx, branch, { cloneUrl: repository.clone_url, webUrl: repository.html_url }, target.credentials.git);
    },
  });
}
