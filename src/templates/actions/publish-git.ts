import { Type } from '@sinclair/typebox';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { conflict, invalidInput } from '../../core/problem.js';
import type { ResourceFacts } from '../../auth/policy.js';
import { initBareRepository } from '../../git/bare-repository.js';
import { commit, type GitIdentity } from '../../git/commit.js';
import { runGit } from '../../git/run-git.js';
import { isRepositorySegment } from '../../repositories/repository-name.js';
import { isInside } from '../workspace/safe-path.js';
import { defineAction, type ActionContext } from './action.js';
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
      const source = await ctx.workspace.resolveSafe(input.sourcePath ?? '.', 'input.sourcePath');
      if (!(await stat(source).catch(() => undefined))?.isDirectory()) throw invalidInput(`input.sourcePath "${input.sourcePath}" is not a folder in the workspace`);
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
      const identity = committer(input, ctx.task.createdAt);
      const gitDir = await mkdtemp(join(tmpdir(), 'pave-publish-'));
      try {
        const git = (args: string[]) => runGit(['--git-dir', gitDir, ...args], { env: tokenEnv(input.token), timeoutMs: 120_000 });
        await initBareRepository(gitDir, { branch });
        const message = input.gitCommitMessage ?? 'Initial commit';
        // allowEmpty: there is always a commit, an empty workspace included.
        const made = (await commit(source, { gitDir, message, allowEmpty: true, author: identity, committer: identity, timeoutMs: 120_000 }))!;
        ctx.output('commitHash', made);
        if (remote.localPath) await initBareRepository(remote.localPath, { branch, ...(input.description ? { description: input.description } : {}) });
        const existing = (await git(['ls-remote', '--heads', '--', remote.url, `refs/heads/${branch}`])).stdout.trim().split(/\s+/)[0] ?? '';
        if (existing === made) {
          ctx.log.info(`${remote.url} already has commit ${made.slice(0, 12)} on ${branch}; not pushing again`);
          return;
        }
        if (existing) {
          throw conflict(`${remote.url} already has a ${branch} branch (at ${existing.slice(0, 12)}) with other content; publish:git only creates new repositories`);
        }
        await git(['push', '--quiet', '--', remote.url, `HEAD:refs/heads/${branch}`]);
        ctx.log.info(`Pushed commit ${made.slice(0, 12)} to ${remote.url} (branch ${branch})`);
      } finally {
        await rm(gitDir, { recursive: true, force: true });
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

/**
 * A fixed author and date (the task's creation time) make the commit of one task's workspace the same
 * on every run, so a resumed task recognises its own earlier push.
 */
function committer(input: { gitAuthorName?: string; gitAuthorEmail?: string }, createdAt: string): GitIdentity {
  return { name: input.gitAuthorName ?? 'Pave Scaffolder', email: input.gitAuthorEmail ?? 'scaffolder@pave.local', date: createdAt };
}

/** The token goes into an HTTP header through GIT_CONFIG_* variables, never onto a command line or into a URL. */
function tokenEnv(token: string | undefined): NodeJS.ProcessEnv {
  if (!token) return {};
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` };
}
