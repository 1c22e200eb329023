import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODULE_FILE, RUNNER_FILE, RUNNER_SOURCE } from './module-runner.js';

/** A module step's folder on this machine: the runner and the module, removed when the step ends. */
export interface StepFolder {
  path: string;
  remove(): Promise<void>;
}

/**
 * Makes a fresh private folder (mkdtemp: 0700, under the system's temporary folder) holding the runner and the
 * module's source, both read-only. Its name carries the process id, so what one process left behind can be told
 * from the folders other processes (replicas, test workers) are using at that moment.
 * @example const folder = await createStepFolder(source); try { … } finally { await folder.remove(); }
 */
export async function createStepFolder(source: string): Promise<StepFolder> {
  const path = await mkdtemp(join(tmpdir(), `pave-step-${process.pid}-`));
  try {
    await writeFile(join(path, RUNNER_FILE), RUNNER_SOURCE, { mode: 0o444 });
    await writeFile(join(path, MODULE_FILE), source, { mode: 0o444 });
  } catch (error) {
    await rm(path, { recursive: true, force: true });
    throw error;
  }
  return { path, remove: () => rm(path, { recursive: true, force: true, maxRetries: 3 }) };
}
