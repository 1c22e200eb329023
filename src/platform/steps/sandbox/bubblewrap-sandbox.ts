import { constants } from 'node:fs';
import { access, lstat, readlink, realpath } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { StepError } from '../step-kind.js';
import { DEFAULT_SANDBOX_LIMITS, type ModuleJob, type ModuleOutcome, type ModuleSandbox, type SandboxCheck, type SandboxLimits } from './module-sandbox.js';
import { MODULE_FILE, nodeArguments, RUNNER_FILE } from './module-runner.js';
import { createStepFolder } from './step-folder.js';
import { superviseProcess } from './supervised-process.js';

/** Where the step folder is inside the sandbox. */
const STEP = '/step';
/** The unprivileged user the module runs as inside its user namespace. */
const NOBODY = '65534';
/** Checks that worked, by bwrap and node path: a machine that could sandbox once still can. */
const working = new Map<string, Promise<SandboxCheck>>();

/**
 * Module steps in bubblewrap (`bwrap`): a new user, mount, pid, network, ipc, uts and cgroup namespace
 * whose root is an empty tmpfs holding only the node binary and system libraries (read-only), a new
 * /proc and /dev, the step folder (a size-limited tmpfs with the runner and module bound read-only) and
 * the job's `readable` folders, read-only.
 * No capabilities, no environment, its own session, killed with its parent. Inside, node runs under its
 * permission model as a second layer. A machine without bwrap, or where it cannot make namespaces, runs
 * no module step: each is refused with the reason.
 * @example const sandbox = new BubblewrapSandbox(); if ((await sandbox.check()).ok) await sandbox.run(job);
 */
export class BubblewrapSandbox implements ModuleSandbox {
  readonly kind = 'bubblewrap';
  readonly description = 'bubblewrap (no network, no processes, only its folder) with Node permissions';
  readonly #bwrap: string | undefined;
  readonly #limits: SandboxLimits;

  constructor(options: { bwrap?: string; limits?: Partial<SandboxLimits> } = {}) {
    this.#bwrap = options.bwrap;
    this.#limits = Object.freeze({ ...DEFAULT_SANDBOX_LIMITS, ...options.limits });
  }

  check(): Promise<SandboxCheck> {
    const key = `${this.#bwrap ?? '(PATH)'}|${process.execPath}`;
    const known = working.get(key);
    if (known) return known;
    const probe = this.#probe();
    // Only a success is kept: a failure may be passing (a busy machine), so the next step asks again.
    working.set(key, probe);
    void probe.then(result => result.ok || working.delete(key));
    return probe;
  }

  async run(job: ModuleJob): Promise<ModuleOutcome> {
    const check = await this.check();
    if (!check.ok) {
      throw new StepError(
        `module steps are refused on this server: bubblewrap cannot isolate them here (${check.reason}). Install bubblewrap (apt-get install bubblewrap), or accept weaker isolation with platform.moduleSandbox: process (PAVE_MODULE_SANDBOX=process)`,
      );
    }
    return this.#spawn(job, (await this.#locate())!);
  }

  async #probe(): Promise<SandboxCheck> {
    const bwrap = await this.#locate();
    if (!bwrap) return { ok: false, reason: this.#bwrap ? `${this.#bwrap} is not an executable file` : 'bwrap is not installed (not found on PATH)' };
    try {
      const { result } = await this.#spawn({ label: 'sandbox check', source: 'export default () => ({ sandboxed: true })', input: {}, timeoutSeconds: 20 }, bwrap);
      return (result as { sandboxed?: unknown } | null)?.sandboxed === true ? { ok: true } : { ok: false, reason: 'the check module did not answer' };
    } catch (error) {
      return { ok: false, reason: `${bwrap} could not start a sandbox: ${(error as Error).message}` };
    }
  }

  async #locate(): Promise<string | undefined> {
    const candidates = this.#bwrap ? [this.#bwrap] : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map(dir => join(dir, 'bwrap')), '/usr/bin/bwrap'];
    for (const candidate of candidates) {
      if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
    }
    return undefined;
  }

  async #spawn(job: ModuleJob, bwrap: string): Promise<ModuleOutcome> {
    const folder = await createStepFolder(job.source);
    try {
      const node = await realpath(process.execPath);
      const args = [
        '--unshare-all',
        '--unshare-user',
        '--disable-userns',
        '--uid', NOBODY,
        '--gid', NOBODY,
        '--hostname', 'pave-step',
        '--die-with-parent',
        '--new-session',
        '--clearenv',
        '--cap-drop', 'ALL',
        ...(await systemLibraries()),
        '--ro-bind', node, node,
        '--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache',
        '--proc', '/proc',
        '--dev', '/dev',
        '--size', String(this.#limits.folderMb * 1024 * 1024),
        '--tmpfs', STEP,
        '--ro-bind', join(folder.path, RUNNER_FILE), `${STEP}/${RUNNER_FILE}`,
        '--ro-bind', join(folder.path, MODULE_FILE), `${STEP}/${MODULE_FILE}`,
        ...(job.readable ?? []).flatMap(path => ['--ro-bind', path, path]),
        '--chdir', STEP,
        '--setenv', 'HOME', STEP,
        '--setenv', 'TMPDIR', STEP,
        '--',
        node,
        ...nodeArguments(STEP, this.#limits, { noNetwork: true, ...(job.readable ? { readable: job.readable } : {}) }),
      ];
      return await superviseProcess({ label: job.label, command: bwrap, args, env: {}, cwd: folder.path, input: JSON.stringify(job.input), timeoutSeconds: job.timeoutSeconds, limits: this.#limits, ...(job.signal ? { signal: job.signal } : {}) });
    } finally {
      await folder.remove();
    }
  }
}

/**
 * Read-only binds of the folders the node binary loads its shared libraries from: `/usr/lib*`, and
 * `/lib*` as the symbolic links they are on a merged-/usr system, or as folders where they are not.
 */
async function systemLibraries(): Promise<string[]> {
  const args: string[] = [];
  for (const dir of ['/usr/lib', '/usr/lib64', '/usr/lib32', '/usr/libx32', '/lib', '/lib64', '/lib32', '/libx32']) {
    const stat = await lstat(dir).catch(() => undefined);
    if (!stat) continue;
    if (stat.isSymbolicLink()) args.push('--symlink', await readlink(dir), dir);
    else if (stat.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}
