/**
 * The parent side of a benchmark's server process (the child side is bench-server.ts): forks a bundled server
 * script (bench-bundle.ts) with plain `node`, without this process's TypeScript loader, waits until it listens,
 * and then drives it over IPC.
 * @example const server = await forkBenchServer(await benchServerScript('catalog-server'), { env: { PAVE_BENCH_DATA_DIR: dir } });
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { ClientMessage, ServerMemory, ServerMessage } from './bench-server.js';

export interface BenchProcess {
  url: string;
  pid: number | undefined;
  /** From the fork until the server listened (module loading, opening the store, migrations, routes). */
  startupMs: number;
  /** Starts attributing RSS, CPU and loop-delay samples to a new phase. */
  phase(name: string): void;
  stats(): Promise<ServerMemory>;
  stop(): Promise<void>;
}

export interface ForkOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** The script's command-line arguments. */
  args?: string[];
  /** Node flags (`--cpu-prof`…); this process's own (tsx's loader) are not passed on. */
  execArgv?: string[];
  /** Where the child's stdout goes: this process's stdout (default), or its stderr, so a chatty server stays out of a `--json` report. */
  stdout?: 'inherit' | 'stderr';
  /** How long `stop` waits before killing the process (default 30 s). */
  stopTimeoutMs?: number;
}

export async function forkBenchServer(script: string, options: ForkOptions = {}): Promise<BenchProcess> {
  const name = script.split('/').pop();
  const forked = performance.now();
  const child: ChildProcess = fork(script, options.args ?? [], {
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.stdout === 'stderr' ? 2 : 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>(done => child.once('exit', code => done(code)));
  const next = <T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> =>
    new Promise((done, fail) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        fail(new Error(`the ${name} process has exited (${child.exitCode ?? child.signalCode})`));
        return;
      }
      const onMessage = (message: ServerMessage) => {
        if (message.type === type) {
          cleanup();
          done(message as Extract<ServerMessage, { type: T }>);
        } else if (message.type === 'failed') {
          cleanup();
          fail(new Error(`the ${name} process failed: ${message.message}`));
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        fail(new Error(`the ${name} process exited (code ${code}) before answering`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const send = (message: ClientMessage) => {
    if (child.connected) child.send(message);
  };
  const ready = await next('ready');
  const startupMs = performance.now() - forked;
  return {
    url: ready.url,
    pid: child.pid,
    startupMs,
    phase: phaseName => send({ type: 'phase', name: phaseName }),
    async stats() {
      const answer = next('stats');
      send({ type: 'stats' });
      return (await answer).memory;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
