/**
 * Platform benchmark: a real Pave (createApp over a fresh SQLite file, the reconciler running in the same
 * process, as `pave serve` runs it) with two local bare repositories as destinations. It applies `--count`
 * PostgreSQL requests (half placed on each destination) through the platform service, and measures for each
 * the time from its apply returning to its status turning Ready, which the reconciler stores right after the
 * push that carries its commit; then the throughput, the pushes per destination and the process's memory.
 * It prints figures; it asserts nothing.
 *
 * @example npm run bench -- platform --count 1000 --workers 8
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp, type PaveApp } from '../src/app.js';
import { defaultConfig } from '../src/pave-config.js';
import { createLogger } from '../src/core/logger.js';
import { runGit } from '../src/git/run-git.js';
import { ensureBareRepository } from '../src/git/bare-repository.js';
import { readDocuments } from '../src/platform/document-files.js';
import type { ChangeAuthor } from '../src/store/audit-log.js';
import { machineFacts, readOptions, wholeNumber, type MachineFacts } from './bench-args.js';
import { formatBytes, formatCount, formatMs, percentile, table } from './report.js';

export const usage = `npm run bench -- platform [options]

  --count <n>      requests to apply (default 1000), half on each of the two destinations
  --workers <n>    reconciles at once (the platform.workers setting; default 8)
  --rate <n>       apply at most n requests per second (default 0: as fast as applies return)
  --singles <n>    then, on the idle server, apply n more one at a time, each once the last is committed (default 20)
  --keep           keep the data folder (the path is printed)
  --json           print JSON instead of tables (use \`npm run -s bench\` so npm's banner stays out of stdout)`;

interface Options {
  count: number;
  workers: number;
  rate: number;
  singles: number;
  keep: boolean;
  json: boolean;
}

const DESTINATIONS = ['dev', 'prod'] as const;
const NAMESPACE = 'bench-team';
/** Who the bench's changes are audited as. */
const OPERATOR: ChangeAuthor = { actor: 'bench:platform' };
const CAPABILITY = fileURLToPath(new URL('../demo/platform/capabilities/postgresql.yaml', import.meta.url));

