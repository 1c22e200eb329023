/**
 * The server side of the catalog benchmark, run as a child process so that its memory and CPU are
 * Pave's alone: starts a real Pave (fresh SQLite file, or the PostgreSQL schema named by
 * PAVE_BENCH_DATABASE_URL and PAVE_BENCH_DATABASE_SCHEMA; silent logger, 127.0.0.1, ephemeral port),
 * samples its RSS every 50 ms and its event-loop delay, and talks to the benchmark over IPC.
 *
 * Messages in:  { type: 'phase', name }  start attributing RSS samples to a new phase
 *               { type: 'stats' }        answer with { type: 'stats', memory }
 *               { type: 'stop' }         close Pave and exit
 * Messages out: { type: 'ready', url }, { type: 'stats', memory }, { type: 'failed', message }
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { defaultConfig, type PaveConfig } from '../src/pave-config.js';
import { createLogger } from '../src/core/logger.js';
import { createApp } from '../src/app.js';
import { createServer } from '../src/api/server.js';

export interface ServerMemory {
  /** Highest sampled RSS over the whole run, in bytes. */
  peakRss: number;
  /** Highest sampled RSS per phase, in bytes. */
  phases: Record<string, number>;
  /** process.resourceUsage().maxRSS, converted to bytes. */
  maxRss: number;
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

const SAMPLE_MS = 50;
/** Far above what a benchmark sends in a minute (the load benchmark's 200 clients manage a few thousand a second at best). */
const BENCH_SEARCH_PER_MINUTE = 10_000_000;

async function main(): Promise<void> {
  const dataDir = process.env.PAVE_BENCH_DATA_DIR;
  if (!dataDir || !process.send) throw new Error('catalog-server.ts is started by catalog-bench.ts (it needs PAVE_BENCH_DATA_DIR and an IPC channel)');
  const send = (message: ServerMessage) => process.send!(message);

  let phase = 'startup';
  const memory: ServerMemory = { peakRss: 0, phases: {}, maxRss: 0, samples: 0, longestGapMs: 0, phaseGapsMs: {}, phaseCpuMs: {}, phaseLoopDelayMs: {} };
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const chargeLoopDelay = () => {
    const ms = (ns: number) => ns / 1e6;
    if (loopDelay.count) memory.phaseLoopDelayMs[phase] = { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) };
  };
  let cpuMark = process.cpuUsage();
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

  const config: PaveConfig = {
    ...defaultConfig(),
    dataDir,
    ...(process.env.PAVE_BENCH_DATABASE_URL ? { databaseUrl: process.env.PAVE_BENCH_DATABASE_URL, databaseSchema: process.env.PAVE_BENCH_DATABASE_SCHEMA } : {}),
    port: 0,
    logLevel: 'silent',
    catalog: { ...defaultConfig().catalog, refreshIntervalSeconds: 24 * 3600 },
    // The benchmark measures the catalog, not sign-in: with auth off every caller acts as an anonymous admin.
    // All of its requests come from one caller, so the per-caller search limit (300 a minute) would answer
    // 429 to the benchmark's own warm-up and load: the counters are still kept (their cost is measured), the
    // ceiling is out of reach. Real servers keep the configured limits.
    auth: { ...defaultConfig().auth, enabled: false, rateLimit: { ...defaultConfig().auth.rateLimit, searchPerMinute: BENCH_SEARCH_PER_MINUTE } },
  };
  const app = await createApp(config, { logger: createLogger('silent') });
  // The catalog benchmark measures the API: a folder without index.html serves no portal.
  const server = await createServer(app, process.env.PAVE_BENCH_PORTAL === '1' ? {} : { portalDir: dataDir });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });

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
      send({ type: 'stats', memory });
    } else if (message.type === 'stop') {
      clearInterval(sampler);
      void (async () => {
        await server.close();
        await app.close();
        process.exit(0);
      })();
    }
  });
  send({ type: 'ready', url });
}

main().catch(error => {
  process.send?.({ type: 'failed', message: (error as Error).stack ?? String(error) } satisfies ServerMessage);
  process.exit(1);
});
