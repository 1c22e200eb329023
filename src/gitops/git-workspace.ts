import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { GitError, runGit } from '../core/run-git.js';

/** One file a delivery added, changed or removed, relative to the repository root. */
export interface FileChange {
  path: string;
  change: 'added' | 'modified' | 'deleted';
}

/**
 * What one delivery wants a folder of the repository to hold. The folder is owned exclusively: files in
 * it that `files` does not list are removed, and `files: null` removes the folder. `extra` sets (or, with
 * null, removes) single files elsewhere, such as the ownership index.
 */
export interface FolderWrite {
  folder: string;
  /** Contents keyed by path relative to `folder`; null removes the whole folder. */
  files: ReadonlyMap<string, string> | null;
  extra?: ReadonlyMap<string, string | null>;
}

export interface DeliveryResult {
  /** The commit this delivery pushed; undefined when the branch already held exactly this content. */
  commit?: string;
  /** The newest commit of the branch touching the folder (the one holding the content now), when any. */
  contentCommit?: string;
  /** What changed, as seen before committing (empty when nothing did). */
  diff: FileChange[];
  /** Push attempts made (more than one when another writer got there first and we rebased). */
  pushAttempts: number;
}

/** The push was refused for a reason other than a concurrent writer (or kept losing the race); retry later. */
export class PushFailedError extends Error {
  constructor(message: string, readonly attempts: number) {
    super(message);
    this.name = 'PushFailedError';
  }
}

export interface GitWorkspaceOptions {
  /** Folder under which working copies are kept (one sub-folder per repository and branch). */
  root: string;
  url: string;
  branch: string;
  /** Push attempts before giving up when other writers keep moving the branch. Default 10. */
  pushAttempts?: number;
  /** Time limit of each git command. Default 60 s. */
  timeoutMs?: number;
}

const CONFLICT = /\(fetch first\)|\(non-fast-forward\)|cannot lock ref|failed to update ref|incorrect old value|reference already exists|stale info/i;
const MISSING_BRANCH = /couldn't find remote ref|could not find remote ref/i;

/**
 * A working copy of one branch of a destination repository, used to write folders and push them.
 * Every delivery starts from the remote branch as it is now (fetch + hard reset), so a working copy left
 * behind by a killed process (lock files, a half-done rebase, stray files) is repaired, and content is
 * compared with the truth, not with what this process last wrote. Commits are made only when content
 * changed; a rejected push is retried by fetching and rebasing.
 *
 * Several processes may share one data folder: each holds its own working-copy slot, claimed with a lock
 * file naming its host and pid (a dead owner's slot is taken over). Within a process, deliveries to one
 * workspace run one at a time.
 *
 * @example
 *   const ws = new GitWorkspace({ root: '.pave/gitops', url: 'file:///srv/dev.git', branch: 'main' });
 *   await ws.deliver({ folder: 'team-a/postgresql/db', files: new Map([['cluster.yaml', '…']]) }, 'pave: configure team-a/db');
 */
export class GitWorkspace {
  readonly url: string;
  readonly branch: string;
  readonly #base: string;
  readonly #pushAttempts: number;
  readonly #timeoutMs: number;
  #dir: string | undefined;
  #lockFile: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #needsRepair = true;
  /** The remote branch's head as this process last saw it ('' when the remote has no such branch). */
  #knownRemote = '';

