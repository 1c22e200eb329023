import { availableParallelism } from 'node:os';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { nodeEntry, type NodeEntry } from '../../core/node-entry.js';
import { startNodeWorker } from '../../core/node-worker.js';
import type { PlainYamlDocument } from './yaml-documents.js';

/** What the main thread sends a parse worker: one file's text. */
export interface EntityParseJob {
  id: number;
  text: string;
  source: string;
  maxDocumentBytes: number;
}

/** What a parse worker sends back. */
export interface EntityParseResult {
  id: number;
  documents: PlainYamlDocument[];
}

/** A parse worker stopped (crashed, ran out of memory, or the pool closed) before it answered for a file. */
export class ParseWorkerFailed extends Error {
  constructor(readonly source: string, reason: string) {
    super(`the file could not be parsed: the parsing worker stopped (${reason}); nothing from this read was stored, and the next refresh reads it again`);
  }
}

/** Built or from source: the worker entry beside this module (a flat bundle has it beside every chunk). */
const ENTRY: NodeEntry = nodeEntry('./entity-parse-worker.js', import.meta.url);
/**
 * Enough for a file at catalog.maxFileBytes (parsing costs about a hundred times the text of a document). The young
 * generation is small: a parse's garbage dies young and the documents leave by postMessage, so 64 MiB of it only held
 * ~80 MiB committed with ~5 MiB in use (8 MiB: ingest RSS ~65 MiB lower at 15.7k, the same CPU; bench/README).
 */
const DEFAULT_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 8 };
/**
 * A worker idle this long ends: between refreshes it held ~15–30 MiB (its heap, its malloc arena, its stack) for
 * nothing, and starting one again costs a few tens of ms of CPU once per read. Files of one read follow each other
 * far closer than this.
 */
const DEFAULT_IDLE_MS = 5_000;
/**
 * A file still being parsed after this long is given up and its worker ended: parsing is bounded by the file's size,
 * but a form a parser handles slowly must not hold every later read of every location (the largest file allowed
 * parses in about a second).
 */
const DEFAULT_FILE_DEADLINE_MS = 60_000;

interface Pending {
  job: EntityParseJob;
  resolve: (documents: PlainYamlDocument[]) => void;
  reject: (error: Error) => void;
  /** Set while a worker parses it: ends the worker at the deadline. */
  deadline?: NodeJS.Timeout;
  overran?: boolean;
}

/**
 * Parses entity files' YAML in a few worker threads (created when first needed, reused, ended by `close`), so a
 * big location's parsing runs beside the main thread's work and on other cores. A worker that crashes or exceeds its
 * `resourceLimits` fails only the files it held, with `ParseWorkerFailed`; the next file starts a new worker.
 * @example const documents = await pool.parse(text, 'catalog/a.yaml', 1 << 20);
 */
export class EntityParsePool {
  readonly #size: number;
  readonly #limits: ResourceLimits;
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Pending>();
  readonly #queue: Pending[] = [];
  readonly #idleMs: number;
  readonly #fileDeadlineMs: number;
  readonly #idleTimers = new Map<Worker, NodeJS.Timeout>();
  /** Idle workers told to end and not yet gone. */
  readonly #ending = new Set<Promise<void>>();
  #started = 0;
  #nextId = 0;
  #closed = false;

  constructor(options: { size?: number; resourceLimits?: ResourceLimits; idleMs?: number; fileDeadlineMs?: number } = {}) {
    // One core is left to the main thread (validation, placeholders, the writes): on 2 cores two workers cost more
    // CPU and gained no wall time in the 15.7k benchmark (bench/README.md).
    this.#size = options.size ?? Math.min(3, Math.max(1, availableParallelism() - 1));
    this.#limits = options.resourceLimits ?? DEFAULT_LIMITS;
    this.#idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.#fileDeadlineMs = options.fileDeadlineMs ?? DEFAULT_FILE_DEADLINE_MS;
  }

