/**
 * Delivery benchmark: a real Pave (createApp over a fresh SQLite file, or a fresh PostgreSQL schema with
 * --database-url) with `--components` components in the catalog. It ingests `--events` delivery events
 * (commits, staging and production deployments, some failures and incidents, spread over 90 days) through
 * the service the generic API calls, in batches of `delivery.maxBatch`, and prints the ingest rate; then it
 * computes all five DORA metrics for every component (the organisation's figures, which hold each
 * component's) over 90 days and prints the time. It asserts nothing.
 *
 * @example npm run bench -- delivery --events 1000000 --components 1000
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { ALL_ENTITIES } from '../src/catalog/query/entity-scope.js';
import { withBenchApp } from './bench-app.js';
import { machineFacts, measureAndPrint, wholeNumber, type MachineFacts } from './bench-args.js';
import { formatCount, formatMs, table } from './report.js';
import { Random } from './random.js';

export const usage = `npm run bench -- delivery [options]

  --events <n>          delivery events to ingest (default 1000000)
  --components <n>      components in the catalog (default 1000)
  --database-url <url>  run on PostgreSQL (a fresh schema, dropped afterwards) instead of SQLite
  --json                print JSON instead of a table`;

interface Options {
  events: number;
  components: number;
  databaseUrl?: string;
  json: boolean;
}

/** One computation of every component's figures; cpuMs: the bench process's CPU time during it (on SQLite the database's reads too; not PostgreSQL's server). */
interface DoraRun {
  components: number;
  windowDays: number;
  ms: number;
  cpuMs: number;
  deployments: number;
}

export interface DeliveryBenchReport {
  benchmark: 'delivery';
  environment: MachineFacts;
  options: Omit<Options, 'json'>;
  /** cpuMs: the bench process's CPU time (user + system) during the ingest calls: on SQLite all of Pave's work. */
  ingest: { events: number; stored: number; ms: number; cpuMs: number; perSecond: number };
  dora: DoraRun;
  /** The same again: on PostgreSQL after ANALYZE (what autovacuum does within a minute of a large ingest). */
  doraAgain: DoraRun;
}

const DAY = 86_400_000;

export const run = (argv: string[]): Promise<number> => measureAndPrint(argv, usage, parseOptions, measure, render);

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { events: { type: 'string' }, components: { type: 'string' }, 'database-url': { type: 'string' }, json: { type: 'boolean' } } });
  return {
    events: wholeNumber('events', values.events, 1_000_000, 1),
    components: wholeNumber('components', values.components, 1000, 1),
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    json: values.json ?? false,
  };
}

