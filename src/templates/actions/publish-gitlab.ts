import { Type } from '@sinclair/typebox';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { defineAction } from './action.js';
import { createNamed, guessedWebUrl, NEW_REPOSITORY_INPUTS, providerTarget, targetApi, unlessMissing } from './provider-target.js';
import { COMMIT_INPUTS, publishToCreated, settleCreated, workspaceCommitOf } from './workspace-commit.js';
import { checkProjectVariables, GITLAB_BRANCHES_INPUT, GITLAB_SETTINGS_INPUT, GITLAB_VARIABLES_INPUT, setProjectVariables, setUpBranches } from './gitlab-project-settings.js';

/** A project as GitLab describes it (the fields Pave reads). */
export interface GitlabProject {
  id: number;
  web_url: string;
  http_url_to_repo: string;
  path_with_namespace: string;
  default_branch?: string | null;
  created_at?: string;
}

/** `/projects/<group%2Fproject>`: a project addressed by its path (GitLab's documented form). */
export function projectPath(target: { owner: string; repo: string }): string {
  return `/projects/${encodeURIComponent(`${target.owner}/${target.repo}`)}`;
}

/**
 * `publish:gitlab`: creates a GitLab project in a group or a user's namespace (`POST /projects`, with its
 * `settings`), pushes the workspace as its first commit, then sets up its `branches` and `projectVariables`
 * (`gitlab-project-settings.ts`).
 */
export function publishGitlabAction(integrations: ScmIntegrations) {
  return defineAction({
    id: 'publish:gitlab',
    description:
      'Creates a GitLab project in the group (or user namespace) repoUrl names, with its settings, and pushes the workspace (or sourcePath) as its first commit; then creates and protects the branches asked for and sets the project variables. A path already taken fails the step, unless skipExisting is set (then nothing is pushed); a project created whose push or set-up then failed is named in the error.',
    effect: 'external',
    input: Type.Object({
      ...NEW_REPOSITORY_INPUTS,
      topics: Type.Optional(Type.Array(Type.String())),
      settings: GITLAB_SETTINGS_INPUT,
      branches: GITLAB_BRANCHES_INPUT,
      projectVariables: GITLAB_VARIABLES_INPUT,
      skipExisting: Type.Optional(Type.Boolean({ description: 'An existing project is used as it is (nothing pushed) instead of failing the step' })),
      ...COMMIT_INPUTS,
    }),
    output: Type.Object({
      remoteUrl: Type.String({ description: "The project's page" }),
      repoContentsUrl: Type.String({ description: '<project page>/-/blob/<branch>: what catalog:register takes' }),
      projectId: Type.Integer(),
      commitHash: Type.String(),
      created: Type.Boolean(),
    }),
    examples: [{ description: 'Publish to GitLab', example: 'action: publish:gitlab\ninput:\n  repoUrl: ${{ parameters.repoUrl }}\n  repoVisibility: internal' }],
    async handler(ctx) {
      const input = ctx.input;
      const branch = input.defaultBranch ?? 'main';
      const target = await providerTarget(ctx, integrations, 'gitlab', input);
      const outputs = (project: { web_url: string; id: number }, created: boolean) => {
        ctx.output('remoteUrl', project.web_url);
        ctx.output('repoContentsUrl', `${project.web_url}/-/blob/${branch}`);
        ctx.output('projectId', project.id);
        ctx.output('created', created);
      };
      if (ctx.dryRun) {
        outputs({ web_url: guessedWebUrl(target), id: 0 }, true);
        ctx.output('commitHash', '');
        ctx.log.info(`Dry run: would create ${guessedWebUrl(target)} and push the workspace (branch ${branch})`);
        return;
      }
      // The project is created at settings.path when one is given (GitLab's URL slug), so it is looked for there too.
      const { path = target.repo, ...settings } = input.settings ?? {};
      const at = projectPath({ owner: target.owner, repo: path });
      if (input.skipExisting) {
        const existing = await unlessMissing(targetApi<GitlabProject>(ctx, target, 'GET', at));
        if (existing) {
          outputs(existing, false);
          ctx.output('commitHash', '');
          ctx.log.info(`${existing.web_url} exists already; skipExisting, so nothing is pushed`);
          return;
        }
      }
      // Checked before anything is created: GitLab would refuse these only once the project exists.
      checkProjectVariables(input.projectVariables ?? []);
      const namespace = await targetApi<{ id: number }>(ctx, target, 'GET', `/namespaces/${encodeURIComponent(target.owner)}`);
      const project = await createNamed(ctx, {
        create: () =>
          targetApi<GitlabProject>(ctx, target, 'POST', '/projects', {
            name: target.repo,
            path,
            namespace_id: namespace.id,
            visibility: input.repoVisibility ?? 'private',
            ...(input.description !== undefined ? { description: input.description } : {}),
            ...(input.topics?.length ? { topics: input.topics } : {}),
            // Backstage's `settings` win over the older inputs (repoVisibility, description, topics) they replace.
            ...settings,
          }),
        existing: () => targetApi<GitlabProject>(ctx, target, 'GET', at),
        earlier: { createdAt: made => made.created_at, cloneUrl: made => made.http_url_to_repo, credentials: target.credentials.git, ownCommit: () => workspaceCommitOf(ctx, branch) },
        what: `The project ${target.owner}/${path} on ${target.host.host}`,
        url: made => made.web_url,
        hint: 'choose another name, or set skipExisting',
      });
      outputs(project, true);
      await publishToCreated(ctx, branch, { cloneUrl: project.http_url_to_repo, webUrl: project.web_url }, target.credentials.git);
      await settleCreated(ctx, project.web_url, 'setting up its branches and variables', 'set them up by hand', async () => {
        await setUpBranches(ctx, target, project.id, branch, input.branches ?? []);
        await setProjectVariables(ctx, target, project.id, input.projectVariables ?? []);
      });
    },
  });
}