  /** The documents of one file's text, as `plainYamlDocuments` gives them. */
  parse(text: string, source: string, maxDocumentBytes: number): Promise<PlainYamlDocument[]> {
    if (this.#closed) return Promise.reject(new ParseWorkerFailed(source, 'the server is shutting down'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ job: { id: this.#nextId++, text, source, maxDocumentBytes }, resolve, reject });
      this.#dispatch();
    });
  }

  /** Ends every worker; files still waiting fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) pending.reject(new ParseWorkerFailed(pending.job.source, 'the server is shutting down'));
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    await Promise.all([...[...this.#idle.splice(0), ...this.#busy.keys()].map(worker => worker.terminate()), ...this.#ending]);
  }

  #dispatch(): void {
    while (this.#queue.length) {
      const worker = this.#idle.pop() ?? (this.#busy.size < this.#size ? this.#start() : undefined);
      if (!worker) return;
      clearTimeout(this.#idleTimers.get(worker));
      this.#idleTimers.delete(worker);
      const pending = this.#queue.shift()!;
      this.#busy.set(worker, pending);
      worker.ref();
      worker.postMessage(pending.job);
      pending.deadline = setTimeout(() => {
        pending.overran = true;
        void worker.terminate();
      }, this.#fileDeadlineMs);
    }
  }

  #start(): Worker {
    const worker = startNodeWorker(ENTRY, { resourceLimits: this.#limits });
    this.#started++;
    let failure = 'it exited';
    worker.on('message', (result: EntityParseResult) => {
      const pending = this.#busy.get(worker);
      if (pending?.job.id !== result.id) return;
      clearTimeout(pending.deadline);
      this.#busy.delete(worker);
      // An idle worker must not keep a command's process alive.
      worker.unref();
      this.#idle.push(worker);
      pending.resolve(result.documents);
      this.#dispatch();
      if (this.#idle.includes(worker)) this.#endWhenIdle(worker);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      failure = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : 'it crashed';
    });
    worker.on('exit', () => {
      clearTimeout(this.#idleTimers.get(worker));
      this.#idleTimers.delete(worker);
      const at = this.#idle.indexOf(worker);
      if (at >= 0) this.#idle.splice(at, 1);
      const pending = this.#busy.get(worker);
      this.#busy.delete(worker);
      clearTimeout(pending?.deadline);
      const reason = this.#closed ? 'the server is shutting down' : pending?.overran ? `it took longer than ${this.#fileDeadlineMs / 1000} s` : failure;
      pending?.reject(new ParseWorkerFailed(pending.job.source, reason));
      if (!this.#closed) this.#dispatch();
    });
    return worker;
  }

  /**
   * Ends the workers that are idle now, without waiting for the idle time: after a big read the write that follows
   * takes seconds, and a worker kept meanwhile holds its heap through the write's peak. Files parsed later start one.
   */
  endIdle(): void {
    for (const worker of [...this.#idle]) this.#end(worker);
  }

  /** Ends `worker` if it is still idle after the pool's idle time. */
  #endWhenIdle(worker: Worker): void {
    const timer = setTimeout(() => this.#end(worker), this.#idleMs);
    timer.unref();
    this.#idleTimers.set(worker, timer);
  }

  /** Ends an idle worker. It leaves the idle list before it is told to end, so no file is handed to a worker on its way out. */
  #end(worker: Worker): void {
    clearTimeout(this.#idleTimers.get(worker));
    this.#idleTimers.delete(worker);
    const at = this.#idle.indexOf(worker);
    if (at < 0) return;
    this.#idle.splice(at, 1);
    // Tracked until it has ended, so that close() waits for it too.
    const ending = worker.terminate().then(() => undefined, () => undefined);
    this.#ending.add(ending);
    void ending.finally(() => this.#ending.delete(ending));
  }

  /** Workers started so far (a failed one is replaced by a new one). */
  get workersStarted(): number {
    return this.#started;
  }

  /** Workers the pool holds now, parsing or idle (an idle one ends after the idle time). */
  get workersRunning(): number {
    return this.#idle.length + this.#busy.size;
  }
}
