import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A TypeScript file running in a Node process of its own, what it prints collected. */
export interface TsChild {
  child: ChildProcess;
  /** Resolves with the exit code once the process has exited (a grandchild may still hold its output open). */
  exited: Promise<number | null>;
  /** Resolves once the process has exited and all it printed has been read. */
  finished: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stderr(): string;
  /** Resolves once the process has printed `text` on its standard output; rejects if it ends first. */
  printed(text: string): Promise<void>;
}

/**
 * Runs `file` (a URL, as `new URL('./x.ts', import.meta.url)`) through tsx in its own process, with `env` over this
 * process's environment: for what a test must see in a fresh process (a kill, an exit code, a heap of its own),
 * since test files share their worker's.
 */
export function startTsChild(file: URL, options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): TsChild {
  const path = fileURLToPath(file);
  const child = spawn(process.execPath, ['--import', TSX, path, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', chunk => (stdout += chunk));
  child.stderr!.on('data', chunk => (stderr += chunk));
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  const finished = new Promise<{ code: number | null; stdout: string; stderr: string }>(resolve => child.once('close', code => resolve({ code, stdout, stderr })));
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const seen = () => stdout.includes(text) && (resolve(), true);
      if (seen()) return;
      const onData = () => seen() && child.stdout!.off('data', onData);
      child.stdout!.on('data', onData);
      void finished.then(({ code }) => reject(new Error(`${path} ended (${code}) before it printed "${text}": ${stderr}`)));
    });
  return { child, exited, finished, stderr: () => stderr, printed };
}
