import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CHILD = fileURLToPath(new URL('./reconciler-child.ts', import.meta.url));

export interface ReconcilerProcess {
  child: ChildProcess;
  /** Resolves once the reconciler runs. */
  ready: Promise<void>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stderr(): string;
}

/** Starts `reconciler-child.ts` in its own Node process with the given environment. */
export function startReconcilerProcess(env: NodeJS.ProcessEnv): ReconcilerProcess {
  const child = spawn(process.execPath, ['--import', TSX, CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', chunk => (stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', chunk => {
      if (String(chunk).includes('ready')) resolve();
    });
    child.once('exit', code => reject(new Error(`reconciler process exited (${code}) before it was ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  return { child, ready, exited, stderr: () => stderr };
}
