import { Type } from '@sinclair/typebox';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { defineAction } from './action.js';
import { createNamed, NEW_REPOSITORY_INPUTS, providerTarget, targetApi } from './provider-target.js';
import { COMMIT_INPUTS, publishToCreated, workspaceCommitOf } from './workspace-commit.js';

/** A repository as Bitbucket Server's REST API 1.0 describes it (the fields Pave reads). */
interface BitbucketRepository {
  slug: string;
  links: { self?: Array<{ href: string }>; clone?: Array<{ href: string; name: string }> };
}

/**
 * `publish:bitbucketServer`: creates a repository in a Bitbucket Server (Data Center) project
 * (`POST /rest/api/1.0/projects/{key}/repos`) and pushes the workspace as its first commit.
 */
export function publishBitbucketServerAction(integrations: ScmIntegrations) {
  return defineAction({
    id: 'publish:bitbucketServer',
    description:
      'Creates a repository in the Bitbucket Server project repoUrl names (host?project=KEY&repo=r) and pushes the workspace (or sourcePath) as its first commit. A name already taken fails the step; a repository created but not pushed is named in the error.',
    effect: 'external',
    input: Type.Object({
      ...NEW_REPOSITORY_INPUTS,
      ...COMMIT_INPUTS,
    }),
    output: Type.Object({
      remoteUrl: Type.String({ description: "The repository's HTTP clone URL" }),
      repoContentsUrl: Type.String({ description: "The repository's browse page" }),
      commitHash: Type.String(),
    }),
    async handler(ctx) {
      const input = ctx.input;
      const branch = input.defaultBranch ?? 'main';
      const target = await providerTarget(ctx, integrations, 'bitbucketServer', input, 'project');
      const browse = `https://${target.host.host}/projects/${target.owner}/repos/${target.repo}/browse`;
      if (ctx.dryRun) {
        ctx.output('remoteUrl', `https://${target.host.host}/scm/${target.owner.toLowerCase()}/${target.repo}.git`);
        ctx.output('repoContentsUrl', browse);
        ctx.output('commitHash', '');
        ctx.log.info(`Dry run: would create ${browse} and push the workspace (branch ${branch})`);
        return;
      }
      const webUrlOf = (made: BitbucketRepository) => made.links.self?.[0]?.href ?? browse;
      const cloneUrlOf = (made: BitbucketRepository) => made.links.clone?.find(link => link.name === 'http')?.href ?? '';
      const repository = await createNamed(ctx, {
        create: () =>
          targetApi<BitbucketRepository>(ctx, target, 'POST', `/projects/${encodeURIComponent(target.owner)}/repos`, {
            name: target.repo,
            public: input.repoVisibility === 'public',
            defaultBranch: branch,
            ...(input.description !== undefined ? { description: input.description } : {}),
          }),
        // Bitbucket Server makes the slug from the name (lower case, spaces as dashes); Pave's names have no spaces.
        existing: () => targetApi<BitbucketRepository>(ctx, target, 'GET', `/projects/${encodeURIComponent(target.owner)}/repos/${encodeURIComponent(target.repo.toLowerCase())}`),
        // Bitbucket Server's repository says nothing of when it was made: only what it holds tells.
        earlier: { createdAt: () => undefined, cloneUrl: cloneUrlOf, credentials: target.credentials.git, ownCommit: () => workspaceCommitOf(ctx, branch) },
        what: `The repository ${target.repo} in project ${target.owner} on ${target.host.host}`,
        url: webUrlOf,
      });
      const cloneUrl = cloneUrlOf(repository);
      const webUrl = webUrlOf(repository);
      ctx.output('remoteUrl', cloneUrl);
      ctx.output('repoContentsUrl', webUrl);
      await publishToCreated(ctx, branch, { cloneUrl, webUrl }, target.credentials.git);
    },
  });
}
