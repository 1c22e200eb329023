import { Type } from '@sinclair/typebox';
import { join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { invalidInput } from '../../core/problem.js';
import type { ResourceFacts } from '../../auth/policy.js';
import { initBareRepository } from '../../git/bare-repository.js';
import { isRepositorySegment } from '../../repositories/repository-name.js';
import { isInside } from '../../core/is-inside.js';
import { defineAction, type ActionContext } from './action.js';
import { commitWorkspace, pushFirstCommit, sourceFolder } from './workspace-commit.js';
import { ANNOTATION_SOURCE_LOCATION, withSourceLocation } from './source-location.js';

/** Where `publish:git` may write and how Pave's own repositories are named. */
export interface GitPublishOptions {
  /** Folder of Pave's local repositories (`<dataDir>/git`): `local?owner=o&repo=r` is `<localRoot>/o/r.git`. */
  localRoot: string;
  /** The host name that means "Pave's local repositories" in RepoUrlPicker values (default `local`). */
  localHost?: string;
  /** The portal page of the local repository at a folder, when Pave serves one (the repository view). */
  pageUrl?: (localPath: string) => string | undefined;
}

export const DEFAULT_LOCAL_GIT_HOST = 'local';

/** A resolved push target: a URL git understands, and for local repositories the folder. */
export interface GitRemote {
  url: string;
  /** Set for repositories on this machine (always inside `localRoot`). */
  localPath?: string;
  host: string;
}

/**
 * Turns a template's `repoUrl` into a remote: RepoUrlPicker values (`host?owner=o&repo=r`; the local host
 * means Pave's own repositories folder, other hosts `https://host/o/r.git`), `http(s)://` and `ssh://`
 * URLs as they are, and `file://` URLs or absolute paths only inside `localRoot`.
 * @example resolveRemote('local?owner=acme&repo=api', { localRoot: '/data/git' }) // { url: 'file:///data/git/acme/api.git', localPath: '/data/git/acme/api.git', host: 'local' }
 */
export function resolveRemote(repoUrl: string, options: GitPublishOptions): GitRemote {
  const localHost = options.localHost ?? DEFAULT_LOCAL_GIT_HOST;
  const trimmed = repoUrl.trim();
  const local = (path: string): GitRemote => {
    const absolute = resolve(path);
    if (!isInside(options.localRoot, absolute) || absolute === options.localRoot) {
      throw invalidInput(`input.repoUrl: publish:git writes local repositories only inside ${options.localRoot}; "${repoUrl}" is outside it`, [
        { pointer: '', detail: `is outside ${options.localRoot}`, rule: 'path' },
      ]);
    }
    return { url: pathToFileURL(absolute).href, localPath: absolute, host: localHost };
  };
  if (/^(https?|ssh):\/\//i.test(trimmed)) {
    const url = new URL(trimmed);
    if (url.username || url.password) throw invalidInput('input.repoUrl must not hold credentials; pass a token as input.token (from secrets)');
    return { url: trimmed, host: url.host };
  }
  if (/^file:\/\//i.test(trimmed)) return local(fileURLToPath(trimmed));
  if (trimmed.startsWith('/')) return local(trimmed);
  if (/^[^\s/?#]+\?/.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(`https://${trimmed}`);
    } catch {
      throw invalidInput(`input.repoUrl "${repoUrl}" is not a repository location like ${localHost}?owner=o&repo=r`);
    }
    const owner = parsed.searchParams.get('owner') ?? parsed.searchParams.get('organization') ?? parsed.searchParams.get('workspace') ?? '';
    const repo = parsed.searchParams.get('repo') ?? '';
    for (const [name, value] of [['owner', owner], ['repo', repo]] as const) {
      if (!isRepositorySegment(value)) {
        throw invalidInput(`input.repoUrl: ${name} "${value}" must be letters, digits, dots, dashes or underscores (it becomes a folder name)`, [
          { pointer: '', detail: `${name} is not a safe name`, rule: 'pattern' },
        ]);
      }
    }
    if (parsed.host === localHost) return local(join(options.localRoot, owner, `${repo.replace(/\.git$/, '')}.git`));
    return { url: `https://${parsed.host}/${owner}/${repo.replace(/\.git$/, '')}.git`, host: parsed.host };
  }
  throw invalidInput(`input.repoUrl "${repoUrl}" is not a repository: use ${localHost}?owner=o&repo=r, an http(s):// or ssh:// URL, or a path inside ${options.localRoot}`);
}

/** `publish:git`: commits the workspace and pushes it as the first commit of a new repository. */
export function publishGitAction(options: GitPublishOptions) {
  return defineAction({
    id: 'publish:git',
    description:
      "Commits the workspace (or sourcePath inside it) and pushes it to a git repository: Pave's local repositories (local?owner=o&repo=r, created when missing) or any http(s)/ssh remote. For a local repository, remoteUrl is its page in the portal, and entities in the root catalog-info.yaml that do not say where their source is get backstage.io/source-location pointing there. Idempotent: a remote that already holds the same commit is not pushed again; a remote branch with other content is a conflict.",
    effect: 'external',
    input: Type.Object({
      repoUrl: Type.String({ title: 'Repository', description: 'local?owner=o&repo=r (RepoUrlPicker), or an http(s):// or ssh:// remote URL' }),
      defaultBranch: Type.Optional(Type.String({ title: 'Branch', description: 'Default main', pattern: '^[A-Za-z0-9._/-]+$' })),
      sourcePath: Type.Optional(Type.String({ title: 'Source path', description: 'Folder inside the workspace to publish; default the whole workspace' })),
      gitCommitMessage: Type.Optional(Type.String({ title: 'Commit message', description: 'Default "Initial commit"' })),
      gitAuthorName: Type.Optional(Type.String()),
      gitAuthorEmail: Type.Optional(Type.String()),
      description: Type.Optional(Type.String({ description: 'Written to the local repository description' })),
      allowedHosts: Type.Optional(Type.Array(Type.String(), { description: 'Refuse remotes on other hosts' })),
      token: Type.Optional(Type.String({ description: 'Token for an http(s) remote (take it from secrets; it is never logged)' })),
    }),
    output: Type.Object({
      remoteUrl: Type.String({ description: "Where people open the repository: a local repository's portal page, else the remote URL" }),
      cloneUrl: Type.String({ description: 'The URL git clones (file:// for a local repository)' }),
      repoContentsUrl: Type.String({ description: '<clone URL>#<branch>: what catalog:register takes' }),
      commitHash: Type.String(),
    }),
    examples: [
      {
        description: "Publish to Pave's local repositories",
        example: 'action: publish:git\ninput:\n  repoUrl: ${{ parameters.repoUrl }}\n  description: ${{ parameters.description }}',
      },
    ],
    async handler(ctx) {
      const input = ctx.input;
      const branch = input.defaultBranch ?? 'main';
      const remote = resolveRemote(input.repoUrl, options);
      if (input.allowedHosts && !input.allowedHosts.includes(remote.host)) {
        throw invalidInput(`input.repoUrl: host ${remote.host} is not in allowedHosts (${input.allowedHosts.join(', ')})`);
      }
      if (remote.localPath) await ctx.creator.authorize('repositories.repository.create', hostedRepositoryResource(options.localRoot, remote.localPath));
      await sourceFolder(ctx);
      const page = remote.localPath ? options.pageUrl?.(remote.localPath) : undefined;
      ctx.output('remoteUrl', page ?? remote.url);
      ctx.output('cloneUrl', remote.url);
      ctx.output('repoContentsUrl', `${remote.url}#${branch}`);
      if (page) await annotateSourceLocation(ctx, input.sourcePath ?? '.', page);
      if (ctx.dryRun) {
        const files = (await ctx.workspace.list(input.sourcePath ?? '.')).filter(e => e.type !== 'directory');
        ctx.output('commitHash', '');
        ctx.log.info(`Dry run: would push ${files.length} file(s) to ${remote.url} (branch ${branch})`);
        return;
      }
      const made = await commitWorkspace(ctx, branch);
      try {
        ctx.output('commitHash', made.commit);
        if (remote.localPath) await initBareRepository(remote.localPath, { branch, ...(input.description ? { description: input.description } : {}) });
        const token = input.token;
        if ((await pushFirstCommit(made, remote.url, token ? { username: 'x-access-token', password: token } : undefined)) === 'already') {
          ctx.log.info(`${remote.url} already has commit ${made.commit.slice(0, 12)} on ${branch}; not pushing again`);
          return;
        }
        ctx.log.info(`Pushed commit ${made.commit.slice(0, 12)} to ${remote.url} (branch ${branch})`);
      } finally {
        await made.dispose();
      }
    },
  });
}

/**
 * A hosted repository as the policy sees it: owned by the group (or user) its owner folder names, as the
 * repository view decides who reads it (`repositories/repository-access.ts`), so a golden path creates
 * repositories only in its creator's team's folder (or an ancestor group's, such as the organisation's).
 */
export function hostedRepositoryResource(localRoot: string, localPath: string): ResourceFacts {
  const [owner = '', ...rest] = relative(localRoot, localPath).split(sep);
  const name = rest.join('/').replace(/\.git$/, '').toLocaleLowerCase('en-US');
  const folder = owner.toLocaleLowerCase('en-US');
  return { ref: `repository:${folder}/${name}`, kind: 'repository', namespace: 'default', owners: [`group:default/${folder}`, `user:default/${folder}`] };
}

/**
 * Points the entities of the published catalog-info.yaml at the repository's portal page (the
 * workspace copy is changed, so a dry run shows it and a rerun commits the same content).
 */
async function annotateSourceLocation(ctx: ActionContext<unknown>, sourcePath: string, page: string): Promise<void> {
  const file = posix.join(sourcePath, 'catalog-info.yaml');
  if (!(await ctx.workspace.exists(file, 'input.sourcePath'))) return;
  const annotated = withSourceLocation((await ctx.workspace.readFile(file, 'input.sourcePath')).toString('utf8'), `${page}/`);
  if (annotated === undefined) return;
  await ctx.workspace.writeFile(file, annotated, { overwrite: true, what: 'input.sourcePath' });
  ctx.log.info(`Set ${ANNOTATION_SOURCE_LOCATION} to url:${page}/ in ${file}`);
}
