/**
 * `npm run bench -- load`: two Pave replicas on one PostgreSQL schema (each a child process, see
 * catalog-server.ts) over a generated catalog, and N concurrent clients on 127.0.0.1 for a while, each in a loop
 * over the catalog's read routes (by-query, by-name, facets, search), spread over both replicas. The catalog is
 * ingested by a Pave process of its own first; the replicas start over it and get traffic once /readyz says ready
 * (a replica warms search up before: src/catalog/search/catalog-search.ts' `warm`). Prints
 * throughput, p50/p99 per route and overall, and errors. Asserts nothing; the issue's goal is zero errors and
 * p99 under 100 ms with 200 clients on a 10k catalog.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readOptions, wholeNumber, machineFacts } from './bench-args.js';
import { generateCatalog } from './generate-catalog.js';
import { postgresQuery, startPaveProcess, type PaveProcess } from './catalog-bench.js';
import { percentile, formatMs, table } from './report.js';
import { Random } from './random.js';
import { KeepAliveClient } from './keep-alive-client.js';

/** The run is cut into this many slices for the p99 over time. */
const SLICES = 10;

export const usage = `npm run bench -- load [options]

  --clients <n>         concurrent clients (default 200)
  --seconds <n>         how long they run (default 60)
  --size <n>            catalog entities (default 10000)
  --replicas <n>        Pave processes sharing the database (default 2)
  --warm-up             before the clock starts, every replica answers each search word, the page and the
                        facets once (what is kept per catalog state is then made: the run measures the rest)
  --cpu-prof <dir>      write a V8 CPU profile of each replica into <dir>
  --database-url <url>  PostgreSQL (default PAVE_BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
  --json                print the report as JSON`;

interface Options {
  clients: number;
  seconds: number;
  size: number;
  replicas: number;
  warmUp: boolean;
  cpuProfDir: string | undefined;
  databaseUrl: string;
  json: boolean;
}

function parse(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    clients: wholeNumber('clients', value('clients'), 200, 1),
    seconds: wholeNumber('seconds', value('seconds'), 60, 1),
    size: wholeNumber('size', value('size'), 10_000, 50),
    replicas: wholeNumber('replicas', value('replicas'), 2, 1),
    warmUp: argv.includes('--warm-up'),
    cpuProfDir: ((dir = value('cpu-prof')) => (dir === undefined ? undefined : resolve(dir)))(),
    databaseUrl: value('database-url') ?? process.env.PAVE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    json: argv.includes('--json'),
  };
}

/** The replicas' phase while the clients run, so their CPU time then can be told apart from the ingest's. */
const LOAD_PHASE = 'load';

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