  constructor(options: GitWorkspaceOptions) {
    this.url = options.url;
    this.branch = options.branch;
    this.#base = join(options.root, createHash('sha256').update(`${options.url}#${options.branch}`).digest('hex').slice(0, 16));
    this.#pushAttempts = options.pushAttempts ?? 10;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Writes one folder (and its extra files) in one commit, pushed to the branch; no commit when nothing changed. */
  deliver(write: FolderWrite, message: string): Promise<DeliveryResult> {
    return this.#exclusive(() => this.#deliver(write, message));
  }

  /** Reads a folder of the remote branch as it is now (relative paths → content). */
  readFolder(folder: string): Promise<Map<string, string>> {
    return this.#exclusive(async () => {
      const dir = await this.#prepare();
      await this.#sync(dir);
      return readTree(join(dir, folder));
    });
  }

  /** Releases this process's working-copy slot. */
  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    if (this.#lockFile) await rm(this.#lockFile, { force: true });
    this.#lockFile = undefined;
    this.#dir = undefined;
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work, work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /**
   * The working copy holds the branch as this process last saw it (after its own push or a fetch). A
   * change is committed on top of it and pushed; if the branch moved meanwhile the push is refused and we
   * fetch and rebase. When the write changes nothing locally, one cheap look at the remote's head confirms
   * the branch has not moved (else we fetch and compare again): content is always compared with the truth.
   */
  async #deliver(write: FolderWrite, message: string): Promise<DeliveryResult> {
    try {
      const dir = await this.#prepare();
      let diff = await applyWrite(dir, write);
      if (diff.length === 0) {
        if ((await this.#remoteHead(dir)) === this.#knownRemote) return { diff, contentCommit: await this.#lastCommitTouching(dir, write.folder), pushAttempts: 0 };
        await this.#sync(dir);
        diff = await applyWrite(dir, write);
        if (diff.length === 0) return { diff, contentCommit: await this.#lastCommitTouching(dir, write.folder), pushAttempts: 0 };
      }
      await this.#commit(dir, message);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.#git(dir, ['push', '-q', 'origin', `HEAD:refs/heads/${this.branch}`]);
          const commit = await this.#head(dir);
          this.#knownRemote = commit;
          return { commit, contentCommit: commit, diff, pushAttempts: attempt };
        } catch (error) {
          const conflict = error instanceof GitError && CONFLICT.test(error.stderr);
          if (!conflict || attempt >= this.#pushAttempts) throw new PushFailedError(`push to ${this.url} (${this.branch}) failed after ${attempt} attempt(s): ${describeGitError(error)}`, attempt);
          // Someone else moved the branch: replay our commit on top of theirs, then make sure the folder
          // holds exactly what we want (their commit may have touched it too). A short random pause first
          // keeps two busy writers from colliding in step.
          await new Promise(resolve => setTimeout(resolve, Math.random() * 80 * attempt));
          const remoteExists = await this.#fetch(dir);
          const rebased = remoteExists && (await this.#tryRebase(dir));
          if (!rebased) await this.#resetToRemote(dir, remoteExists);
          const more = await applyWrite(dir, write);
          const ahead = rebased ? (await this.#git(dir, ['rev-list', '--count', `origin/${this.branch}..HEAD`])).trim() !== '0' : false;
          if (!ahead && more.length === 0) {
            // The other writer had already committed exactly this content; the rebase dropped ours.
            return { diff: [], contentCommit: await this.#lastCommitTouching(dir, write.folder), pushAttempts: attempt };
          }
          if (more.length) await this.#commit(dir, message, ahead);
          if (!rebased) diff = more;
        }
      }
    } catch (error) {
      // Whatever happened, start the next delivery from the remote's state.
      this.#needsRepair = true;
      if (error instanceof PushFailedError) throw error;
      throw new PushFailedError(`writing to ${this.url} (${this.branch}) failed: ${describeGitError(error)}`, 0);
    }
  }

  async #commit(dir: string, message: string, amend = false): Promise<void> {
    await this.#git(dir, ['add', '-A']);
    await this.#git(dir, ['-c', 'commit.gpgsign=false', 'commit', '-q', '--no-verify', ...(amend ? ['--amend', '--no-edit'] : ['-m', message])]);
  }

  /** The commit HEAD points at (read from the ref file when loose, else from git). */
  async #head(dir: string): Promise<string> {
    const loose = await readFile(join(dir, '.git', 'refs', 'heads', ...this.branch.split('/')), 'utf8').catch(() => '');
    if (/^[0-9a-f]{40,64}\s*$/.test(loose)) return loose.trim();
    return (await this.#git(dir, ['rev-parse', 'HEAD'])).trim();
  }

  /** The remote branch's head as the remote says now (empty when it has no such branch). */
  async #remoteHead(dir: string): Promise<string> {
    const out = await this.#git(dir, ['ls-remote', 'origin', `refs/heads/${this.branch}`]);
    return out.split(/\s/)[0] ?? '';
  }

  /**
   * Claims a slot; the first time (and after any failure) repairs it and brings it to the remote's state.
   * A working copy too damaged to repair (e.g. a process killed while creating it) is made anew.
   */
  async #prepare(): Promise<string> {
    const dir = await this.#claimSlot();
    if (!this.#needsRepair && existsSync(join(dir, '.git'))) return dir;
    try {
      await this.#initialise(dir);
    } catch (error) {
      if (error instanceof PushFailedError) throw error; // the remote is unreachable: re-creating would not help
      await rm(dir, { recursive: true, force: true });
      await this.#initialise(dir);
    }
    this.#needsRepair = false;
    return dir;
  }

  async #initialise(dir: string): Promise<void> {
    if (!existsSync(join(dir, '.git'))) {
      await mkdir(dir, { recursive: true });
      await this.#git(dir, ['init', '-q', '-b', this.branch]);
      // A scratch copy: no background maintenance after commits.
      await this.#git(dir, ['config', 'gc.auto', '0']);
      await this.#git(dir, ['config', 'maintenance.auto', 'false']);
    }
    await this.#repair(dir);
    await this.#sync(dir);
    await this.#git(dir, ['clean', '-fdxq']);
  }

  /** Fetches and resets the working copy to the remote branch. */
  async #sync(dir: string): Promise<void> {
    const remoteExists = await this.#fetch(dir);
    await this.#resetToRemote(dir, remoteExists);
  }

  /** Undoes what a killed process may have left: lock files and a half-done rebase. */
  async #repair(dir: string): Promise<void> {
    const gitDir = join(dir, '.git');
    for (const lock of ['index.lock', 'HEAD.lock', 'ORIG_HEAD.lock', 'packed-refs.lock', 'shallow.lock', 'config.lock']) {
      await rm(join(gitDir, lock), { force: true });
    }
    await rm(join(gitDir, 'refs', 'heads', `${this.branch}.lock`), { force: true });
    await rm(join(gitDir, 'refs', 'remotes', 'origin', `${this.branch}.lock`), { force: true });
    await rm(join(gitDir, 'rebase-merge'), { recursive: true, force: true });
    await rm(join(gitDir, 'rebase-apply'), { recursive: true, force: true });
    // `git config` works whether or not a killed process got as far as adding the remote.
    await this.#git(dir, ['config', 'remote.origin.url', this.url]);
    await this.#git(dir, ['config', 'remote.origin.fetch', `+refs/heads/*:refs/remotes/origin/*`]);
  }

  /** Fetches the branch; false when the remote does not have it yet (a new, empty repository). */
  async #fetch(dir: string): Promise<boolean> {
    try {
      await this.#git(dir, ['fetch', '-q', '--no-tags', 'origin', `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`]);
      this.#knownRemote = (await this.#git(dir, ['rev-parse', `refs/remotes/origin/${this.branch}`])).trim();
      return true;
    } catch (error) {
      if (error instanceof GitError && MISSING_BRANCH.test(error.stderr)) {
        this.#knownRemote = '';
        return false;
      }
      this.#needsRepair = true;
      throw new PushFailedError(`fetch from ${this.url} (${this.branch}) failed: ${describeGitError(error)}`, 0);
    }
  }

  async #resetToRemote(dir: string, remoteExists: boolean): Promise<void> {
    if (remoteExists) {
      // A killed rebase can leave HEAD detached: point it back at the branch, then match the remote.
      await this.#git(dir, ['symbolic-ref', 'HEAD', `refs/heads/${this.branch}`]);
      await this.#git(dir, ['reset', '-q', '--hard', `origin/${this.branch}`]);
      return;
    }
    // No branch on the remote yet: start from an empty tree.
    await this.#git(dir, ['symbolic-ref', 'HEAD', `refs/heads/${this.branch}`]);
    await this.#git(dir, ['update-ref', '-d', `refs/heads/${this.branch}`]).catch(() => undefined);
    await this.#git(dir, ['rm', '-rqf', '--cached', '--ignore-unmatch', '.']).catch(() => undefined);
    for (const entry of await readdir(dir)) if (entry !== '.git') await rm(join(dir, entry), { recursive: true, force: true });
  }

  async #tryRebase(dir: string): Promise<boolean> {
    try {
      await this.#git(dir, ['-c', 'commit.gpgsign=false', 'rebase', '-q', `origin/${this.branch}`]);
      return true;
    } catch {
      await this.#git(dir, ['rebase', '--abort']).catch(() => undefined);
      return false;
    }
  }

  async #lastCommitTouching(dir: string, folder: string): Promise<string | undefined> {
    try {
      const out = (await this.#git(dir, ['log', '-1', '--format=%H', 'HEAD', '--', folder])).trim();
      return out || undefined;
    } catch {
      return undefined; // an unborn branch has no log
    }
  }

  async #claimSlot(): Promise<string> {
    if (this.#dir) return this.#dir;
    await mkdir(this.#base, { recursive: true });
    const me = `${hostname()}:${process.pid}`;
    for (let slot = 0; slot < 64; slot++) {
      const lockFile = join(this.#base, `slot-${slot}.lock`);
      if (await tryCreate(lockFile, me)) {
        this.#lockFile = lockFile;
        this.#dir = join(this.#base, `slot-${slot}`);
        this.#needsRepair = true;
        return this.#dir;
      }
      const owner = (await readFile(lockFile, 'utf8').catch(() => '')).trim();
      if (owner === me || ownerIsGone(owner)) {
        await writeFile(lockFile, me);
        this.#lockFile = lockFile;
        this.#dir = join(this.#base, `slot-${slot}`);
        this.#needsRepair = true;
        return this.#dir;
      }
    }
    throw new Error(`no free working-copy slot under ${this.#base}`);
  }

  async #git(dir: string, args: string[]): Promise<string> {
    return (await runGit(args, { cwd: dir, timeoutMs: this.#timeoutMs })).stdout;
  }
}

/** A git failure in one line, keeping what the remote said (hooks explain refusals there). */
function describeGitError(error: unknown): string {
  if (!(error instanceof GitError)) return (error as Error).message ?? String(error);
  const lines = error.stderr.split('\n').map(line => line.trim()).filter(Boolean);
  const remote = lines.filter(line => line.startsWith('remote:')).map(line => line.replace(/^remote:\s*/, '')).filter(Boolean);
  const rest = lines.filter(line => !line.startsWith('remote:') && !line.startsWith('To ') && !line.startsWith('hint:')).slice(-2);
  return [...remote, ...rest].join('; ') || error.message;
}

async function tryCreate(file: string, content: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(content);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** True when a lock names a process on this host that no longer runs. */
function ownerIsGone(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (!owner || host !== hostname()) return owner === '';
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Makes the working copy hold `write`; returns what changed (sorted by path). */
async function applyWrite(dir: string, write: FolderWrite): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  const current = await readTree(join(dir, write.folder));
  const desired = write.files ?? new Map<string, string>();
  for (const [path, content] of desired) {
    const before = current.get(path);
    if (before === content) continue;
    const full = join(dir, write.folder, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
    changes.push({ path: joinPath(write.folder, path), change: before === undefined ? 'added' : 'modified' });
  }
  for (const path of current.keys()) {
    if (desired.has(path)) continue;
    await unlink(join(dir, write.folder, path));
    changes.push({ path: joinPath(write.folder, path), change: 'deleted' });
  }
  if (write.files === null || desired.size === 0) await rm(join(dir, write.folder), { recursive: true, force: true });
  for (const [path, content] of write.extra ?? []) {
    const full = join(dir, path);
    const before = await readFile(full, 'utf8').catch(() => undefined);
    if (content === null) {
      if (before === undefined) continue;
      await unlink(full);
      changes.push({ path, change: 'deleted' });
    } else if (before !== content) {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
      changes.push({ path, change: before === undefined ? 'added' : 'modified' });
    }
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function joinPath(folder: string, path: string): string {
  return folder ? `${folder}/${path}` : path;
}

/** Every file under a folder (relative path → UTF-8 content); empty when the folder does not exist. */
export async function readTree(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(dir, entry.name), rel);
      else if (entry.isFile() || entry.isSymbolicLink()) files.set(rel, await readFile(join(dir, entry.name), 'utf8'));
    }
  };
  await walk(root, '');
  return files;
}
