import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PushError, pushWithRebase } from '../git/push.js';
import { GitError, runGit } from '../git/run-git.js';
import { batchMessage, planBatch, type FileChange, type FolderWrite, type PlannedBatch } from './delivery-batch.js';
import { importCommit } from './fast-import.js';
import { FileTree } from './file-tree.js';
import type { PushTurn, PushTurns } from './push-turns.js';

export interface DeliveryResult {
  /** The commit that carried this delivery (shared with the deliveries batched with it); undefined when the branch already held exactly this content. */
  commit?: string;
  /** The newest commit of the branch touching the folder (the one holding the content now), when any. */
  contentCommit?: string;
  /** What changed, as seen before committing (empty when nothing did). */
  diff: FileChange[];
  /** Push attempts made (more than one when another writer got there first and the commit was made again). */
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
  /** Folder under which local repositories are kept (one sub-folder per repository and branch). */
  root: string;
  url: string;
  branch: string;
  /** Push attempts before giving up when other writers keep moving the branch. Default 10. */
  pushAttempts?: number;
  /** Time limit of each git command. Default 60 s. */
  timeoutMs?: number;
  /** Turns shared with the other processes pushing to this branch; without it, pushes race (and commit again). */
  turns?: PushTurns;
}

/** How long one process keeps its turn to push while it has deliveries waiting. */
const TURN_HOLD_MS = 1000;
/** How long a turn waits for another delivery after a push before handing the turn on. */
const TURN_LINGER_MS = 20;
const MISSING_BRANCH = /couldn't find remote ref|could not find remote ref/i;
/** The ref fast-import sets in the local repository (only a handle: the remote branch is the truth). */
const IMPORT_REF = 'refs/pave/import';

/** A delivery waiting for the commit and push that carry it. */
interface Pending {
  write: FolderWrite;
  message: string;
  resolve(result: DeliveryResult): void;
  reject(error: unknown): void;
}

