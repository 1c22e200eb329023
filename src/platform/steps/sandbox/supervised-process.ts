import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { StepError } from '../step-kind.js';
import type { ModuleOutcome, SandboxLimits } from './module-sandbox.js';
import type { RunnerAnswer } from './module-runner.js';

const MAX_LOG_LINES = 200;
const MAX_LINE_CHARACTERS = 2000;
/** How long to wait for the pipes to close once the process group is gone (normally at once). */
const DRAIN_MS = 2000;
/** The wrapper's exit code when it could not set the limits. */
const LIMITS_FAILED = 125;
/** What V8 and Node say when memory runs out (heap limit, or the data-segment limit refusing a buffer). */
const OUT_OF_MEMORY = /out of memory|allocation failed|Reached heap limit/i;

/** One sandboxed process to start and watch. */
export interface SupervisedCommand {
  /** For messages: the step's path or name. */
  label: string;
  /** The program and its arguments (the sandbox wraps the runner in it). */
  command: string;
  args: string[];
  /** The whole environment of the process. */
  env: Record<string, string>;
  /** Its working folder (the step folder on this machine). */
  cwd: string;
  /** JSON text written to stdin. */
  input: string;
  timeoutSeconds: number;
  limits: SandboxLimits;
  /** Kills the process group when aborted, as at a limit. */
  signal?: AbortSignal;
}

type Stop = 'time' | 'output' | 'result' | 'aborted';

/**
 * Starts a module's process detached, as the leader of its own process group, with its data segment and
 * CPU time limited (`ulimit -d`, `ulimit -t`, inherited by everything it starts), and watches it: the answer on fd 3, what it
 * prints on stdout and stderr (its log), its time and the size of both. At a limit, and whenever it ends,
 * the whole group is killed, so nothing it started outlives the step. Resolves with what the module
 * returned, or throws a `StepError` that says what happened.
 * @example const { result, log } = await superviseProcess({ label, command: '/usr/bin/bwrap', args, env: {}, cwd: folder, input, timeoutSeconds: 30, limits });
 */
