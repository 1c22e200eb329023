/**
 * The evaluator processes: a small pool of child processes (`evaluator-process.ts`), started
 * when first needed, each with a V8 heap cap, talking length-prefixed frames with a size cap
 * over a pipe. One request runs in a process at a time. Every item of a request has a hard
 * wall-clock deadline (its time budget plus a margin) that the child's progress reports
 * re-arm; on a missed deadline, a crash, an out-of-memory abort or an oversized message the
 * process is killed (SIGKILL) and replaced, and the request fails with a `PaveError` naming
 * the limit. The server itself is never at risk, and an idle pool keeps no one alive
 * (its processes and pipes are unreferenced until a request is in flight).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { ExpressionsConfig } from './expressions-config.js';
import { nodeEntry, type NodeEntry } from '../core/node-entry.js';
import { invalidInput, unavailable, type PaveError } from '../core/problem.js';
import type { EvaluationRequest, EvaluationResponse } from './evaluation.js';
import { DEFAULT_LIMITS } from './limits.js';
import { encodeFrame, FrameReader } from './message-frames.js';

export interface EvaluatorPoolOptions {
  /** Processes at most (started one by one as requests wait). Default 2. */
  size?: number;
  /** V8 heap cap of each process (`--max-old-space-size`), in MiB. Default 256. */
  heapMiB?: number;
  /** How much longer than its time budget one item may run before its process is killed, in ms. Default 2000. */
  deadlineMarginMs?: number;
  /** Largest message either way, in bytes. Default 64 MiB. */
  maxMessageBytes?: number;
}

/** The limits a pool runs under, as its errors name them. */
export interface EvaluatorLimits {
  size: number;
  heapMiB: number;
  deadlineMarginMs: number;
  maxMessageBytes: number;
}

interface Job {
  request: EvaluationRequest;
  frame: Buffer;
  itemDeadlineMs: number;
  resolve(response: EvaluationResponse): void;
  reject(error: PaveError): void;
}

interface Slot {
  child: ChildProcess;
  channel: Socket;
  ready: boolean;
  job?: Job;
  /** When the item now running must be done (performance.now() time); progress reports move it on. */
  deadlineAt: number;
  /** The budget `deadlineAt` was last set from, for the error that names it. */
  deadlineMs: number;
  /** When the timer watching `deadlineAt` fires (0: none). Re-arming a later deadline makes no new timer; an
   * earlier one (the next job's budget is shorter) does, and the older timer then ends as superseded. */
  watchDue: number;
  /** Which timer is the slot's own: one that fires after a newer one was started does nothing. */
  watchGeneration: number;
  stderr: string;
  /** Set when this pool ended the process on purpose, with the error its job gets. */
  killedFor?: PaveError;
}

const ENTRY: NodeEntry = nodeEntry('./evaluator-process.js', import.meta.url);
const STDERR_TAIL = 4096;

export class EvaluatorPool {
  readonly limits: Readonly<EvaluatorLimits>;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #closed = false;

  /**
   * Nothing starts until the first request.
   *
   * @example
   * const pool = new EvaluatorPool({ size: 2, heapMiB: 256 });
   * const { results } = await pool.run({ context: {}, options: {}, items: [{ kind: 'string', source: '${{ 1 + 1 }}' }] });
   * await pool.close();
   */
  constructor(options: EvaluatorPoolOptions = {}) {
    this.limits = Object.freeze({
      size: Math.max(1, Math.floor(options.size ?? 2)),
      heapMiB: Math.max(16, Math.floor(options.heapMiB ?? 256)),
      deadlineMarginMs: Math.max(0, options.deadlineMarginMs ?? 2000),
      maxMessageBytes: Math.max(1024, options.maxMessageBytes ?? 64 * 1024 * 1024),
    });
  }

  /**
   * A pool as the `expressions` configuration section describes it.
   *
   * @example
   * const pool = EvaluatorPool.fromConfig(config.expressions);
   */
  static fromConfig(config: ExpressionsConfig): EvaluatorPool {
    return new EvaluatorPool({ size: config.poolSize, heapMiB: config.heapMiB, deadlineMarginMs: config.deadlineMarginMs });
  }

