import { realpath } from 'node:fs/promises';
import { DEFAULT_SANDBOX_LIMITS, type ModuleJob, type ModuleOutcome, type ModuleSandbox, type SandboxCheck, type SandboxLimits } from './module-sandbox.js';
import { nodeArguments } from './module-runner.js';
import { createStepFolder } from './step-folder.js';
import { superviseProcess } from './supervised-process.js';

/**
 * The weaker sandbox, for machines without bubblewrap and only when the configuration accepts it
 * (`platform.moduleSandbox: process`): a separate node process under Node's permission model (files
 * only in its step folder; no child processes, worker threads, addons or WASI), an empty environment,
 * its own process group killed when it ends, and the same time, memory and output limits. It does not
 * cut the network: a module can open connections (to this server and its database too); nor can it
 * stop a module signalling this user's processes (`process.kill`) or filling the disk under its folder.
 * That is why bubblewrap is the default.
 * @example const { result } = await new NodePermissionSandbox().run({ label: 'm.mjs', source, input, timeoutSeconds: 30 });
 */
export class NodePermissionSandbox implements ModuleSandbox {
  readonly kind = 'process';
  readonly description = "a process under Node's permission model (only its folder, no processes; the network is NOT cut)";
  readonly #limits: SandboxLimits;

  constructor(options: { limits?: Partial<SandboxLimits> } = {}) {
    this.#limits = Object.freeze({ ...DEFAULT_SANDBOX_LIMITS, ...options.limits });
  }

  async check(): Promise<SandboxCheck> {
    return { ok: true };
  }

  async run(job: ModuleJob): Promise<ModuleOutcome> {
    const folder = await createStepFolder(job.source);
    try {
      // The permission model compares real paths: the temporary folder may sit behind a symbolic link.
      const path = await realpath(folder.path);
      const outcome = await superviseProcess({
        label: job.label,
        command: process.execPath,
        args: nodeArguments(path, this.#limits, { noNetwork: false, ...(job.readable ? { readable: job.readable } : {}) }),
        env: {},
        cwd: path,
        input: JSON.stringify(job.input),
        timeoutSeconds: job.timeoutSeconds,
        limits: this.#limits,
        ...(job.signal ? { signal: job.signal } : {}),
      });
      return outcome;
    } finally {
      await folder.remove();
    }
  }
}