export function superviseProcess(run: SupervisedCommand): Promise<ModuleOutcome> {
  const memoryKb = Math.floor(run.limits.memoryMb * 1024);
  // The CPU limit is a backstop should this server die and its timer with it (V8's helper threads may
  // use more CPU than wall time, hence the margin); the timer below is the limit that is reported.
  const cpuSeconds = Math.ceil(run.timeoutSeconds * 2) + 5;
  // A shell sets the limits and becomes the command, so they cover the command and all it starts.
  const script = `ulimit -d "$1" && ulimit -t "$2" || exit ${LIMITS_FAILED}; shift 2; exec "$@"`;
  const child = spawn('/bin/sh', ['-c', script, 'pave-sandbox', String(memoryKb), String(cpuSeconds), run.command, ...run.args], {
    detached: true,
    cwd: run.cwd,
    env: run.env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const stderrTail: string[] = [];
  /** Whether V8 said it ran out of memory (its stack trace that follows can push that line out of the tail). */
  let outOfMemory = false;
  let printed = 0;
  let answerBytes = 0;
  const answer: Buffer[] = [];
  let stopped: Stop | undefined;

  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const stop = (why: Stop) => {
    stopped ??= why;
    killGroup();
  };
  const timer = setTimeout(() => stop('time'), run.timeoutSeconds * 1000);
  const abort = () => stop('aborted');
  if (run.signal?.aborted) abort();
  else run.signal?.addEventListener('abort', abort, { once: true });

  const lines = (stream: Readable, tail?: string[]) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      printed += chunk.length;
      if (printed > run.limits.maxOutputBytes) return stop('output');
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) keep(line, tail);
    });
    stream.on('end', () => partial && keep(partial, tail));
  };
  const keep = (line: string, tail?: string[]) => {
    const shown = line.length > MAX_LINE_CHARACTERS ? `${line.slice(0, MAX_LINE_CHARACTERS)}… (${line.length} characters)` : line;
    if (log.length < MAX_LOG_LINES) log.push(shown);
    if (tail) {
      if (OUT_OF_MEMORY.test(line)) outOfMemory = true;
      tail.push(shown);
      if (tail.length > 20) tail.shift();
    }
  };
  lines(child.stdout!);
  lines(child.stderr!, stderrTail);
  const fd3 = child.stdio[3] as Readable;
  fd3.on('data', (chunk: Buffer) => {
    answerBytes += chunk.length;
    if (answerBytes > run.limits.maxResultBytes) return stop('result');
    answer.push(chunk);
  });
  // The module may end before reading its input; a closed stdin is not an error.
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(run.input);

  return new Promise<ModuleOutcome>((resolve, reject) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let drain: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', abort);
      clearTimeout(drain);
      try {
        resolve({ result: interpret(run, exit, stopped, Buffer.concat(answer), { stderrTail, outOfMemory }), log });
      } catch (error) {
        if (error instanceof StepError) error.log = log;
        reject(error);
      }
    };
    child.on('error', error => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', abort);
      killGroup();
      reject(new StepError(`module ${run.label} could not be started: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever is left in its group goes with it.
      killGroup();
      drain = setTimeout(() => {
        for (const stream of [child.stdout, child.stderr, fd3]) stream?.destroy();
        finish();
      }, DRAIN_MS);
    });
    child.on('close', () => {
      exit ??= { code: child.exitCode, signal: child.signalCode };
      finish();
    });
  });
}

/** Turns how the process ended into the module's result, or a `StepError` saying why there is none. */
function interpret(
  run: SupervisedCommand,
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined,
  stopped: Stop | undefined,
  answer: Buffer,
  stderr: { stderrTail: string[]; outOfMemory: boolean },
): unknown {
  const { label, limits } = run;
  if (stopped === 'time') throw new StepError(`module ${label} did not finish within its time limit of ${run.timeoutSeconds} s; it was stopped`);
  if (stopped === 'output') throw new StepError(`module ${label} printed more than ${formatBytes(limits.maxOutputBytes)} (its output limit); it was stopped`);
  if (stopped === 'aborted') throw new StepError(`module ${label} was stopped: its task was cancelled or the server is stopping`);
  if (stopped === 'result') throw new StepError(`module ${label} returned more than ${formatBytes(limits.maxResultBytes)} (its result limit); it was stopped`);
  const memory = `module ${label} ran out of memory (its limit is ${limits.memoryMb} MB)`;
  if (answer.length) {
    let parsed: RunnerAnswer;
    try {
      parsed = JSON.parse(answer.toString('utf8')) as RunnerAnswer;
    } catch {
      throw new StepError(`module ${label} answered something that is not JSON`);
    }
    if (parsed.ok) return parsed.result;
    const error = String(parsed.error);
    throw new StepError(OUT_OF_MEMORY.test(error) ? `${memory}: ${error}` : error);
  }
  // V8 aborts when the heap is full: SIGABRT (or SIGTRAP), which bubblewrap reports as exit code 128 + signal.
  const aborted = exit?.signal === 'SIGABRT' || exit?.signal === 'SIGTRAP' || exit?.code === 134 || exit?.code === 133;
  if (stderr.outOfMemory || aborted) throw new StepError(memory);
  const said = stderr.stderrTail.filter(line => line.trim()).slice(-3).join(' | ');
  if (exit?.code === 13) throw new StepError(`module ${label} returned a promise that never settled`);
  if (exit?.code === LIMITS_FAILED) throw new StepError(`module ${label} was not run: its memory and CPU limits could not be set`);
  const how = exit?.signal ? `was killed by ${exit.signal}` : `exited with code ${exit?.code ?? 'unknown'}`;
  throw new StepError(`module ${label} ${how} without a result${said ? `: ${said}` : ''}`);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
