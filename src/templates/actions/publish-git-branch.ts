import { Type } from '@sinclair/typebox';
import { lstat } from 'node:fs/promises';
import { invalidInput } from '../../core/problem.js';
import { defineAction } from './action.js';
import { hostedRepositoryResource, resolveRemote, type GitPublishOptions } from './publish-git.js';
import { pushReviewBranch } from './review-branch.js';
import { COMMIT_INPUTS } from './workspace-commit.js';

const BRANCH = Type.String({ pattern: '^[A-Za-z0-9._/-]+$' });

/**
 * `publish:git:branch`: proposes the workspace's files to an existing repository Pave hosts, as a review branch
 * on top of its default branch (Pave's hosted repositories have no pull requests: the branch is the proposal,
 * seen and merged from the repository's page). What a scorecard rule's one-click fix does, e.g. adding a
 * CODEOWNERS file. Pushing needs what creating a repository in its folder needs (its owner group's members).
 */
export function publishGitBranchAction(options: GitPublishOptions) {
  return defineAction({
    id: 'publish:git:branch',
    description:
      "Pushes the workspace's files (or sourcePath) as a new branch of an existing repository Pave hosts (local?owner=o&repo=r), on top of its default branch at targetPath: files added or replaced, nothing else removed. With skipExisting: true a file the repository already has is left as it is. An existing branch with other content fails the step unless update: true.",
    effect: 'external',
    input: Type.Object({
      repoUrl: Type.String({ title: 'Repository', description: "One of Pave's hosted repositories: local?owner=o&repo=r" }),
      branchName: BRANCH,
      targetPath: Type.Optional(Type.String({ description: 'Where in the repository the files go; default its root' })),
      skipExisting: Type.Optional(Type.Boolean({ description: 'Leave files the repository already has as they are' })),
      update: Type.Optional(Type.Boolean({ description: 'Replace the branch when it exists already' })),
      ...COMMIT_INPUTS,
    }),
    output: Type.Object({
      remoteUrl: Type.String({ description: "The branch's page in the portal" }),
      branchName: Type.String(),
      baseBranchName: Type.String(),
      commitHash: Type.String({ description: 'Empty when the files change nothing (no branch is pushed then)' }),
    }),
    examples: [{ description: 'Propose a CODEOWNERS file', example: 'action: publish:git:branch\ninput:\n  repoUrl: local?owner=acme&repo=shop\n  branchName: pave/add-codeowners\n  gitCommitMessage: Add CODEOWNERS' }],
    async handler(ctx) {
      const input = ctx.input;
      const remote = resolveRemote(input.repoUrl, options);
      if (!remote.localPath) throw invalidInput(`input.repoUrl: publish:git:branch proposes to Pave's hosted repositories only (local?owner=o&repo=r); "${input.repoUrl}" is not one`, [{ pointer: '', detail: 'is not a hosted repository', rule: 'hosted' }]);
      if (!(await lstat(remote.localPath).catch(() => undefined))?.isDirectory()) throw invalidInput(`input.repoUrl: no hosted repository ${input.repoUrl}`, [{ pointer: '', detail: 'no such hosted repository', rule: 'exists' }]);
      await ctx.creator.authorize('repositories.repository.create', hostedRepositoryResource(options.localRoot, remote.localPath));
      const page = options.pageUrl?.(remote.localPath);
      const branchPage = page ? `${page}?ref=${encodeURIComponent(input.branchName)}` : remote.url;
      ctx.output('remoteUrl', branchPage);
      ctx.output('branchName', input.branchName);
      if (ctx.dryRun) {
        ctx.output('baseBranchName', '');
        ctx.output('commitHash', '');
        ctx.log.info(`Dry run: would push branch ${input.branchName} to ${page ?? remote.url}`);
        return;
      }
      const pushed = await pushReviewBranch(ctx, {
        cloneUrl: remote.url,
        credentials: undefined,
        branch: input.branchName,
        ...(input.targetPath ? { targetPath: input.targetPath } : {}),
        message: input.gitCommitMessage ?? `Proposed by ${ctx.task.templateRef}`,
        ...(input.update ? { update: true } : {}),
        ...(input.skipExisting ? { mode: 'skip-existing' as const } : {}),
      });
      ctx.output('baseBranchName', pushed.base);
      ctx.output('commitHash', pushed.commit ?? '');
      ctx.log.info(pushed.commit ? `Pushed branch ${input.branchName} (${pushed.commit.slice(0, 12)}) on top of ${pushed.base}: ${branchPage}` : `The files change nothing on ${pushed.base}; no branch pushed`);
    },
  });
}