/**
 * Delivers folder writes to one branch of a destination repository, in batches: every delivery that arrives
 * while a push is under way waits for the next turn, which lays them all over the branch's files and carries
 * them in one commit and one push (group commit, as databases do with their log). Each delivery learns the
 * commit that carried it and what it changed; one that changes nothing is not in the commit.
 *
 * Nothing is checked out: the branch's files are held in memory as blob ids (read once with `git ls-tree`
 * whenever the branch moved), writes are compared with them by id, and the commit is written into a local
 * bare repository by one `git fast-import`. A turn costs a fetch (only when the branch may have moved), one
 * fast-import and one push, whatever the number of deliveries. A refused push (another writer got there first)
 * fetches and makes the commit again from the writes over the new head: writes say what a folder must hold,
 * so there is nothing to rebase.
 *
 * Several processes may share one data folder: each holds its own local repository slot, claimed with a lock
 * file naming its host and pid (a dead owner's slot is taken over, after removing the lock files a killed git
 * may have left).
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
  #needsRepair = true;
  /** The remote branch's head as this process last saw it ('' when the remote has no such branch). */
  #knownRemote = '';
  /** The files of `#knownRemote`; undefined until read. */
  #tree: FileTree | undefined;
  /** The newest commit touching a folder, as found (or made) since the branch was last read. */
  readonly #folderCommits = new Map<string, string>();
  /** Deliveries waiting for the next turn. */
  #pending: Pending[] = [];
  /** The running turn, if any (close waits for it). */
  #turn: Promise<void> | undefined;
  /** Wakes a turn lingering for more deliveries. */
  #onPending: (() => void) | undefined;

  constructor(options: GitWorkspaceOptions) {
    this.url = options.url;
    this.branch = options.branch;
    this.#base = join(options.root, createHash('sha256').update(`${options.url}#${options.branch}`).digest('hex').slice(0, 16));
    this.#pushAttempts = options.pushAttempts ?? 10;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#turns = options.turns;
  }

  /**
   * Writes one folder (and its extra files) in the next commit, pushed to the branch; the delivery is in no
   * commit when it changes nothing. Resolves once the branch on the remote holds the write.
   */
  deliver(write: FolderWrite, message: string): Promise<DeliveryResult> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ write, message, resolve, reject });
      this.#onPending?.();
      this.#startTurn();
    });
  }

  /** Waits for deliveries in progress, then releases this process's slot. */
  async close(): Promise<void> {
    while (this.#turn) await this.#turn;
    if (this.#lockFile) await rm(this.#lockFile, { force: true });
    this.#lockFile = undefined;
    this.#dir = undefined;
  }

  #startTurn(): void {
    if (this.#turn) return;
    this.#turn = this.#runTurn().finally(() => {
      this.#turn = undefined;
      if (this.#pending.length) this.#startTurn();
    });
  }

  /**
   * Takes this process's turn to push (deliveries arriving meanwhile join the batch), delivers every waiting
   * write, and keeps delivering what arrives meanwhile for up to TURN_HOLD_MS: each change of hands costs the
   * next holder a fetch, so fewer, larger turns spare work. Then it hands the turn on with the branch's head.
   */
  async #runTurn(): Promise<void> {
    let turn: PushTurn | undefined;
    try {
      turn = await this.#turns?.take(`${this.url}#${this.branch}`);
    } catch {
      // Turns only spare work: without one, the push races and commits again when refused.
    }
    const until = Date.now() + TURN_HOLD_MS;
    // The head as the last holder left it; without turns, unknown until this turn fetched.
    let head = turn?.head;
    try {
      while (this.#pending.length) {
        head = await this.#deliverBatch(this.#pending.splice(0), head);
        if (head === undefined || Date.now() >= until) break;
        // Reconciles finishing their render right now would wait for the next turn: give them a moment.
        if (!this.#pending.length) await this.#nextPending(Math.min(TURN_LINGER_MS, until - Date.now()));
      }
    } finally {
      await turn?.end(head).catch(() => undefined);
    }
  }

  /** Resolves when a delivery next arrives, or after `ms`. */
  #nextPending(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, Math.max(0, ms));
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.#onPending === done) self.#onPending = undefined;
        resolve();
      }
      this.#onPending = done;
    });
  }

  /**
   * Commits and pushes one batch; returns the branch's head afterwards (undefined when it failed). `lastHead`
   * is the head the previous push of this turn (or the previous holder) left: when it is what this process
   * knows, the fetch is spared; a batch that would change nothing is still checked against a fresh fetch, as
   * content is always compared with the truth, not with what this process last wrote.
   */
  async #deliverBatch(batch: Pending[], lastHead: string | undefined): Promise<string | undefined> {
    try {
      const dir = await this.#prepare();
      let fresh = false;
      const sync = async () => {
        await this.#sync(dir);
        fresh = true;
      };
      if (lastHead === undefined || lastHead !== this.#knownRemote || !this.#tree) await sync();
      let plan = planBatch(this.#tree!, batch.map(entry => entry.write));
      if (!plan.contents.size && !fresh) {
        await sync();
        plan = planBatch(this.#tree!, batch.map(entry => entry.write));
      }
      if (!plan.contents.size) {
        await this.#settle(dir, batch, plan, undefined, 0);
        return this.#knownRemote;
      }
      const { attempts, pushed } = await pushWithRebase(dir, {
        remote: this.url,
        branch: this.branch,
        revision: await this.#commit(dir, batch, plan),
        attempts: this.#pushAttempts,
        timeoutMs: this.#timeoutMs,
        catchUp: async () => {
          await sync();
          plan = planBatch(this.#tree!, batch.map(entry => entry.write));
          return plan.contents.size ? this.#commit(dir, batch, plan) : undefined;
        },
      }).catch(error => {
        if (!(error instanceof PushError)) throw error;
        throw new PushFailedError(`push to ${this.url} (${this.branch}) failed after ${error.attempts} attempt(s): ${describeGitError(error.cause)}`, error.attempts);
      });
      if (pushed !== undefined) {
        this.#knownRemote = pushed;
        this.#tree = plan.tree;
      }
      await this.#settle(dir, batch, plan, pushed, attempts);
      return this.#knownRemote;
    } catch (error) {
      // Start the next batch from the remote's state, in a repaired repository.
      this.#needsRepair = true;
      const failure = asPushFailed(error, `writing to ${this.url} (${this.branch}) failed`);
      for (const entry of batch) entry.reject(failure);
      return undefined;
    }
  }

  /** Writes the batch's commit on top of the known head; returns its id. */
  #commit(dir: string, batch: Pending[], plan: PlannedBatch): Promise<string> {
    const carried = batch.filter((_, i) => plan.diffs[i]!.length);
    return importCommit({
      gitDir: dir,
      ref: IMPORT_REF,
      ...(this.#knownRemote ? { parent: this.#knownRemote } : {}),
      message: batchMessage(carried.map(entry => entry.message)),
      contents: plan.contents,
      timeoutMs: this.#timeoutMs,
    });
  }

  /** Resolves each delivery with the commit that carried it, or the newest one holding its folder. */
  async #settle(dir: string, batch: Pending[], plan: PlannedBatch, pushed: string | undefined, pushAttempts: number): Promise<void> {
    for (const [i, entry] of batch.entries()) {
      const diff = pushed ? plan.diffs[i]! : [];
      if (diff.length) this.#folderCommits.set(entry.write.folder, pushed!);
      const contentCommit = diff.length ? pushed : await this.#lastCommitTouching(dir, entry.write.folder);
      entry.resolve({ ...(diff.length ? { commit: pushed } : {}), ...(contentCommit ? { contentCommit } : {}), diff, pushAttempts });
    }
  }

  /** Fetches the branch; when it moved, reads its files anew. */
  async #sync(dir: string): Promise<void> {
    let head = '';
    try {
      await this.#git(dir, ['fetch', '-q', '--no-tags', this.url, `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`]);
      head = await this.#resolveRef(dir, `refs/remotes/origin/${this.branch}`);
    } catch (error) {
      if (!(error instanceof GitError && MISSING_BRANCH.test(error.stderr))) {
        throw new PushFailedError(`fetch from ${this.url} (${this.branch}) failed: ${describeGitError(error)}`, 0);
      }
    }
    if (this.#tree && head === this.#knownRemote) return;
    this.#tree = head ? FileTree.fromLsTree(await this.#git(dir, ['ls-tree', '-r', '-z', '--full-tree', head])) : FileTree.empty();
    this.#knownRemote = head;
    this.#folderCommits.clear();
  }

  async #lastCommitTouching(dir: string, folder: string): Promise<string | undefined> {
    if (!this.#knownRemote) return undefined;
    const known = this.#folderCommits.get(folder);
    if (known) return known;
    const found = (await this.#git(dir, ['log', '-1', '--format=%H', this.#knownRemote, '--', folder])).trim();
    if (found) this.#folderCommits.set(folder, found);
    return found || undefined;
  }

  /** The commit a ref points at (read from its file when loose, which spares a git process, else from git). */
  async #resolveRef(dir: string, ref: string): Promise<string> {
    const loose = await readFile(join(dir, ...ref.split('/')), 'utf8').catch(() => '');
    if (/^[0-9a-f]{40,64}\s*$/.test(loose)) return loose.trim();
    return (await this.#git(dir, ['rev-parse', '--verify', ref])).trim();
  }

  /**
   * Claims a slot; the first time (and after any failure) repairs its bare repository: lock files a killed
   * git left are removed, and `git init` (harmless on a repository that exists) makes whatever is missing.
   * The branch is read anew from the remote on the next batch.
   */
  async #prepare(): Promise<string> {
    const dir = await this.#claimSlot();
    if (!this.#needsRepair) return dir;
    for (const lock of ['HEAD.lock', 'config.lock', 'packed-refs.lock', 'shallow.lock', `${IMPORT_REF}.lock`, `refs/remotes/origin/${this.branch}.lock`]) {
      await rm(join(dir, ...lock.split('/')), { force: true });
    }
    await mkdir(dir, { recursive: true });
    await this.#git(dir, ['init', '-q', '--bare', dir]);
    // A scratch repository: no background maintenance after fetches.
    await this.#git(dir, ['config', 'gc.auto', '0']);
    await this.#git(dir, ['config', 'maintenance.auto', 'false']);
    this.#tree = undefined;
    this.#needsRepair = false;
    return dir;
  }

  async #claimSlot(): Promise<string> {
    if (this.#dir) return this.#dir;
    await mkdir(this.#base, { recursive: true });
    const me = `${hostname()}:${process.pid}`;
    for (let slot = 0; slot < 64; slot++) {
      const lockFile = join(this.#base, `slot-${slot}.lock`);
      const owner = (await tryCreate(lockFile, me)) ? me : (await readFile(lockFile, 'utf8').catch(() => '')).trim();
      if (owner === me || ownerIsGone(owner)) {
        if (owner !== me) await writeFile(lockFile, me);
        this.#lockFile = lockFile;
        this.#dir = join(this.#base, `slot-${slot}.git`);
        this.#needsRepair = true;
        return this.#dir;
      }
    }
    throw new Error(`no free repository slot under ${this.#base}`);
  }

  async #git(dir: string, args: string[]): Promise<string> {
    return (await runGit(['--git-dir', dir, ...args], { timeoutMs: this.#timeoutMs })).stdout;
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