export interface PlatformBenchReport {
  benchmark: 'platform';
  startedAt: string;
  environment: MachineFacts;
  options: Omit<Options, 'json' | 'keep'>;
  /** Apply calls (validation, store, enqueue), while the reconciler runs beside them. */
  apply: { totalMs: number; p50Ms: number; p99Ms: number; perSecond: number };
  /** From an apply returning to the request being Ready (its commit pushed). */
  committed: { ready: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Requests committed per second, from the first apply to the last Ready. */
  throughputPerSecond: number;
  totalMs: number;
  /** CPU time of the process (applies, reconciles and the git processes it waited for) from the first apply to the last Ready. */
  cpuMs: { process: number; children: number };
  /** Single requests on the idle server, one after the other: from the apply returning to Ready. */
  single: { n: number; p50Ms: number; p99Ms: number; maxMs: number };
  destinations: Array<{ name: string; commits: number; pushes: number }>;
  memory: { peakRssBytes: number; maxRssBytes: number; heapUsedBytes: number };
  dataDir?: string;
}

/** Runs the platform benchmark with command-line style arguments; returns the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const options = readOptions(argv, usage, parseOptions);
  if (typeof options === 'number') return options;
  const report = await bench(options);
  console.log(options.json ? JSON.stringify(report, null, 2) : renderReport(report));
  return report.committed.ready === options.count ? 0 : 1;
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { count: { type: 'string' }, workers: { type: 'string' }, rate: { type: 'string' }, singles: { type: 'string' }, keep: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  if (positionals.length) throw new Error(`Unexpected argument(s): ${positionals.join(' ')}`);
  return {
    count: wholeNumber('count', values.count, 1000, 1),
    workers: wholeNumber('workers', values.workers, 8, 1),
    rate: wholeNumber('rate', values.rate, 0, 0),
    singles: wholeNumber('singles', values.singles, 20, 0),
    keep: values.keep ?? false,
    json: values.json ?? false,
  };
}

async function bench(options: Options): Promise<PlatformBenchReport> {
  const startedAt = new Date().toISOString();
  const machine = machineFacts();
  const dataDir = await mkdtemp(join(tmpdir(), 'pave-platform-bench-'));
  const app = await createApp(
    // The bench team owns its namespace through the configuration (there is no catalog here).
    { ...defaultConfig(), dataDir, logLevel: 'silent', platform: { ...defaultConfig().platform, workers: options.workers, namespaceOwners: { [NAMESPACE]: `group:default/${NAMESPACE}` } } },
    { logger: createLogger('silent') },
  );
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    const repos = await setUp(app, dataDir);
    const applied = new Map<string, number>();
    const readyAt = new Map<string, number>();
    let allReady: () => void = () => undefined;
    const done = new Promise<void>(resolve => (allReady = resolve));
    // The single requests after the run wait for their own Ready.
    const readyWaiters = new Map<string, () => void>();
    // Ready is read from the event log, as every watcher of the platform reads it.
    const watching = new AbortController();
    const events = await app.platform.watchEvents({ namespace: NAMESPACE, signal: watching.signal });
    void (async () => {
      for await (const { type, payload } of events) {
        if (type !== 'platform.request.phase-changed' || payload.phase !== 'Ready' || typeof payload.name !== 'string' || readyAt.has(payload.name)) continue;
        const single = readyWaiters.get(payload.name);
        if (single) {
          single();
          continue;
        }
        readyAt.set(payload.name, performance.now());
        if (readyAt.size === options.count) allReady();
      }
    })();
    const apply = (name: string, i: number) =>
      app.platform.applyRequest(
        {
          apiVersion: 'databases.pave.dev/v1alpha1',
          kind: 'PostgreSQL',
          metadata: { name, namespace: NAMESPACE },
          spec: { environment: DESTINATIONS[i % 2], storage: `${1 + (i % 50)}Gi` },
        },
        OPERATOR,
      );
    await app.workers.start(['platform.reconciler']);
    process.stderr.write(`applying ${formatCount(options.count)} requests (${options.workers} workers)…\n`);
    const applyMs: number[] = [];
    const cpuBefore = cpuTimes();
    const first = performance.now();
    for (let i = 0; i < options.count; i++) {
      if (options.rate) {
        const due = first + (i * 1000) / options.rate;
        if (due > performance.now()) await new Promise(resolve => setTimeout(resolve, due - performance.now()));
      }
      const name = `db-${String(i).padStart(5, '0')}`;
      const start = performance.now();
      await apply(name, i);
      const end = performance.now();
      applied.set(name, end);
      applyMs.push(end - start);
    }
    const applyTotal = performance.now() - first;
    process.stderr.write(`applied in ${(applyTotal / 1000).toFixed(1)} s; waiting for every commit…\n`);
    await done;
    const cpuAfter = cpuTimes();
    const last = Math.max(...readyAt.values());
    const singleMs: number[] = [];
    for (let i = 0; i < options.singles; i++) {
      const name = `single-${String(i).padStart(4, '0')}`;
      const ready = new Promise<void>(resolve => readyWaiters.set(name, resolve));
      await apply(name, i);
      const start = performance.now();
      await ready;
      singleMs.push(performance.now() - start);
    }
    watching.abort();
    const singleSorted = [...singleMs].sort((a, b) => a - b);
    const latencies = [...readyAt].map(([name, at]) => at - applied.get(name)!).sort((a, b) => a - b);
    const applySorted = [...applyMs].sort((a, b) => a - b);
    await app.platform.reconciler.stop();
    return {
      benchmark: 'platform',
      startedAt,
      environment: { ...machine, loadAverageAtEnd: loadavg() },
      options: { count: options.count, workers: options.workers, rate: options.rate, singles: options.singles },
      apply: { totalMs: applyTotal, p50Ms: percentile(applySorted, 0.5), p99Ms: percentile(applySorted, 0.99), perSecond: (options.count / applyTotal) * 1000 },
      committed: { ready: readyAt.size, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), maxMs: latencies.at(-1) ?? Number.NaN },
      throughputPerSecond: (readyAt.size / (last - first)) * 1000,
      totalMs: last - first,
      cpuMs: { process: cpuAfter.process - cpuBefore.process, children: cpuAfter.children - cpuBefore.children },
      single: { n: singleMs.length, p50Ms: percentile(singleSorted, 0.5), p99Ms: percentile(singleSorted, 0.99), maxMs: singleSorted.at(-1) ?? Number.NaN },
      destinations: await Promise.all(DESTINATIONS.map(async name => ({ name, ...(await history(repos[name])) }))),
      memory: { peakRssBytes: peakRss, maxRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: process.memoryUsage().heapUsed },
      ...(options.keep ? { dataDir } : {}),
    };
  } finally {
    clearInterval(sampler);
    await app.close();
    if (!options.keep) await rm(dataDir, { recursive: true, force: true });
  }
}

/** Two bare repositories as destinations `dev` and `prod` (pushes logged, to count them) and the PostgreSQL capability. */
async function setUp(app: PaveApp, dataDir: string): Promise<Record<(typeof DESTINATIONS)[number], string>> {
  const repos = { dev: join(dataDir, 'repos', 'dev.git'), prod: join(dataDir, 'repos', 'prod.git') };
  for (const name of DESTINATIONS) {
    const url = await ensureBareRepository(repos[name], 'main');
    await runGit(['--git-dir', repos[name], 'config', 'core.logAllRefUpdates', 'always']);
    await app.platform.applyDestination(
      {
        apiVersion: 'pave.dev/v1alpha1',
        kind: 'Destination',
        metadata: { name, labels: { env: name } },
        spec: { git: { url, branch: 'main', path: `clusters/${name}` } },
      },
      OPERATOR,
    );
  }
  for (const document of await readDocuments(CAPABILITY)) await app.platform.publishCapability(document, OPERATOR);
  return repos;
}

/** Commits Pave made on a destination's branch, and the pushes that carried them (ref updates). */
async function history(bare: string): Promise<{ commits: number; pushes: number }> {
  const commits = Number((await runGit(['--git-dir', bare, 'rev-list', '--count', 'main'])).stdout.trim()) - 1;
  const pushes = (await runGit(['--git-dir', bare, 'reflog', 'show', '--format=%H', 'main'])).stdout.trim().split('\n').filter(Boolean).length;
  return { commits, pushes };
}

function renderReport(report: PlatformBenchReport): string {
  const { apply, committed } = report;
  const lines = [
    `platform: ${formatCount(report.options.count)} requests over ${report.destinations.length} destinations, ${report.options.workers} workers${report.options.rate ? `, applied at ${report.options.rate}/s` : ''}`,
    '',
    table(
      ['phase', 'n', 'p50 ms', 'p99 ms', 'max ms', 'per second'],
      [
        ['apply', formatCount(report.options.count), formatMs(apply.p50Ms), formatMs(apply.p99Ms), '-', apply.perSecond.toFixed(1)],
        ['apply → committed', formatCount(committed.ready), formatMs(committed.p50Ms), formatMs(committed.p99Ms), formatMs(committed.maxMs), report.throughputPerSecond.toFixed(1)],
        ...(report.single.n ? [['single, idle: apply → committed', formatCount(report.single.n), formatMs(report.single.p50Ms), formatMs(report.single.p99Ms), formatMs(report.single.maxMs), '-']] : []),
      ],
      { align: ['left', 'right', 'right', 'right', 'right', 'right'] },
    ),
    '',
    table(
      ['destination', 'commits', 'pushes', 'commits per push'],
      report.destinations.map(d => [d.name, formatCount(d.commits), formatCount(d.pushes), (d.commits / Math.max(1, d.pushes)).toFixed(1)]),
      { align: ['left', 'right', 'right', 'right'] },
    ),
    '',
    `all committed ${(report.totalMs / 1000).toFixed(1)} s after the first apply, using ${(report.cpuMs.process / 1000).toFixed(1)} s of CPU (+ ${(report.cpuMs.children / 1000).toFixed(1)} s in git processes); memory: peak RSS ${formatBytes(report.memory.peakRssBytes)} (maxRSS ${formatBytes(report.memory.maxRssBytes)}), heap used at the end ${formatBytes(report.memory.heapUsedBytes)}`,
    `load average ${report.environment.loadAverageAtStart.map(n => n.toFixed(2)).join(' ')} at start, ${report.environment.loadAverageAtEnd?.map(n => n.toFixed(2)).join(' ')} at end; ${report.environment.cpus} × ${report.environment.cpuModel}`,
  ];
  if (report.dataDir) lines.push(`data kept in ${report.dataDir}`);
  return lines.join('\n');
}

/** CPU time so far of this process, and of the child processes it has waited for (git), in ms. */
function cpuTimes(): { process: number; children: number } {
  const own = process.cpuUsage();
  return { process: (own.user + own.system) / 1000, children: childrenCpuMs() };
}

/** Children's CPU from /proc (Linux: fields cutime and cstime of /proc/self/stat, in clock ticks); 0 elsewhere. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return 0;
  }
}
