import { Type } from '@sinclair/typebox';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { defineAction } from './action.js';
import { ALLOWED_HOSTS_INPUT, guessedWebUrl, providerTarget, REPO_URL_INPUT, targetApi, TOKEN_INPUT, type ProviderTarget } from './provider-target.js';
import { projectPath, type GitlabProject } from './publish-gitlab.js';
import { pushReviewBranch, type OverlayMode } from './review-branch.js';
import { openMergeRequest, type ProviderApi } from './review-request.js';
import type { ActionContext } from './action.js';

const BRANCH = Type.String({ pattern: '^[A-Za-z0-9._/-]+$' });

/** Backstage's commit actions, as what each workspace file does to the repository's file. */
const MODES: Record<string, OverlayMode> = { create: 'write', update: 'write', auto: 'write', skip: 'skip-existing', delete: 'delete' };

/** GitLab user ids of user names (`GET /users?username=`), for assignees and reviewers; unknown names are warned about. */
async function userIds(ctx: ActionContext<unknown>, target: ProviderTarget, names: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const name of names) {
    const [user] = await targetApi<Array<{ id: number }>>(ctx, target, 'GET', `/users?username=${encodeURIComponent(name)}`);
    if (user) ids.push(user.id);
    else ctx.log.warn(`GitLab has no user ${name}; not assigned`);
  }
  return ids;
}

/**
 * `publish:gitlab:merge-request`: proposes the workspace's files to an existing project: a branch on top
 * of the target branch, pushed with git, and a merge request for it (`POST /projects/:id/merge_requests`).
 */
export function publishGitlabMergeRequestAction(integrations: ScmIntegrations) {
  return defineAction({
    id: 'publish:gitlab:merge-request',
    description:
      "Opens a merge request on an existing GitLab project with the workspace's files (or sourcePath) laid over the target branch at targetPath (commitAction: create, update or auto write them, skip keeps existing files, delete removes them). With update: true an existing branch is replaced; otherwise an existing branch with other content fails the step. A merge request already open from the branch into the target branch is updated and reused.",
    effect: 'external',
    input: Type.Object({
      repoUrl: REPO_URL_INPUT,
      title: Type.String(),
      description: Type.String(),
      branchName: BRANCH,
      targetBranchName: Type.Optional(BRANCH),
      sourcePath: Type.Optional(Type.String({ description: 'Folder inside the workspace; default the whole workspace' })),
      targetPath: Type.Optional(Type.String({ description: 'Where in the project the files go; default its root' })),
      commitAction: Type.Optional(Type.Union(['create', 'update', 'delete', 'auto', 'skip'].map(v => Type.Literal(v)))),
      removeSourceBranch: Type.Optional(Type.Boolean()),
      update: Type.Optional(Type.Boolean({ description: 'Replace the branch when it exists already; default false' })),
      assignee: Type.Optional(Type.String({ description: 'A GitLab user name' })),
      reviewers: Type.Optional(Type.Array(Type.String(), { description: 'GitLab user names' })),
      labels: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
      gitAuthorName: Type.Optional(Type.String()),
      gitAuthorEmail: Type.Optional(Type.String()),
      token: TOKEN_INPUT,
      allowedHosts: ALLOWED_HOSTS_INPUT,
    }),
    output: Type.Object({
      projectid: Type.String({ description: "The project's path (group/project)" }),
      projectPath: Type.String(),
      targetBranchName: Type.String(),
      mergeRequestUrl: Type.String(),
      commitHash: Type.String(),
    }),
    examples: [{ description: 'Propose a catalog file', example: "action: publish:gitlab:merge-request\ninput:\n  repoUrl: ${{ parameters.repoUrl }}\n  branchName: add-catalog-info\n  title: Add catalog-info.yaml\n  description: Registers the project in the catalog" }],
    async handler(ctx) {
      const input = ctx.input;
      const target = await providerTarget(ctx, integrations, 'gitlab', input);
      ctx.output('projectid', `${target.owner}/${target.repo}`);
      ctx.output('projectPath', `${target.owner}/${target.repo}`);
      if (ctx.dryRun) {
        ctx.output('targetBranchName', input.targetBranchName ?? 'main');
        ctx.output('mergeRequestUrl', `${guessedWebUrl(target)}/-/merge_requests`);
        ctx.output('commitHash', '');
        ctx.log.info(`Dry run: would open a merge request from ${input.branchName} on ${guessedWebUrl(target)}`);
        return;
      }
      const project = await targetApi<GitlabProject>(ctx, target, 'GET', projectPath(target));
      const api: ProviderApi = (method, path, body) => targetApi(ctx, target, method, path, body);
      const pushed = await pushReviewBranch(ctx, {
        cloneUrl: project.http_url_to_repo,
        credentials: target.credentials.git,
        ...(input.targetBranchName ? { base: input.targetBranchName } : {}),
        branch: input.branchName,
        ...(input.targetPath ? { targetPath: input.targetPath } : {}),
        message: input.title,
        mode: MODES[input.commitAction ?? 'auto']!,
        // Only on the template's word: an open merge request from the branch may be someone else's.
        ...(input.update ? { update: true } : {}),
      });
      ctx.output('targetBranchName', pushed.base);
      ctx.output('commitHash', pushed.commit ?? '');
      if (!pushed.commit) ctx.log.warn(`The files change nothing on ${pushed.base}; the merge request has no changes`);
      const assignees = input.assignee ? await userIds(ctx, target, [input.assignee]) : [];
      const reviewers = input.reviewers?.length ? await userIds(ctx, target, input.reviewers) : [];
      const request = await openMergeRequest(api, `/projects/${project.id}`, {
        source_branch: input.branchName,
        target_branch: pushed.base,
        title: input.title,
        description: input.description,
        remove_source_branch: input.removeSourceBranch ?? false,
        ...(assignees.length ? { assignee_ids: assignees } : {}),
        ...(reviewers.length ? { reviewer_ids: reviewers } : {}),
        ...(input.labels ? { labels: Array.isArray(input.labels) ? input.labels.join(',') : input.labels } : {}),
      });
      ctx.log.info(`${request.reused ? 'Updated the open' : 'Opened'} merge request ${request.url}`);
      ctx.output('mergeRequestUrl', request.url);
    },
  });
}