  /**
   * Runs one request in an evaluator process. Rejects with a `PaveError` when a limit of the
   * process boundary is hit (the engine's own limits come back as failed items instead).
   *
   * @example
   * const { results, secretStrings } = await pool.run(request);
   */
  run(request: EvaluationRequest): Promise<EvaluationResponse> {
    if (this.#closed) return Promise.reject(closedError());
    const frame = encodeFrame(request);
    if (frame.length - 4 > this.limits.maxMessageBytes) {
      return Promise.reject(
        messageError(`the evaluation request is ${mib(frame.length)} MiB, more than the ${mib(this.limits.maxMessageBytes)} MiB a message to the evaluator may hold`),
      );
    }
    const itemDeadlineMs = (request.options.limits?.timeBudgetMs ?? DEFAULT_LIMITS.timeBudgetMs) + this.limits.deadlineMarginMs;
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, frame, itemDeadlineMs, resolve, reject });
      this.#dispatch();
    });
  }

  /**
   * Ends every process; requests still waiting or running fail with a 503 problem.
   * @example await pool.close();
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(closedError());
    this.#reference();
    const exits = [...this.#slots].map(slot => {
      const exited = new Promise<void>(resolve => (slot.child.exitCode !== null || slot.child.signalCode !== null ? resolve() : slot.child.once('exit', () => resolve())));
      this.#kill(slot, closedError());
      return exited;
    });
    await Promise.all(exits);
  }

  /**
   * How many processes are running now (for tests and metrics).
   * @example pool.processCount; // 0 before the first request
   */
  get processCount(): number {
    return this.#slots.size;
  }

  /** Hands waiting jobs to idle processes, starting processes up to the pool's size. */
  #dispatch(): void {
    while (this.#queue.length > 0) {
      const idle = [...this.#slots].find(slot => slot.ready && !slot.job && !slot.killedFor);
      if (idle) {
        this.#send(idle, this.#queue.shift() as Job);
        continue;
      }
      const starting = [...this.#slots].filter(slot => !slot.ready && !slot.killedFor).length;
      if (this.#slots.size < this.limits.size && starting < this.#queue.length) this.#start();
      break;
    }
    this.#reference();
  }

  /**
   * A process keeps the server, a CLI command or a test run alive only while work depends on
   * it: running a request, starting while requests wait, or being ended by `close()` (whose
   * caller waits for its exit: one process exiting first must not unreference the others).
   */
  #reference(): void {
    for (const slot of this.#slots) {
      const needed = this.#closed || slot.job !== undefined || (!slot.ready && this.#queue.length > 0);
      if (needed) {
        slot.child.ref();
        slot.channel.ref();
      } else {
        slot.child.unref();
        slot.channel.unref();
      }
      // Its error output never keeps anyone waiting.
      (slot.child.stderr as Socket | null)?.unref();
    }
  }

  #start(): void {
    const child = spawn(process.execPath, [...ENTRY.execArgv, `--max-old-space-size=${this.limits.heapMiB}`, ENTRY.script, String(this.limits.maxMessageBytes)], {
      // Nothing of the server's environment (database URL, client secrets) reaches templates' process.
      env: {},
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    const channel = child.stdio[3] as Socket;
    const slot: Slot = { child, channel, ready: false, deadlineAt: 0, deadlineMs: 0, watchDue: 0, watchGeneration: 0, stderr: '' };
    this.#slots.add(slot);
    const reader = new FrameReader(
      this.limits.maxMessageBytes,
      message => this.#onMessage(slot, message as { type: string; done?: number; response?: EvaluationResponse }),
      bytes =>
        this.#kill(slot, messageError(`the evaluator's answer is ${mib(bytes)} MiB, more than the ${mib(this.limits.maxMessageBytes)} MiB a message may hold`)),
    );
    channel.on('data', chunk => reader.push(chunk));
    channel.on('error', () => undefined);
    child.stderr?.on('data', (chunk: Buffer) => (slot.stderr = (slot.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL)));
    child.on('error', error => this.#onExit(slot, `could not be started: ${error.message}`));
    child.on('exit', (code, signal) => this.#onExit(slot, signal ? `was ended by ${signal}` : `exited with code ${code}`));
  }

  #onMessage(slot: Slot, message: { type: string; done?: number; response?: EvaluationResponse }): void {
    if (slot.killedFor) return;
    if (message.type === 'ready') {
      slot.ready = true;
      this.#dispatch();
    } else if (message.type === 'progress' && slot.job) {
      this.#arm(slot, slot.job.itemDeadlineMs);
    } else if (message.type === 'result' && slot.job && message.response) {
      const job = slot.job;
      slot.job = undefined;
      job.resolve(message.response);
      this.#dispatch();
    }
  }

  #send(slot: Slot, job: Job): void {
    slot.job = job;
    this.#arm(slot, job.itemDeadlineMs);
    slot.channel.write(job.frame);
  }

  /**
   * (Re)starts the deadline of the item now running in `slot`. Items may finish by the thousand a second: a
   * progress report only moves the deadline on, and one unreferenced timer per running job looks at it.
   */
  #arm(slot: Slot, ms: number): void {
    slot.deadlineAt = performance.now() + ms;
    slot.deadlineMs = ms;
    if (slot.watchDue && slot.watchDue <= slot.deadlineAt) return;
    // An AbortSignal's timer keeps no one alive; when it fires early (the deadline moved on), another waits the rest.
    const watch = (wait: number) => {
      const generation = ++slot.watchGeneration;
      slot.watchDue = performance.now() + wait;
      AbortSignal.timeout(Math.max(1, Math.ceil(wait))).addEventListener('abort', () => {
        if (generation !== slot.watchGeneration) return;
        slot.watchDue = 0;
        if (!slot.job) return;
        const left = slot.deadlineAt - performance.now();
        if (left > 0) return watch(left);
        this.#kill(
          slot,
          limitReached(
            'deadlineMarginMs',
            `the expression evaluator did not finish within ${slot.deadlineMs} ms (the time budget plus expressions.deadlineMarginMs = ${this.limits.deadlineMarginMs} ms); its process was stopped`,
          ),
        );
      });
    };
    watch(ms);
  }

  #kill(slot: Slot, reason: PaveError): void {
    if (slot.killedFor) return;
    slot.killedFor = reason;
    slot.child.kill('SIGKILL');
  }

  #onExit(slot: Slot, how: string): void {
    if (!this.#slots.delete(slot)) return;
    slot.channel.destroy();
    const job = slot.job;
    slot.job = undefined;
    if (job) job.reject(slot.killedFor ?? this.#crashError(slot, how));
    else if (!slot.ready && !slot.killedFor && this.#queue.length > 0) {
      // It died before it could take work: fail what waits rather than start it again and again.
      const error = unavailable(`The expression evaluator ${how} before it was ready: ${slot.stderr.trim().split('\n').slice(-3).join(' ') || 'no output'}`);
      for (const waiting of this.#queue.splice(0)) waiting.reject(error);
    }
    this.#dispatch();
  }

  #crashError(slot: Slot, how: string): PaveError {
    if (/heap limit|out of memory|invalid size|invalid array length|allocation failed/i.test(slot.stderr)) {
      return limitReached(
        'heapMiB',
        `the expression evaluator ran out of memory (expressions.heapMiB = ${this.limits.heapMiB} MiB); its process was stopped`,
      );
    }
    return invalidInput(`The expression evaluator crashed while rendering this template (its process ${how}); it was replaced`, [
      { pointer: '', detail: `evaluator process ${how}`, rule: 'expressions.crash' },
    ]);
  }
}

/** A limit of the process boundary was reached (422: it is the template's doing); the detail names it. */
function limitReached(limit: keyof EvaluatorLimits, message: string): PaveError {
  const detail = `${message} (limit expressions.${limit})`;
  return invalidInput(`Expression limit exceeded: ${detail}`, [{ pointer: '', detail, rule: `expressions.${limit}` }]);
}

function messageError(detail: string): PaveError {
  return limitReached('maxMessageBytes', detail);
}

function closedError(): PaveError {
  return unavailable('The expression evaluator is shut down');
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