async function measure(options: Options): Promise<DeliveryBenchReport> {
  const environment = machineFacts();
  return withBenchApp('delivery', options.databaseUrl, async app => {
    process.stderr.write(`catalog: ${options.components} components…\n`);
    const refs: string[] = [];
    for (let i = 0; i < options.components; i++) {
      const name = `svc-${String(i).padStart(5, '0')}`;
      await app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, annotations: { 'github.com/project-slug': `bench/${name}` } }, spec: { type: 'service', lifecycle: 'production', owner: `team-${i % 50}` } });
      refs.push(`component:default/${name}`);
    }
    const operator = app.auth.localOperator();
    const random = new Random(42);
    const end = Date.now();
    const start = end - 90 * DAY;
    const batchSize = app.config.delivery.maxBatch;
    let sent = 0;
    let stored = 0;
    let ingestMs = 0;
    let ingestCpu = 0;
    process.stderr.write(`ingest: ${formatCount(options.events)} events…\n`);
    while (sent < options.events) {
      const batch: unknown[] = [];
      while (batch.length < batchSize && sent + batch.length < options.events) {
        const component = random.int(0, options.components - 1);
        const target = { annotation: 'github.com/project-slug', value: `bench/svc-${String(component).padStart(5, '0')}` };
        const at = new Date(start + random.next() * (end - start - DAY)).toISOString();
        const id = `bench-${sent + batch.length}`;
        const sha = (sent + batch.length).toString(16).padStart(8, '0');
        const kind = random.int(0, 9);
        if (kind < 6) batch.push({ id, type: 'change', at, target, sha });
        else if (kind < 9) batch.push({ id, type: 'deployment', at, target, environment: kind === 6 ? 'staging' : 'production', status: random.chance(0.1) ? 'failure' : 'success', sha });
        else batch.push({ id, type: 'incident', at, target, status: random.chance(0.5) ? 'opened' : 'resolved', incident: `inc-${component}-${random.int(0, 20)}` });
      }
      const began = performance.now();
      const cpu = process.cpuUsage();
      stored += (await app.delivery.ingest(operator, batch)).stored;
      ingestMs += performance.now() - began;
      const used = process.cpuUsage(cpu);
      ingestCpu += (used.user + used.system) / 1000;
      sent += batch.length;
      if (sent % 100_000 < batchSize) process.stderr.write(`  ${formatCount(sent)}\n`);
    }
    {
      // The ingest counts until SQLite's checkpoints after its large batches are done (store.ts): run beside the
      // figures, the last one's copy took a core from them.
      const began = performance.now();
      const cpu = process.cpuUsage();
      await app.store.checkpointed();
      ingestMs += performance.now() - began;
      const used = process.cpuUsage(cpu);
      ingestCpu += (used.user + used.system) / 1000;
    }
    const computeDora = async () => {
      const began = performance.now();
      const cpu = process.cpuUsage();
      const dora = await app.delivery.dora({ windowDays: 90, end: new Date(end).toISOString(), scope: ALL_ENTITIES });
      const used = process.cpuUsage(cpu);
      return { components: dora.components, windowDays: 90, ms: Math.round(performance.now() - began), cpuMs: Math.round((used.user + used.system) / 1000), deployments: dora.metrics.deploymentFrequency.deployments };
    };
    process.stderr.write('dora: every component over 90 days…\n');
    const dora = await computeDora();
    // Right after a million inserts PostgreSQL has no statistics of them yet (autovacuum analyzes within its naptime,
    // a minute by default) and plans the reads for a few rows: the figures a minute later are those after ANALYZE.
    if (app.store.dialect === 'postgres') await sql`ANALYZE delivery_events`.execute(app.store.db);
    process.stderr.write('dora: again\n');
    const doraAgain = await computeDora();
    environment.loadAverageAtEnd = loadavg();
    return {
      benchmark: 'delivery',
      environment,
      options: { events: options.events, components: options.components, ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) },
      ingest: { events: sent, stored, ms: Math.round(ingestMs), cpuMs: Math.round(ingestCpu), perSecond: Math.round(sent / (ingestMs / 1000)) },
      dora,
      doraAgain,
    };
  });
}

function render(report: DeliveryBenchReport): string {
  return [
    `${report.options.databaseUrl ? 'PostgreSQL' : 'SQLite'}, ${report.environment.cpus} CPUs, load ${report.environment.loadAverageAtStart.map(l => l.toFixed(1)).join(' ')} at the start, ${report.environment.loadAverageAtEnd?.map(l => l.toFixed(1)).join(' ') ?? '?'} at the end`,
    table(
      ['phase', 'amount', 'time', 'rate'],
      [
        ['ingest', `${formatCount(report.ingest.events)} events (${formatCount(report.ingest.stored)} new)`, `${duration(report.ingest.ms)} (CPU ${duration(report.ingest.cpuMs)})`, `${formatCount(report.ingest.perSecond)} events/s`],
        ...([['DORA, all five', report.dora], [report.options.databaseUrl ? 'DORA again, after ANALYZE' : 'DORA again', report.doraAgain]] as const).map(([phase, run]) => [phase, `${formatCount(run.components)} components, ${run.windowDays} days`, `${duration(run.ms)} (CPU ${duration(run.cpuMs)})`, `${formatCount(run.deployments)} deployments counted`]),
      ],
    ),
  ].join('\n');
}

/** A wall time with its unit (the shared formatter writes seconds from 10 s on, else bare milliseconds). */
function duration(ms: number): string {
  return ms >= 10_000 ? formatMs(ms) : `${formatMs(ms)} ms`;
}
