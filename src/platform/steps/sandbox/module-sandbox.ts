/**
 * What runs a `module` step: one interface, one small file per implementation (`bubblewrap-sandbox.ts`,
 * `node-permission-sandbox.ts`). A module is a platform team's code; whatever it tries, it must not read
 * or write outside its step folder, start processes or reach the network, and it is stopped at its limits.
 */

/** One module to run: its source, the step input and its time limit. */
export interface ModuleJob {
  /** Names the step in messages (its `path`, else its name). */
  label: string;
  /** The module's ES source. */
  source: string;
  /** The step input, passed to the module's default export as JSON. */
  input: unknown;
  timeoutSeconds: number;
  /**
   * Folders (real paths) the module may also read, seen at the same paths inside the sandbox (bubblewrap
   * binds them read-only): an installed scaffolder action's code and the task's workspace.
   */
  readable?: string[];
  /** Stops the module when aborted (its task cancelled, or the server stopping): the step fails saying so. */
  signal?: AbortSignal;
}

/** What a module returned (not yet checked) and what it printed. */
export interface ModuleOutcome {
  result: unknown;
  log: string[];
}

/** The limits every module process runs under. */
export interface SandboxLimits {
  /** Memory of the process (its data segment), in MB; its JavaScript heap gets half. */
  memoryMb: number;
  /** Bytes a module may print (stdout and stderr together) before it is stopped. */
  maxOutputBytes: number;
  /** Bytes of JSON a module may return. */
  maxResultBytes: number;
  /** Size of the writable step folder, in MB (bubblewrap: a tmpfs of this size). */
  folderMb: number;
}

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 256,
  maxOutputBytes: 1024 * 1024,
  maxResultBytes: 8 * 1024 * 1024,
  folderMb: 64,
});

/** Whether a sandbox can run modules on this machine, and if not, why. */
export type SandboxCheck = { ok: true } | { ok: false; reason: string };

/**
 * Runs one module step in a fresh, short-lived process and returns what it returned. Throws a
 * `StepError` that says what happened when the module throws, is refused something, exceeds a limit,
 * or when this machine cannot give the isolation the sandbox promises.
 * @example
 *   const sandbox = new BubblewrapSandbox();
 *   const { result, log } = await sandbox.run({ label: 'redis.mjs', source, input, timeoutSeconds: 30 });
 */
export interface ModuleSandbox {
  /** `bubblewrap`: namespaces plus Node's permission model; `process`: Node's permission model only. */
  readonly kind: 'bubblewrap' | 'process';
  /** One line for logs: what this sandbox isolates. */
  readonly description: string;
  /** Whether it works here (asked once and remembered while it works); never throws. */
  check(): Promise<SandboxCheck>;
  run(job: ModuleJob): Promise<ModuleOutcome>;
}
