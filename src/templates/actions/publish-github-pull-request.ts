import { Type } from '@sinclair/typebox';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { ALLOWED_HOSTS_INPUT, guessedWebUrl, REPO_URL_INPUT, TOKEN_INPUT } from './provider-target.js';
import { defineAction } from './action.js';
import { githubApi, githubTarget, repoPath, type GithubRepository } from './github-repository.js';
import { pushReviewBranch } from './review-branch.js';
import { openPullRequest } from './review-request.js';

const BRANCH = Type.String({ pattern: '^[A-Za-z0-9._/-]+$' });

/**
 * `publish:github:pull-request`: proposes the workspace's files to an existing repository: a branch on
 * top of the target branch, pushed with git, and a pull request for it (`POST /repos/{o}/{r}/pulls`).
 */
export function publishGithubPullRequestAction(integrations: ScmIntegrations) {
  return defineAction({
    id: 'publish:github:pull-request',
    description:
      "Opens a pull request on an existing GitHub repository with the workspace's files (or sourcePath) laid over the target branch at targetPath. With update: true an existing branch is replaced; otherwise an existing branch with other content fails the step. A pull request already open from the branch is updated and reused.",
    effect: 'external',
    input: Type.Object({
      repoUrl: REPO_URL_INPUT,
      branchName: BRANCH,
      targetBranchName: Type.Optional(BRANCH),
      title: Type.String(),
      description: Type.String(),
      draft: Type.Optional(Type.Boolean()),
      targetPath: Type.Optional(Type.String({ description: 'Where in the repository the files go; default its root' })),
      sourcePath: Type.Optional(Type.String({ description: 'Folder inside the workspace; default the whole workspace' })),
      commitMessage: Type.Optional(Type.String({ description: 'Default the title' })),
      reviewers: Type.Optional(Type.Array(Type.String())),
      teamReviewers: Type.Optional(Type.Array(Type.String())),
      assignees: Type.Optional(Type.Array(Type.String())),
      update: Type.Optional(Type.Boolean()),
      createWhenEmpty: Type.Optional(Type.Boolean({ description: 'Open the pull request even when the files change nothing; default true' })),
      gitAuthorName: Type.Optional(Type.String()),
      gitAuthorEmail: Type.Optional(Type.String()),
      token: TOKEN_INPUT,
      allowedHosts: ALLOWED_HOSTS_INPUT,
    }),
    output: Type.Object({
      remoteUrl: Type.String({ description: "The pull request's page" }),
      pullRequestUrl: Type.String({ description: "The pull request's page" }),
      pullRequestNumber: Type.Integer(),
      targetBranchName: Type.String(),
      commitHash: Type.String(),
    }),
    examples: [{ description: 'Propose a catalog file', example: 'action: publish:github:pull-request\ninput:\n  repoUrl: github.com?owner=acme&repo=catalog\n  branchName: add-${{ parameters.name }}\n  title: Add ${{ parameters.name }}\n  description: Registers ${{ parameters.name }}' }],
    async handler(ctx) {
      const input = ctx.input;
      const target = await githubTarget(ctx, integrations, input);
      if (ctx.dryRun) {
        const url = `${guessedWebUrl(target)}/pulls`;
        for (const [name, value] of [['remoteUrl', url], ['pullRequestUrl', url], ['pullRequestNumber', 0], ['targetBranchName', input.targetBranchName ?? 'main'], ['commitHash', '']] as const) ctx.output(name, value);
        ctx.log.info(`Dry run: would open a pull request from ${input.branchName} on ${guessedWebUrl(target)}`);
        return;
      }
      const repository = await githubApi<GithubRepository>(ctx, target, 'GET', repoPath(target));
      const pushed = await pushReviewBranch(ctx, {
        cloneUrl: repository.clone_url,
        credentials: target.credentials.git,
        ...(input.targetBranchName ? { base: input.targetBranchName } : {}),
        branch: input.branchName,
        ...(input.targetPath ? { targetPath: input.targetPath } : {}),
        message: input.commitMessage ?? input.title,
        ...(input.update ? { update: true } : {}),
      });
      ctx.output('targetBranchName', pushed.base);
      ctx.output('commitHash', pushed.commit ?? '');
      if (!pushed.commit && input.createWhenEmpty === false) {
        ctx.log.info('The files change nothing; no pull request opened (createWhenEmpty: false)');
        return;
      }
      if (!pushed.commit) ctx.log.warn(`The files change nothing on ${pushed.base}; the pull request has no changes`);
      // An open pull request from the branch (updated above, or the very same commit again) is reused, as GitHub's 422 says.
      const opened = await openPullRequest((method, path, body) => githubApi(ctx, target, method, path, body), repoPath(target), target.owner, {
        title: input.title,
        body: input.description,
        head: input.branchName,
        base: pushed.base,
        draft: input.draft ?? false,
      });
      const pull = { number: opened.number, html_url: opened.url };
      if (input.reviewers?.length || input.teamReviewers?.length) {
        await githubApi(ctx, target, 'POST', `${repoPath(target)}/pulls/${pull.number}/requested_reviewers`, { reviewers: input.reviewers ?? [], team_reviewers: input.teamReviewers ?? [] });
      }
      if (input.assignees?.length) await githubApi(ctx, target, 'POST', `${repoPath(target)}/issues/${pull.number}/assignees`, { assignees: input.assignees });
      ctx.log.info(`${opened.reused ? 'Updated the open' : 'Opened'} pull request ${pull.html_url}`);
      ctx.output('remoteUrl', pull.html_url);
      ctx.output('pullRequestUrl', pull.html_url);
      ctx.output('pullRequestNumber', pull.number);
    },
  });
}