export async function run(argv: string[]): Promise<number> {
  const options = readOptions(argv, usage, parse);
  if (typeof options === 'number') return options;
  const progress = (message: string) => process.stderr.write(`${message}\n`);
  const environment = machineFacts();
  const dir = await mkdtemp(join(tmpdir(), 'pave-load-'));
  const schema = `pave_load_${Date.now()}`;
  const replicas: PaveProcess[] = [];
  try {
    await postgresQuery(options.databaseUrl, `CREATE SCHEMA ${schema}`);
    const catalog = await generateCatalog({ size: options.size, dir: join(dir, 'catalog') });
    progress(`ingesting ${options.size} entities into PostgreSQL schema ${schema}…`);
    const loader = await startPaveProcess(join(dir, 'loader'), { database: { url: options.databaseUrl, schema } });
    try {
      const ingest = await fetch(`${loader.url}/api/catalog/locations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'file', target: catalog.locationFile }) });
      if (ingest.status !== 201) throw new Error(`POST /api/catalog/locations answered ${ingest.status}: ${(await ingest.text()).slice(0, 300)}`);
    } finally {
      await loader.stop();
    }
    // Replicas started over the catalog, each sent traffic once its /readyz says it is ready, as a load balancer does.
    progress(`${options.replicas} replicas starting; waiting for their /readyz…`);
    for (let i = 0; i < options.replicas; i++) replicas.push(await startPaveProcess(join(dir, `replica-${i}`), { database: { url: options.databaseUrl, schema }, cpuProfDir: options.cpuProfDir }));
    const readyAfter = await Promise.all(replicas.map(replica => untilReady(replica.url)));

    const random = new Random(7);
    const names = catalog.componentNames;
    const words = catalog.searchWords;
    const routes: Record<string, () => string> = {
      'by-query': () => `/api/catalog/entities/by-query?filter=kind=component&limit=20&orderField=metadata.name,asc`,
      'by-name': () => `/api/catalog/entities/by-name/component/default/${random.pick(names)}`,
      facets: () => `/api/catalog/entity-facets?facet=kind&facet=spec.lifecycle`,
      search: () => `/api/search?q=${encodeURIComponent(random.pick(words))}&limit=10`,
    };
    const routeNames = Object.keys(routes);
    const latencies: Record<string, number[]> = Object.fromEntries(routeNames.map(name => [name, []]));
    /** Every answer's latency by the tenth of the run it started in: is the tail the cold start or all along? */
    const bySlice: number[][] = Array.from({ length: SLICES }, () => []);
    const errors: Record<string, number> = {};
    let deadline = 0;
    let started = 0;
    const http = new KeepAliveClient(options.clients);
    const client = async (id: number) => {
      for (let n = 0; Date.now() < deadline; n++) {
        // Each route goes to every replica in turn: with route and replica both taken as (id + n) modulo their
        // counts, two replicas got by-query and facets on one, by-name and search on the other.
        const turn = id + n;
        const route = routeNames[turn % routeNames.length]!;
        const base = replicas[Math.floor(turn / routeNames.length) % replicas.length]!.url;
        const sent = performance.now();
        try {
          const response = await http.get(`${base}${routes[route]!()}`);
          if (response.status !== 200) errors[`${route} ${response.status}`] = (errors[`${route} ${response.status}`] ?? 0) + 1;
          else {
            const latency = performance.now() - sent;
            latencies[route]!.push(latency);
            bySlice[Math.min(SLICES - 1, Math.floor(((sent - started) / (options.seconds * 1000)) * SLICES))]!.push(latency);
          }
        } catch (error) {
          const key = `${route} ${(error as Error).message}`;
          errors[key] = (errors[key] ?? 0) + 1;
        }
      }
    };
    if (options.warmUp) {
      progress(`warming up: ${words.length} searches, the page and the facets on each replica…`);
      const warm = new KeepAliveClient(4);
      for (const replica of replicas) {
        const paths = [routes['by-query']!(), routes.facets!(), ...words.map(word => `/api/search?q=${encodeURIComponent(word)}&limit=10`)];
        for (let i = 0; i < paths.length; i += 4) await Promise.all(paths.slice(i, i + 4).map(path => warm.get(`${replica.url}${path}`)));
      }
      warm.close();
    }
    progress(`${options.clients} clients for ${options.seconds} s…`);
    deadline = Date.now() + options.seconds * 1000;
    for (const replica of replicas) replica.phase(LOAD_PHASE);
    const clientCpu = process.cpuUsage();
    started = performance.now();
    await Promise.all(Array.from({ length: options.clients }, (_, id) => client(id)));
    const elapsed = (performance.now() - started) / 1000;
    const clientCpuMs = cpuMs(process.cpuUsage(clientCpu));
    http.close();
    const replicaCpuMs = (await Promise.all(replicas.map(replica => replica.stats()))).reduce((sum, stats) => sum + (stats.phaseCpuMs[LOAD_PHASE] ?? 0), 0);

    const all = Object.values(latencies).flat().sort((a, b) => a - b);
    const rows = routeNames.map(name => {
      const sorted = latencies[name]!.sort((a, b) => a - b);
      return { route: name, requests: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
    });
    const report = {
      environment,
      options: { ...options, databaseUrl: undefined },
      seconds: elapsed,
      /** Seconds from a replica's start (listening) to its /readyz saying it is ready. */
      readyAfter,
      requests: all.length,
      throughput: all.length / elapsed,
      p50: percentile(all, 0.5),
      p99: percentile(all, 0.99),
      errors,
      routes: rows,
      p99BySlice: bySlice.map(slice => percentile(slice.sort((a, b) => a - b), 0.99)),
      // Where the machine's CPU went while the clients ran: this process (the clients) and the replicas together.
      cpu: { clientMs: clientCpuMs, replicasMs: replicaCpuMs, clientShare: clientCpuMs / (clientCpuMs + replicaCpuMs), clientMsPerRequest: clientCpuMs / Math.max(all.length, 1), replicasMsPerRequest: replicaCpuMs / Math.max(all.length, 1) },
      loadAverageAtEnd: loadavg(),
    };
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(`Load: ${options.clients} clients, ${options.replicas} replicas on PostgreSQL, ${options.size} entities, ${elapsed.toFixed(1)} s${options.warmUp ? ' (after a warm-up)' : ''}`);
      console.log(table(['route', 'requests', 'p50 ms', 'p99 ms'], [...rows.map(r => [r.route, String(r.requests), formatMs(r.p50), formatMs(r.p99)]), ['all', String(all.length), formatMs(report.p50), formatMs(report.p99)]], { align: ['left', 'right', 'right', 'right'] }));
      console.log(`replicas ready ${readyAfter.map(seconds => seconds.toFixed(1)).join(', ')} s after they listened`);
      console.log(`p99 by tenth of the run: ${report.p99BySlice.map(formatMs).join(' ')} ms`);
      console.log(`throughput ${report.throughput.toFixed(0)} requests/s; errors: ${Object.keys(errors).length ? JSON.stringify(errors) : 'none'}`);
      const { cpu } = report;
      console.log(
        `CPU: clients ${(cpu.clientMs / 1000).toFixed(1)} s (${(cpu.clientShare * 100).toFixed(0)}% of clients + replicas; ${formatMs(cpu.clientMsPerRequest)} ms a request), replicas ${(cpu.replicasMs / 1000).toFixed(1)} s (${formatMs(cpu.replicasMsPerRequest)} ms a request)`,
      );
      console.log(`load average ${report.environment.loadAverageAtStart.map(n => n.toFixed(2)).join(' ')} at start, ${report.loadAverageAtEnd.map(n => n.toFixed(2)).join(' ')} at end (the machine is shared: compare CPU per request)`);
    }
    return 0;
  } finally {
    for (const replica of replicas) await replica.stop().catch(() => undefined);
    await postgresQuery(options.databaseUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Resolves once the replica's /readyz has nothing against it but its background workers (the benchmark's replicas run
 * none): a load balancer's wait, with the seconds it took.
 */
async function untilReady(url: string): Promise<number> {
  const started = performance.now();
  let checks: Array<{ name: string; ok: boolean }> = [];
  // As a load balancer would, but not forever: a replica that never gets ready (a failed start) ends the run.
  while (performance.now() - started < READY_WITHIN_MS) {
    checks = ((await (await fetch(`${url}/readyz`)).json()) as { checks?: typeof checks }).checks ?? [];
    if (checks.every(check => check.ok || check.name === 'workers')) return (performance.now() - started) / 1000;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`${url} was not ready within ${READY_WITHIN_MS / 1000} s: ${JSON.stringify(checks)}`);
}

/** How long a replica may take to get ready (its search warm-up included) before the run gives up. */
const READY_WITHIN_MS = 300_000;
