/**
 * The child side of a benchmark's server process (Pave in catalog-server.ts, Backstage in backstage-server.ts):
 * samples the process's RSS every 50 ms, its CPU time and event-loop delay per phase, and talks to the benchmark
 * over IPC (the parent side is bench-process.ts). Sampling starts before the server does, so start-up counts.
 *
 * Messages in:  { type: 'phase', name }  start attributing RSS samples to a new phase
 *               { type: 'stats' }        answer with { type: 'stats', memory }
 *               { type: 'stop' }         close the server and exit
 * Messages out: { type: 'ready', url }, { type: 'stats', memory }, { type: 'failed', message }
 *
 * @example serveBenchProcess(async () => { const url = await listen(); return { url, close: () => app.close() }; });
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ServerMemory {
  /** Highest sampled RSS over the whole run, in bytes. */
  peakRss: number;
  /** Highest sampled RSS per phase, in bytes. */
  phases: Record<string, number>;
  /** process.resourceUsage().maxRSS, converted to bytes. */
  maxRss: number;
  /** RSS when these stats were taken, in bytes (after an idle phase: what the process keeps). */
  rss: number;
  samples: number;
  /** Longest gap between two samples (ms): how long the event loop was blocked at worst. */
  longestGapMs: number;
  /** Longest gap per phase (ms). */
  phaseGapsMs: Record<string, number>;
  /** CPU time (user + system) the process spent per phase, in ms: less sensitive to a busy machine than wall time. */
  phaseCpuMs: Record<string, number>;
  /** Event-loop delay per phase (perf_hooks.monitorEventLoopDelay, 10 ms resolution), in ms. */
  phaseLoopDelayMs: Record<string, { p50: number; p99: number; max: number }>;
}

export type ServerMessage = { type: 'ready'; url: string } | { type: 'stats'; memory: ServerMemory } | { type: 'failed'; message: string };
export type ClientMessage = { type: 'phase'; name: string } | { type: 'stats' } | { type: 'stop' };

/** A started server: where it answers and how to shut it down. */
export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

const SAMPLE_MS = 50;

/** Samples this process, starts the server with `start`, then answers the benchmark until told to stop. */
export function serveBenchProcess(start: () => Promise<BenchServer>): void {
  serve(start).catch(error => {
    process.send?.({ type: 'failed', message: (error as Error).stack ?? String(error) } satisfies ServerMessage);
    process.exit(1);
  });
}

async function serve(start: () => Promise<BenchServer>): Promise<void> {
  if (!process.send) throw new Error('a benchmark server process is started by the benchmark (it needs an IPC channel)');
  const send = (message: ServerMessage) => process.send!(message);

  let phase = 'startup';
  const memory: ServerMemory = { peakRss: 0, phases: {}, maxRss: 0, rss: 0, samples: 0, longestGapMs: 0, phaseGapsMs: {}, phaseCpuMs: {}, phaseLoopDelayMs: {} };
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const chargeLoopDelay = () => {
    const ms = (ns: number) => ns / 1e6;
    if (loopDelay.count) memory.phaseLoopDelayMs[phase] = { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) };
  };
  // From the process's start, so the startup phase's CPU includes loading the modules.
  let cpuMark: NodeJS.CpuUsage = { user: 0, system: 0 };
  const chargeCpu = () => {
    const used = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    memory.phaseCpuMs[phase] = (memory.phaseCpuMs[phase] ?? 0) + (used.user + used.system) / 1000;
  };
  let last = performance.now();
  const sample = () => {
    const now = performance.now();
    const gap = now - last;
    last = now;
    const rss = process.memoryUsage().rss;
    memory.samples++;
    memory.peakRss = Math.max(memory.peakRss, rss);
    memory.phases[phase] = Math.max(memory.phases[phase] ?? 0, rss);
    memory.longestGapMs = Math.max(memory.longestGapMs, gap);
    memory.phaseGapsMs[phase] = Math.max(memory.phaseGapsMs[phase] ?? 0, gap);
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  sample();

  const server = await start();

  process.on('message', (message: ClientMessage) => {
    if (message.type === 'phase') {
      sample();
      chargeCpu();
      chargeLoopDelay();
      loopDelay.reset();
      phase = message.name;
      last = performance.now();
    } else if (message.type === 'stats') {
      sample();
      chargeCpu();
      chargeLoopDelay();
      memory.maxRss = process.resourceUsage().maxRSS * 1024;
      memory.rss = process.memoryUsage().rss;
      send({ type: 'stats', memory });
    } else if (message.type === 'stop') {
      clearInterval(sampler);
      void server.close().finally(() => process.exit(0));
    }
  });
  send({ type: 'ready', url: server.url });
}
