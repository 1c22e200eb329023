/**
 * The actions every Pave has. Those that need services (the catalog, where repositories live) are
 * made from the dependencies given here.
 */
import type { Entity } from '../../core/entity.js';
import type { EntityReader } from '../../catalog/query/entity-reader.js';
import type { LocationService } from '../../catalog/location-service.js';
import type { TemplateAction } from './action.js';
import { ActionRegistry } from './action-registry.js';
import { catalogFetchAction } from './catalog-fetch.js';
import { catalogRegisterAction } from './catalog-register.js';
import { catalogWriteAction } from './catalog-write.js';
import { debugLogAction } from './debug-log.js';
import { debugWaitAction } from './debug-wait.js';
import { fetchPlainAction } from './fetch-plain.js';
import { fetchPlainFileAction } from './fetch-plain-file.js';
import { fetchTemplateAction } from './fetch-template.js';
import { fetchTemplateFileAction } from './fetch-template-file.js';
import { fsDeleteAction } from './fs-delete.js';
import { fsRenameAction } from './fs-rename.js';
import { publishGitAction, type GitPublishOptions } from './publish-git.js';
import { publishGitBranchAction } from './publish-git-branch.js';
import { publishGithubAction } from './publish-github.js';
import { githubRepoCreateAction } from './github-repo-create.js';
import { githubRepoPushAction } from './github-repo-push.js';
import { publishGithubPullRequestAction } from './publish-github-pull-request.js';
import { publishGitlabAction } from './publish-gitlab.js';
import { publishGitlabMergeRequestAction } from './publish-gitlab-merge-request.js';
import { publishBitbucketServerAction } from './publish-bitbucket-server.js';
import { publishGiteaAction } from './publish-gitea.js';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import { paveRequestAction, type PlatformRequests } from './pave-request.js';

export interface BuiltInActionDeps {
  entities: Pick<EntityReader, 'byRefs'>;
  locations: Pick<LocationService, 'register' | 'refresh' | 'get'>;
  /** The entities a location produced (for catalog:register on an already registered location). */
  entitiesOf: (locationId: string) => Promise<Entity[]>;
  git: GitPublishOptions;
  /** The configured git providers, for the hosted publishers (publish:github, publish:gitlab, …). */
  integrations: ScmIntegrations;
  /** The platform API, for `pave:request`; without it the action is not offered. */
  platform?: PlatformRequests;
}

export function builtInActions(deps: BuiltInActionDeps): TemplateAction[] {
  return [
    fetchPlainAction,
    fetchPlainFileAction,
    fetchTemplateAction,
    fetchTemplateFileAction,
    fsRenameAction,
    fsDeleteAction,
    catalogRegisterAction(deps.locations, deps.entitiesOf, deps.git.localRoot, deps.entities),
    catalogWriteAction,
    catalogFetchAction(deps.entities),
    debugLogAction,
    debugWaitAction,
    publishGitAction(deps.git),
    publishGitBranchAction(deps.git),
    publishGithubAction(deps.integrations),
    githubRepoCreateAction(deps.integrations),
    githubRepoPushAction(deps.integrations),
    publishGithubPullRequestAction(deps.integrations),
    publishGitlabAction(deps.integrations),
    publishGitlabMergeRequestAction(deps.integrations),
    publishBitbucketServerAction(deps.integrations),
    publishGiteaAction(deps.integrations),
    ...(deps.platform ? [paveRequestAction(deps.platform)] : []),
  ] as TemplateAction[];
}

/** A registry holding the built-in actions. */
export function createActionRegistry(deps: BuiltInActionDeps): ActionRegistry {
  const registry = new ActionRegistry();
  for (const action of builtInActions(deps)) registry.register(action);
  return registry;
}
