import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { commit } from '../git/commit.js';
import { PushError, pushWithRebase } from '../git/push.js';
import { GitError, runGit } from '../git/run-git.js';
import type { PushTurn, PushTurns } from './push-turns.js';

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
  /** Turns shared with the other processes pushing to this branch; without it, pushes race (and rebase). */
  turns?: PushTurns;
}

/** How long one process keeps its turn to push while it has commits waiting. */
const TURN_HOLD_MS = 1000;
/** How long a push task in its turn waits for another commit before handing the turn on. */
const TURN_LINGER_MS = 50;
const MISSING_BRANCH = /couldn't find remote ref|could not find remote ref/i;

/** A delivery waiting for the push that carries it. */
interface Pending {
  write: FolderWrite;
  message: string;
  /** What the write changed when last applied (empty when the branch already held it). */
  diff: FileChange[];
  /** The write's own commit, when it changed anything. */
  commit?: string;
  resolve(result: DeliveryResult): void;
  reject(error: unknown): void;
}

/**
 * A working copy of one branch of a destination repository, used to write folders and push them.
 * The first delivery (and any after a failure) starts from the remote branch as it is now (fetch + hard
 * reset), so a working copy left behind by a killed process (lock files, a half-done rebase, stray files)
 * is repaired. Commits are made only when content changed, one per delivery.
 *
 * Pushing is the costly part (several git processes, a round trip to the remote, a turn shared with other
 * processes), so it runs beside the commits: deliveries committed while a push is under way wait for the
 * next one, which carries all their commits at once (group commit, as databases do with their log). Each
 * delivery still has its own commit, and resolves only once that commit is on the remote. A refused push is
 * retried by fetching and rebasing; should the rebase not apply cleanly, every waiting write is applied
 * again on top of the remote's branch.
 *
 * Several processes may share one data folder: each holds its own working-copy slot, claimed with a lock
 * file naming its host and pid (a dead owner's slot is taken over). Within a process, the steps that touch
 * the working copy run one at a time.
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
  readonly #turns: PushTurns | undefined;
  #dir: string | undefined;
  #lockFile: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #needsRepair = true;
  /** The remote branch's head as this process last saw it ('' when the remote has no such branch). */
  #knownRemote = '';
  /** Deliveries committed (or found already written) locally, waiting for the next push. */
  #pending: Pending[] = [];
  /** Deliveries being pushed. */
  #pushing: Pending[] = [];
  /** True while a push task runs (from waiting for its turn to handing it on). */
  #pushActive = false;
  /** Wakes a push task lingering in its turn for more commits. */
  #onStaged: (() => void) | undefined;
  /** Pushes scheduled or under way (close waits for them). */
  readonly #pushes = new Set<Promise<void>>();

  constructor(options: GitWorkspaceOptions) {
    this.url = options.url;
    this.branch = options.branch;
    this.#base = join(options.root, createHash('sha256').update(`${options.url}#${options.branch}`).digest('hex').slice(0, 16));
    this.#pushAttempts = options.pushAttempts ?? 10;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#turns = options.turns;
  }

  /**
   * Writes one folder (and its extra files) in one commit, pushed to the branch; no commit when nothing
   * changed. Resolves once the branch on the remote holds the write.
   */
  deliver(write: FolderWrite, message: string): Promise<DeliveryResult> {
    return new Promise((resolve, reject) => {
      void this.#exclusive(() => this.#stage({ write, message, diff: [], resolve, reject }));
    });
  }

  /** Waits for deliveries in progress, then releases this process's working-copy slot. */
  async close(): Promise<void> {
    for (let seen: Promise<unknown> | undefined; seen !== this.#queue || this.#pushes.size; ) {
      seen = this.#queue;
      await Promise.all([seen.catch(() => undefined), ...this.#pushes]);
    }
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
   * Applies a write to the working copy and commits it when it changes anything, then leaves it for the
   * next push. When it changes nothing and no commit is waiting, one cheap look at the remote's head
   * confirms the branch has not moved (else we fetch and compare again): content is always compared with
   * the truth, not with what this process last wrote.
   */
  async #stage(entry: Pending): Promise<void> {
    try {
      const dir = await this.#prepare();
      await this.#apply(dir, entry);
      if (!entry.commit && !this.#pending.length && !this.#pushing.length) {
        if ((await this.#remoteHead(dir)) !== this.#knownRemote) {
          await this.#sync(dir);
          await this.#apply(dir, entry);
        }
        if (!entry.commit) {
          entry.resolve({ diff: [], contentCommit: await this.#lastCommitTouching(dir, entry.write.folder, 'HEAD'), pushAttempts: 0 });
          return;
        }
      }
      // A write that changed nothing while commits wait is only known to be on the remote once they are.
      this.#pending.push(entry);
      this.#onStaged?.();
      this.#startPushing();
    } catch (error) {
      // Start the next step from the remote's state (writes still waiting are applied again then).
      this.#needsRepair = true;
      entry.reject(asPushFailed(error, `writing to ${this.url} (${this.branch}) failed`));
    }
  }

  /** Resolves when a delivery is next left for a push, or after `ms`. */
  #nextStaged(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, Math.max(0, ms));
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.#onStaged === done) self.#onStaged = undefined;
        resolve();
      }
      this.#onStaged = done;
    });
  }

  /** Starts a push task unless one runs (called under the mutex, so no waiting delivery is left behind). */
  #startPushing(): void {
    if (this.#pushActive) return;
    this.#pushActive = true;
    const push = this.#pushInTurn().finally(() => this.#pushes.delete(push));
    this.#pushes.add(push);
  }

  /**
   * Waits for this process's turn to push (deliveries committed meanwhile join in), pushes every waiting
   * commit at once, and keeps pushing what is committed meanwhile for up to TURN_HOLD_MS: each change of
   * hands costs the next holder a fetch and a rebase, so fewer, larger turns spare work. Then it hands the
   * turn on with the branch's head.
   */
  async #pushInTurn(): Promise<void> {
    let turn: PushTurn | undefined;
    try {
      turn = await this.#turns?.take(`${this.url}#${this.branch}`);
    } catch {
      // Turns only spare work: without one, the push races and rebases.
    }
    const until = Date.now() + TURN_HOLD_MS;
    let head = turn?.head;
    try {
      for (let more = true; more; ) {
        head = await this.#pushWaiting(head);
        // Reconciles finishing their render right now would push in the next turn: wait a moment for them.
        if (head !== undefined && !this.#pending.length) await this.#nextStaged(Math.min(TURN_LINGER_MS, until - Date.now()));
        more = await this.#exclusive(async () => {
          if (this.#pending.length && head !== undefined && Date.now() < until) return true;
          this.#pushActive = false;
          if (this.#pending.length) this.#startPushing();
          return false;
        });
      }
    } finally {
      await turn?.end(head).catch(() => undefined);
    }
  }

  /**
   * Pushes the waiting deliveries; returns the branch's head after the push (undefined when it failed).
   * When the branch moved meanwhile (`lastHead` differs from what we saw, or the push is refused) we fetch,
   * put our commits on top, and push again; commits made during a refused push join the next attempt.
   */
  async #pushWaiting(lastHead: string | undefined): Promise<string | undefined> {
    let batch: Pending[] = [];
    try {
      const head = await this.#exclusive(async () => {
        batch = this.#pending;
        // (A repair here applies the waiting writes again.)
        const dir = await this.#prepare();
        if (lastHead !== undefined && lastHead !== this.#knownRemote) await this.#catchUp(dir, batch);
        return this.#takeWaiting(dir, batch);
      });
      // Every write may be on the branch already (another writer committed exactly this content).
      const hasCommits = () => batch.some(entry => entry.commit);
      const { attempts, pushed } = hasCommits()
        ? await pushWithRebase(this.#dir!, {
            branch: this.branch,
            revision: head,
            attempts: this.#pushAttempts,
            timeoutMs: this.#timeoutMs,
            catchUp: () =>
              this.#exclusive(async () => {
                batch = [...batch, ...this.#pending];
                await this.#catchUp(this.#dir!, batch);
                const next = await this.#takeWaiting(this.#dir!, batch);
                return hasCommits() ? next : undefined;
              }),
          }).catch(error => {
            if (!(error instanceof PushError)) throw error;
            throw new PushFailedError(`push to ${this.url} (${this.branch}) failed after ${error.attempts} attempt(s): ${describeGitError(error.cause)}`, error.attempts);
          })
        : { attempts: 0, pushed: undefined };
      if (pushed === undefined) {
        await this.#settle(batch, this.#knownRemote, attempts);
        return this.#knownRemote;
      }
      this.#knownRemote = pushed;
      await this.#settle(batch, pushed, attempts);
      return pushed;
    } catch (error) {
      this.#needsRepair = true;
      this.#pushing = [];
      this.#pending = this.#pending.filter(entry => !batch.includes(entry));
      const failure = asPushFailed(error, `writing to ${this.url} (${this.branch}) failed`);
      for (const entry of batch) entry.reject(failure);
      return undefined;
    }
  }

  /** Marks `batch` (every waiting delivery) as being pushed; returns the commit that carries it. */
  async #takeWaiting(dir: string, batch: Pending[]): Promise<string> {
    this.#pending = [];
    this.#pushing = batch;
    return this.#head(dir);
  }

  async #settle(batch: Pending[], head: string, pushAttempts: number): Promise<void> {
    this.#pushing = [];
    for (const entry of batch) {
      const contentCommit = entry.commit ?? (await this.#lastCommitTouching(this.#dir!, entry.write.folder, head));
      entry.resolve({ ...(entry.commit ? { commit: entry.commit } : {}), ...(contentCommit ? { contentCommit } : {}), diff: entry.diff, pushAttempts });
    }
  }

  /**
   * Brings local commits on top of the remote's new head: a rebase when it applies cleanly and leaves every
   * write as wanted (their commits may have touched our folders), else each write applied again.
   */
  async #catchUp(dir: string, writes: Pending[]): Promise<void> {
    const remoteExists = await this.#fetch(dir);
    if (remoteExists && (await this.#tryRebase(dir)) && (await this.#rebasedWhole(dir, writes))) return;
    await this.#resetToRemote(dir, remoteExists);
    for (const entry of writes) await this.#apply(dir, entry);
  }

  /** After a rebase: true when the working copy holds every write and each commit survived (their new ids noted). */
  async #rebasedWhole(dir: string, writes: Pending[]): Promise<boolean> {
    for (const entry of writes) if ((await planWrite(dir, entry.write)).length) return false;
    const commits = (await this.#git(dir, ['rev-list', '--reverse', `origin/${this.branch}..HEAD`])).split('\n').filter(Boolean);
    const committed = writes.filter(entry => entry.commit);
    if (commits.length !== committed.length) return false;
    committed.forEach((entry, i) => (entry.commit = commits[i]));
    return true;
  }

  /** Makes the working copy hold a write, and commits it (only its own paths) when that changed anything. */
  async #apply(dir: string, entry: Pending): Promise<void> {
    entry.diff = await applyWrite(dir, entry.write);
    delete entry.commit;
    if (!entry.diff.length) return;
    const made = await commit(dir, { message: entry.message, paths: entry.diff.map(change => change.path), timeoutMs: this.#timeoutMs });
    if (made) entry.commit = made;
  }

  /** The commit HEAD points at. */
  #head(dir: string): Promise<string> {
    return this.#resolveRef(dir, `refs/heads/${this.branch}`);
  }

  /** The commit a ref points at (read from its file when loose, which spares a git process, else from git). */
  async #resolveRef(dir: string, ref: string): Promise<string> {
    const loose = await readFile(join(dir, '.git', ...ref.split('/')), 'utf8').catch(() => '');
    if (/^[0-9a-f]{40,64}\s*$/.test(loose)) return loose.trim();
    return (await this.#git(dir, ['rev-parse', ref])).trim();
  }

  /** The remote branch's head as the remote says now (empty when it has no such branch). */
  async #remoteHead(dir: string): Promise<string> {
    const out = await this.#git(dir, ['ls-remote', 'origin', `refs/heads/${this.branch}`]);
    return out.split(/\s/)[0] ?? '';
  }

  /**
   * Claims a slot; the first time (and after any failure) repairs it, brings it to the remote's state and
   * applies again the writes still waiting for a push. A working copy too damaged to repair (e.g. a process
   * killed while creating it) is made anew.
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
    for (const entry of this.#pending) await this.#apply(dir, entry);
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
      this.#knownRemote = await this.#resolveRef(dir, `refs/remotes/origin/${this.branch}`);
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
      await this.#git(dir, ['rebase', '-q', `origin/${this.branch}`]);
      return true;
    } catch {
      await this.#git(dir, ['rebase', '--abort']).catch(() => undefined);
      return false;
    }
  }

  async #lastCommitTouching(dir: string, folder: string, revision: string): Promise<string | undefined> {
    try {
      const out = (await this.#git(dir, ['log', '-1', '--format=%H', revision, '--', folder])).trim();
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

/** Any failure as the error deliveries report (git's own, kept when it already is one). */
function asPushFailed(error: unknown, context: string): PushFailedError {
  return error instanceof PushFailedError ? error : new PushFailedError(`${context}: ${describeGitError(error)}`, 0);
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

/** A change `write` needs, with the content to write (none for a deletion). */
interface PlannedChange extends FileChange {
  content?: string;
}

/** What the working copy must change to hold `write` (sorted by path); writes nothing. */
async function planWrite(dir: string, write: FolderWrite): Promise<PlannedChange[]> {
  const changes: PlannedChange[] = [];
  const current = await readTree(join(dir, write.folder));
  const desired = write.files ?? new Map<string, string>();
  for (const [path, content] of desired) {
    const before = current.get(path);
    if (before !== content) changes.push({ path: joinPath(write.folder, path), change: before === undefined ? 'added' : 'modified', content });
  }
  for (const path of current.keys()) if (!desired.has(path)) changes.push({ path: joinPath(write.folder, path), change: 'deleted' });
  for (const [path, content] of write.extra ?? []) {
    const before = await readFile(join(dir, path), 'utf8').catch(() => undefined);
    if (content === null) {
      if (before !== undefined) changes.push({ path, change: 'deleted' });
    } else if (before !== content) {
      changes.push({ path, change: before === undefined ? 'added' : 'modified', content });
    }
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Makes the working copy hold `write`; returns what changed (sorted by path). */
async function applyWrite(dir: string, write: FolderWrite): Promise<FileChange[]> {
  const changes = await planWrite(dir, write);
  for (const { path, content } of changes) {
    const full = join(dir, path);
    if (content === undefined) {
      await unlink(full);
    } else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }
  }
  if (write.files === null || write.files.size === 0) await rm(join(dir, write.folder), { recursive: true, force: true });
  return changes.map(({ path, change }) => ({ path, change }));
}

function joinPath(folder: string, path: string): string {
  return folder ? `${folder}/${path}` : path;
}

/** Every file under a folder (relative path → UTF-8 content); empty when the folder does not exist. */
async function readTree(root: string): Promise<Map<string, string>> {
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
