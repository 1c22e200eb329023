/**
 * Catalog benchmark: for each catalog size, generates a synthetic Backstage catalog, starts a real Pave
 * on a fresh SQLite file or PostgreSQL schema (in a child process, see catalog-server.ts), registers the catalog through
 * `POST /api/catalog/locations` and measures ingest-to-queryable time, checks the entity count, then
 * measures read latency over real HTTP (sequential requests after a warm-up) and the server's memory.
 * It prints figures; it asserts nothing.
 *
 * @example npm run bench -- catalog --sizes 1000,10000 --json
 */
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { CATALOG_READ_OPTIONS, catalogReadOptions, machineFacts, readOptions, type CatalogReadOptions, type MachineFacts } from './bench-args.js';
import { generateCatalog, DEFAULT_SEED, type GeneratedCatalog } from './generate-catalog.js';
import { Random } from './random.js';
import { formatBytes, formatCount, formatMs, percentile, table } from './report.js';
import type { ServerMemory } from './bench-server.js';
import { forkBenchServer, type BenchProcess } from './bench-process.js';
import { benchServerScript } from './bench-bundle.js';
import { reviseCatalog } from './revise-catalog.js';

/** Long enough for V8's memory reducer and the allocators to hand back what the work left behind. */
const DEFAULT_IDLE_SECONDS = 10;

export const usage = `npm run bench -- catalog [options]

  --sizes <list>        catalog sizes, comma-separated (default 1000,10000,100000)
  --requests <n>        measured requests per operation (default 300)
  --warmup <n>          warm-up requests per operation (default 20, at most 5 s)
  --max-seconds <s>     stop measuring an operation after this long (default 30)
  --seed <n>            generator and request-mix seed (default ${DEFAULT_SEED})
  --cpu-prof <dir>      write a V8 CPU profile of each Pave server process into <dir>
  --idle-seconds <n>    how long the server sits idle after the reads before its RSS is taken (default ${DEFAULT_IDLE_SECONDS})
  --changed-share <f>   share of the files changed before the last refresh, during which by-name is measured (default 1: all; 0 skips it)
  --node-flags <flags>  Node/V8 flags for the Pave server process, space-separated (e.g. --node-flags="--max-semi-space-size=4")
  --database-url <url>  run Pave on PostgreSQL (a fresh schema per size, dropped afterwards) instead of SQLite
  --keep                keep the generated catalog and database (paths are printed)
  --json                print JSON instead of tables (use \`npm run -s bench\` so npm's banner stays out of stdout)`;

interface Options extends CatalogReadOptions {
  cpuProfDir?: string;
  idleSeconds: number;
  changedShare: number;
  nodeFlags?: string[];
  databaseUrl?: string;
}

export interface OperationResult {
  operation: string;
  /** Measured requests (warm-up excluded). */
  requests: number;
  /** Requests that did not answer 2xx. */
  failures: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  meanResponseBytes: number;
  /** The server process's CPU time (user + system) per measured request, in ms: steadier than latency on a busy machine. */
  serverCpuMs?: number;
  note?: string;
}

export interface IngestResult {
  /** From sending the request until its whole response is read: the entities are queryable from then on. */
  totalMs: number;
  /** Until the response headers arrived (the server had finished the work and serialized the body). */
  headersMs: number;
  status: number;
  responseBytes: number;
  entitiesPerSecond: number;
  /** Events the ingest appended to the event log (one per entity created, one for the location), and per second. */
  events?: number;
  eventsPerSecond?: number;
  /** GET /api/health, polled every 200 ms while the ingest ran: how responsive the server stayed. */
  healthDuringIngest: { requests: number; failures: number; p50Ms: number; maxMs: number };
}

export interface ChangedRefreshResult {
  files: number;
  /** Entities whose description the files' change touched. */
  entities: number;
  /** Events the refresh appended (one per entity it wrote, one for the location). */
  events: number;
  totalMs: number;
  status: number;
  cpuMs?: number;
  loopDelayMs?: { p99: number; max: number };
  /** Highest RSS while it ran. */
  rss?: number;
  /** Sequential GET by-name (random component) from the refresh's request until its answer. */
  byName: OperationResult;
}

export interface SizeResult {
  size: number;
  catalog?: { files: number; bytes: number; expectedEntities: number; counts: Record<string, number>; generateMs: number; dir?: string };
  ingest?: IngestResult;
  /** POST /api/catalog/locations/:id/refresh right after the ingest: the same files again, so nothing changes. */
  refresh?: { totalMs: number; status: number; cpuMs?: number; loopDelayMs?: { p99: number; max: number } };
  /** After the idle phase: the location refreshed once many of its files changed, while a client asks by-name. */
  changedRefresh?: ChangedRefreshResult;
  verify?: { totalItems: number; expected: number; matches: boolean; locationState?: string; locationEntityCount?: number; locationErrorCount?: number; productionComponents?: { found: number; expected: number } };
  operations: OperationResult[];
  memory?: ServerMemory;
  /** From forking the server process until it listened. */
  startupMs?: number;
  databaseBytes?: number;
  dataDir?: string;
  error?: string;
}

export interface CatalogBenchReport {
  benchmark: 'catalog';
  startedAt: string;
  environment: MachineFacts;
  store: 'sqlite' | 'postgres';
  options: Omit<Options, 'json' | 'keep' | 'databaseUrl'>;
  results: SizeResult[];
  totalMs: number;
}

/** Runs the catalog benchmark with command-line style arguments; returns the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const options = readOptions(argv, usage, parseOptions);
  if (typeof options === 'number') return options;
  const started = performance.now();
  const report: CatalogBenchReport = {
    benchmark: 'catalog',
    startedAt: new Date().toISOString(),
    environment: machineFacts(),
    store: options.databaseUrl ? 'postgres' : 'sqlite',
    options: { sizes: options.sizes, requests: options.requests, warmup: options.warmup, maxSeconds: options.maxSeconds, seed: options.seed, cpuProfDir: options.cpuProfDir, idleSeconds: options.idleSeconds, changedShare: options.changedShare, nodeFlags: options.nodeFlags },
    results: [],
    totalMs: 0,
  };
  for (const size of options.sizes) report.results.push(await benchSize(size, options));
  report.totalMs = performance.now() - started;
  report.environment.loadAverageAtEnd = loadavg();
  console.log(options.json ? JSON.stringify(report, null, 2) : renderReport(report));
  return 0;
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CATALOG_READ_OPTIONS, 'cpu-prof': { type: 'string' }, 'idle-seconds': { type: 'string' }, 'changed-share': { type: 'string' }, 'node-flags': { type: 'string' }, 'database-url': { type: 'string' } },
  });
  if (positionals.length) throw new Error(`Unexpected argument(s): ${positionals.join(' ')}`);
  const idleSeconds = values['idle-seconds'] === undefined ? DEFAULT_IDLE_SECONDS : Number(values['idle-seconds']);
  if (!(idleSeconds >= 0)) throw new Error(`--idle-seconds must be a number of seconds, 0 or more (got ${values['idle-seconds']})`);
  const changedShare = values['changed-share'] === undefined ? 1 : Number(values['changed-share']);
  if (!(changedShare >= 0 && changedShare <= 1)) throw new Error(`--changed-share must be a share from 0 to 1 (got ${values['changed-share']})`);
  return {
    ...catalogReadOptions(values, '1000,10000,100000'),
    cpuProfDir: values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined,
    idleSeconds,
    changedShare,
    nodeFlags: values['node-flags']?.split(' ').filter(Boolean),
    databaseUrl: values['database-url'],
  };
}

function progress(message: string): void {
  process.stderr.write(`[catalog-bench] ${message}\n`);
}

async function benchSize(size: number, options: Options): Promise<SizeResult> {
  const result: SizeResult = { size, operations: [] };
  const root = await mkdtemp(join(tmpdir(), `pave-bench-catalog-${size}-`));
  const dataDir = join(root, 'data');
  let server: PaveProcess | undefined;
  const database = options.databaseUrl ? { url: options.databaseUrl, schema: `pave_bench_${size}_${Date.now()}` } : undefined;
  try {
    progress(`${formatCount(size)} entities: generating the catalog…`);
    const t = performance.now();
    const catalog = await generateCatalog({ size, dir: join(root, 'catalog'), seed: options.seed });
    result.catalog = {
      files: catalog.files.length + 1,
      bytes: catalog.bytes,
      expectedEntities: catalog.totalEntities,
      counts: catalog.counts,
      generateMs: performance.now() - t,
      ...(options.keep ? { dir: catalog.dir } : {}),
    };
    progress(`  ${catalog.files.length} files, ${formatBytes(catalog.bytes)} in ${(result.catalog.generateMs / 1000).toFixed(1)} s; starting Pave…`);

    await mkdir(dataDir, { recursive: true });
    if (database) await postgresQuery(database.url, `CREATE SCHEMA ${database.schema}`);
    server = await startPaveProcess(dataDir, { cpuProfDir: options.cpuProfDir, nodeFlags: options.nodeFlags, database });
    result.startupMs = server.startupMs;

    server.phase('ingest');
    progress(`  registering ${catalog.locationFile}…${options.cpuProfDir ? ` (CPU profile of Pave process ${server.pid} goes to ${options.cpuProfDir})` : ''}`);
    const probe = startHealthProbe(`${server.url}/api/health`);
    const ingest = await timedPost(`${server.url}/api/catalog/locations`, { type: 'file', target: catalog.locationFile });
    const health = await probe.stop();
    result.ingest = {
      totalMs: ingest.totalMs,
      headersMs: ingest.headersMs,
      status: ingest.status,
      responseBytes: ingest.bytes,
      entitiesPerSecond: catalog.totalEntities / (ingest.totalMs / 1000),
      healthDuringIngest: health,
    };
    result.ingest.events = await countEvents(server.url);
    result.ingest.eventsPerSecond = result.ingest.events / (ingest.totalMs / 1000);
    progress(`  ingest answered ${ingest.status} after ${(ingest.totalMs / 1000).toFixed(2)} s (${formatBytes(ingest.bytes)} response)`);
    if (ingest.status !== 201) throw new Error(`POST /api/catalog/locations answered ${ingest.status}: ${ingest.text.slice(0, 500)}`);

    server.phase('verify');
    result.verify = await verify(server.url, catalog);
    if (!result.verify.matches) progress(`  WARNING: the catalog holds ${result.verify.totalItems} entities, expected ${result.verify.expected}`);

    server.phase('refresh');
    const locationId = ((await getJson(`${server.url}/api/catalog/locations`)) as Array<{ data: { id: string } }>)[0]!.data.id;
    progress('  refreshing it (nothing changed)…');
    const refresh = await timedPost(`${server.url}/api/catalog/locations/${locationId}/refresh`, {});
    result.refresh = { totalMs: refresh.totalMs, status: refresh.status };

    server.phase(QUERY_PHASE);
    result.operations = await measureReads(server, catalog, options, ingest.totalMs);

    // What the process keeps once the work is done: what is garbage by then, and what the allocators hand back.
    server.phase('idle');
    await sleep(options.idleSeconds * 1000);
    result.memory = await server.stats();
    if (result.refresh) {
      result.refresh.cpuMs = result.memory.phaseCpuMs.refresh;
      result.refresh.loopDelayMs = result.memory.phaseLoopDelayMs.refresh;
    }
    result.databaseBytes = database ? await postgresSchemaSize(database.url, database.schema) : await databaseSize(dataDir);

    // Last, so that the figures above stay those of a catalog loaded once.
    if (options.changedShare > 0) {
      result.changedRefresh = await changedRefresh(server, catalog, locationId, options);
      result.operations.push({ ...result.changedRefresh.byName, note: changedRefreshNote(result.changedRefresh) });
    }
    if (options.keep) result.dataDir = dataDir;
  } catch (error) {
    result.error = (error as Error).message;
    progress(`  FAILED: ${result.error}`);
    if (server && !result.memory) result.memory = await server.stats().catch(() => undefined);
  } finally {
    await server?.stop();
    if (!options.keep) await rm(root, { recursive: true, force: true });
    if (database && !options.keep) await postgresQuery(database.url, `DROP SCHEMA IF EXISTS ${database.schema} CASCADE`).catch(error => progress(`  could not drop ${database.schema}: ${(error as Error).message}`));
  }
  return result;
}

/**
 * Changes `--changed-share` of the location's files (every entity in them), then refreshes it while one client asks
 * by-name for random components, one request after another, until the refresh answers: how long a read waits
 * while a refresh writes.
 */
async function changedRefresh(server: BenchProcess, catalog: GeneratedCatalog, locationId: string, options: Options): Promise<ChangedRefreshResult> {
  const revision = await reviseCatalog(catalog, { revision: 2, share: options.changedShare });
  progress(`  refreshing it after changing ${revision.files} files (${formatCount(revision.entities)} entities), by-name meanwhile…`);
  const eventsBefore = await countEvents(server.url);
  const rng = new Random(options.seed ^ 0xc4a9);
  const phase = 'refresh: changed';
  server.phase(phase);
  const refresh = timedPost(`${server.url}/api/catalog/locations/${locationId}/refresh`, {});
  const byName = await measureUntil(server.url, { name: `GET by-name during a refresh`, path: () => `/api/catalog/entities/by-name/component/default/${rng.pick(catalog.componentNames)}` }, refresh);
  const answer = await refresh;
  const memory = await server.stats();
  server.phase('after changed refresh');
  const events = (await countEvents(server.url)) - eventsBefore;
  return {
    files: revision.files,
    entities: revision.entities,
    events,
    totalMs: answer.totalMs,
    status: answer.status,
    cpuMs: memory.phaseCpuMs[phase],
    loopDelayMs: memory.phaseLoopDelayMs[phase],
    rss: memory.phases[phase],
    byName,
  };
}

function changedRefreshNote(r: ChangedRefreshResult): string {
  return [
    `refresh ${(r.totalMs / 1000).toFixed(2)} s${r.status === 200 ? '' : ` (${r.status})`} writing ${formatCount(r.events)} events for ${formatCount(r.entities)} changed entities`,
    r.cpuMs !== undefined ? `CPU ${(r.cpuMs / 1000).toFixed(2)} s` : '',
    r.loopDelayMs ? `loop delay p99 / max ${formatMs(r.loopDelayMs.p99)} / ${formatMs(r.loopDelayMs.max)} ms` : '',
    r.rss !== undefined ? `RSS ${formatBytes(r.rss)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** How many events the log holds, read through the feed a page at a time. */
async function countEvents(url: string): Promise<number> {
  let count = 0;
  for (let after = 0; ; ) {
    const page = (await getJson(`${url}/api/events?after=${after}&limit=1000`)) as { items: unknown[]; nextCursor: number };
    count += page.items.length;
    if (page.nextCursor === after) return count;
    after = page.nextCursor;
  }
}

async function verify(url: string, catalog: GeneratedCatalog): Promise<NonNullable<SizeResult['verify']>> {
  const total = (await getJson(`${url}/api/catalog/entities/by-query?limit=0`)) as { totalItems: number };
  const production = (await getJson(`${url}/api/catalog/entities/by-query?filter=kind=component,spec.lifecycle=production&limit=0`)) as { totalItems: number };
  const locations = (await getJson(`${url}/api/catalog/locations`)) as Array<{ data: { id: string } }>;
  const first = locations[0]?.data.id;
  const status = first ? ((await getJson(`${url}/api/catalog/locations/${first}`)) as { status: { state: string; entityCount: number; errorCount: number } }).status : undefined;
  return {
    totalItems: total.totalItems,
    expected: catalog.totalEntities,
    matches: total.totalItems === catalog.totalEntities,
    locationState: status?.state,
    locationEntityCount: status?.entityCount,
    locationErrorCount: status?.errorCount,
    productionComponents: { found: production.totalItems, expected: catalog.productionComponents },
  };
}

/** The server's phase while reads are measured; each operation's measured requests are `queries: <operation>`. */
const QUERY_PHASE = 'queries';

/** Highest RSS while reads were measured, over the queries phase and each operation's own. */
function queriesRss(memory: ServerMemory): number {
  return Math.max(...Object.entries(memory.phases).filter(([name]) => name === QUERY_PHASE || name.startsWith(`${QUERY_PHASE}:`)).map(([, rss]) => rss));
}

/** Warm-up stops after this long even if fewer than --warmup requests were made. */
const WARMUP_MAX_MS = 5_000;

export interface ReadOperation {
  name: string;
  path: () => string;
}

async function measureReads(server: BenchProcess, catalog: GeneratedCatalog, options: Options, ingestMs: number): Promise<OperationResult[]> {
  const url = server.url;
  const rng = new Random(options.seed ^ 0x5eed);
  const query = '/api/catalog/entities/by-query?filter=kind=component,spec.lifecycle=production&limit=50';
  const firstPage = (await getJson(url + query)) as { pageInfo: { nextCursor?: string } };
  const cursor = firstPage.pageInfo.nextCursor;
  const operations: ReadOperation[] = [
    { name: 'GET by-name (random component)', path: () => `/api/catalog/entities/by-name/component/default/${rng.pick(catalog.componentNames)}` },
    { name: 'GET by-query production components, page 1', path: () => query },
    ...(cursor ? [{ name: 'GET by-query … page 2 (nextCursor)', path: () => `/api/catalog/entities/by-query?cursor=${encodeURIComponent(cursor)}&limit=50` }] : []),
    { name: 'GET by-query kind=component,spec.owner=<team>', path: () => `/api/catalog/entities/by-query?filter=kind=component,spec.owner=group:${rng.pick(catalog.ownerNames)}&limit=50` },
    { name: 'GET by-query relations.ownedBy=<team>', path: () => `/api/catalog/entities/by-query?filter=relations.ownedBy=group:default/${rng.pick(catalog.ownerNames)}&limit=50` },
    { name: 'GET entity-facets kind, spec.type, spec.owner', path: () => '/api/catalog/entity-facets?facet=kind&facet=spec.type&facet=spec.owner' },
    { name: 'GET search ?q=<random description word>', path: () => `/api/search?q=${encodeURIComponent(rng.pick(catalog.searchWords))}` },
  ];
  const results: OperationResult[] = [
    {
      operation: 'POST locations (ingest until queryable)',
      requests: 1,
      failures: 0,
      p50Ms: ingestMs,
      p99Ms: ingestMs,
      meanMs: ingestMs,
      maxMs: ingestMs,
      meanResponseBytes: Number.NaN,
      note: `${formatCount(catalog.totalEntities)} entities`,
    },
  ];
  for (const operation of operations) {
    progress(`  measuring ${operation.name}…`);
    results.push(await measure(url, operation, options, server));
  }
  if (!cursor) results.push({ ...emptyResult('GET by-query … page 2 (nextCursor)'), note: 'page 1 had no nextCursor' });
  return results;
}

function emptyResult(operation: string): OperationResult {
  return { operation, requests: 0, failures: 0, p50Ms: Number.NaN, p99Ms: Number.NaN, meanMs: Number.NaN, maxMs: Number.NaN, meanResponseBytes: Number.NaN };
}

/**
 * Sequential GETs of one operation after a warm-up: latency percentiles, failures and mean body size; with the
 * server's process, also its CPU time per request (the measured requests are a phase of their own).
 */
export async function measure(url: string, operation: ReadOperation, options: Pick<Options, 'requests' | 'warmup' | 'maxSeconds'>, server?: BenchProcess): Promise<OperationResult> {
  const warmupUntil = performance.now() + WARMUP_MAX_MS;
  for (let i = 0; i < options.warmup && performance.now() < warmupUntil; i++) await timedGet(url + operation.path());
  const phase = `${QUERY_PHASE}: ${operation.name}`;
  server?.phase(phase);
  const durations: number[] = [];
  let failures = 0;
  let bytes = 0;
  const deadline = performance.now() + options.maxSeconds * 1000;
  while (durations.length < options.requests && performance.now() < deadline) {
    const response = await timedGet(url + operation.path());
    durations.push(response.ms);
    bytes += response.bytes;
    if (response.status < 200 || response.status >= 300) failures++;
  }
  const serverCpu = server ? (await server.stats()).phaseCpuMs[phase] : undefined;
  server?.phase(QUERY_PHASE);
  return {
    ...summarize(operation.name, durations, failures, bytes),
    ...(serverCpu !== undefined && durations.length ? { serverCpuMs: serverCpu / durations.length } : {}),
    ...(durations.length < options.requests ? { note: `stopped after ${options.maxSeconds} s` } : {}),
  };
}

/** Sequential GETs of one operation from now until `work` settles (no warm-up: the operation was measured before). */
async function measureUntil(url: string, operation: ReadOperation, work: Promise<unknown>): Promise<OperationResult> {
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  const durations: number[] = [];
  let failures = 0;
  let bytes = 0;
  while (!settled) {
    const response = await timedGet(url + operation.path());
    durations.push(response.ms);
    bytes += response.bytes;
    if (response.status < 200 || response.status >= 300) failures++;
  }
  return summarize(operation.name, durations, failures, bytes);
}

function summarize(operation: string, durations: number[], failures: number, bytes: number): OperationResult {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    operation,
    requests: durations.length,
    failures,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: durations.reduce((a, b) => a + b, 0) / Math.max(durations.length, 1),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    meanResponseBytes: bytes / Math.max(durations.length, 1),
  };
}

/** Polls a URL sequentially (200 ms apart) until stopped; reports how long the answers took. */
function startHealthProbe(url: string): { stop(): Promise<IngestResult['healthDuringIngest']> } {
  const durations: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      try {
        const response = await timedGet(url);
        if (response.status !== 200) failures++;
      } catch {
        failures++;
      }
      durations.push(performance.now() - start);
      if (running) await new Promise(done => setTimeout(done, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...durations].sort((a, b) => a - b);
      return { requests: durations.length, failures, p50Ms: percentile(sorted, 0.5), maxMs: sorted[sorted.length - 1] ?? Number.NaN };
    },
  };
}

async function timedGet(url: string): Promise<{ ms: number; status: number; bytes: number }> {
  const start = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  return { ms: performance.now() - start, status: response.status, bytes: body.byteLength };
}

export async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

/**
 * POSTs JSON with node:http rather than fetch: fetch gives up waiting for headers after 300 s, and a
 * slow ingest is a figure to report, not a failure. The body is counted, not kept (it can be large).
 */
export function timedPost(url: string, body: unknown): Promise<{ status: number; headersMs: number; totalMs: number; bytes: number; text: string }> {
  const payload = JSON.stringify(body);
  return new Promise((done, fail) => {
    const start = performance.now();
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, res => {
      const headersMs = performance.now() - start;
      let bytes = 0;
      let head = '';
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (head.length < 2000) head += chunk.toString('utf8', 0, Math.min(chunk.length, 2000));
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, headersMs, totalMs: performance.now() - start, bytes, text: head }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(payload);
  });
}

export async function postgresQuery(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Tables, indexes and TOAST of one schema. */
async function postgresSchemaSize(url: string, schema: string): Promise<number> {
  const { rows } = await postgresQuery(
    url,
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
    [schema],
  );
  return Number((rows[0] as { bytes: string }).bytes);
}

async function databaseSize(dataDir: string): Promise<number> {
  let total = 0;
  for (const file of ['pave.db', 'pave.db-wal', 'pave.db-shm']) total += (await stat(join(dataDir, file)).catch(() => undefined))?.size ?? 0;
  return total;
}

export type PaveProcess = BenchProcess;

/**
 * Forks catalog-server.ts, bundled as Pave ships (bench-bundle.ts), and waits until it listens.
 * With `portal`, the server also serves the built portal (for the portal benchmark).
 */
export async function startPaveProcess(dataDir: string, options: { cpuProfDir?: string; nodeFlags?: string[]; portal?: boolean; database?: { url: string; schema: string } } = {}): Promise<PaveProcess> {
  const { cpuProfDir, nodeFlags = [] } = options;
  return forkBenchServer(await benchServerScript('catalog-server'), {
    // Node names each profile CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile.
    execArgv: [...nodeFlags, ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [])],
    env: {
      PAVE_BENCH_DATA_DIR: dataDir,
      ...(options.portal ? { PAVE_BENCH_PORTAL: '1' } : {}),
      ...(options.database ? { PAVE_BENCH_DATABASE_URL: options.database.url, PAVE_BENCH_DATABASE_SCHEMA: options.database.schema } : {}),
    },
    // Writing a CPU profile of a long run takes a while.
    stopTimeoutMs: cpuProfDir ? 600_000 : 30_000,
  });
}

/** The human-readable report: one row per size × operation, then one row per size for ingest and memory. */
export function renderReport(report: CatalogBenchReport): string {
  const env = report.environment;
  const lines = [
    `Catalog benchmark (${report.store === 'postgres' ? 'PostgreSQL' : 'SQLite'}) — Node ${env.node}, ${env.platform}, ${env.cpus} × ${env.cpuModel}, ${formatBytes(env.totalMemory)} RAM`,
    `load average ${env.loadAverageAtStart.map(n => n.toFixed(2)).join(' ')} at start, ${env.loadAverageAtEnd?.map(n => n.toFixed(2)).join(' ') ?? '-'} at end (other work on the machine inflates wall times; CPU times less so)`,
    `${report.options.requests} sequential requests per operation after ${report.options.warmup} warm-up (at most ${report.options.maxSeconds} s each); latency in ms, client-measured over HTTP`,
    ...(report.options.nodeFlags?.length ? [`Pave server started with node ${report.options.nodeFlags.join(' ')}`] : []),
    '',
  ];
  const rows: string[][] = [];
  for (const r of report.results) {
    for (const op of r.operations) {
      rows.push([
        formatCount(r.size),
        op.operation,
        String(op.requests),
        formatMs(op.p50Ms),
        formatMs(op.p99Ms),
        formatMs(op.maxMs),
        op.serverCpuMs !== undefined ? formatMs(op.serverCpuMs) : '-',
        Number.isFinite(op.meanResponseBytes) ? formatBytes(op.meanResponseBytes) : op.operation.startsWith('POST') && r.ingest ? formatBytes(r.ingest.responseBytes) : '-',
        [op.failures ? `${op.failures} failed` : '', op.note ?? ''].filter(Boolean).join('; '),
      ]);
    }
    if (r.error) rows.push([formatCount(r.size), `FAILED: ${r.error.split('\n')[0]}`, '', '', '', '', '', '', '']);
  }
  lines.push(table(['size', 'operation', 'n', 'p50', 'p99', 'max', 'CPU/req', 'body', 'notes'], rows, { align: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] }));
  lines.push('');

  const summary = report.results.map(r => {
    const m = r.memory;
    return [
      formatCount(r.size),
      r.catalog ? `${r.catalog.files} / ${formatBytes(r.catalog.bytes)}` : '-',
      r.startupMs !== undefined && m ? `${(r.startupMs / 1000).toFixed(2)} s / ${formatBytes(m.phases.startup ?? Number.NaN)}` : '-',
      r.ingest ? `${(r.ingest.totalMs / 1000).toFixed(2)} s` : '-',
      m?.phaseCpuMs.ingest !== undefined ? `${(m.phaseCpuMs.ingest / 1000).toFixed(2)} s` : '-',
      r.refresh ? `${(r.refresh.totalMs / 1000).toFixed(2)} s${r.refresh.status === 200 ? '' : ` (${r.refresh.status})`}` : '-',
      r.ingest ? formatCount(Math.round(r.ingest.entitiesPerSecond)) : '-',
      r.ingest?.eventsPerSecond !== undefined ? `${formatCount(r.ingest.events ?? 0)} / ${formatCount(Math.round(r.ingest.eventsPerSecond))}` : '-',
      r.verify ? `${formatCount(r.verify.totalItems)}/${formatCount(r.verify.expected)} ${r.verify.matches ? 'ok' : 'MISMATCH'}` : '-',
      r.verify?.locationErrorCount !== undefined ? String(r.verify.locationErrorCount) : '-',
      m ? formatBytes(m.phases.ingest ?? Number.NaN) : '-',
      m ? formatBytes(queriesRss(m)) : '-',
      m ? formatBytes(m.rss) : '-',
      m ? formatBytes(m.peakRss) : '-',
      m ? formatBytes(m.maxRss) : '-',
      m?.phaseLoopDelayMs.ingest ? `${formatMs(m.phaseLoopDelayMs.ingest.p99)} / ${formatMs(m.phaseLoopDelayMs.ingest.max)}` : '-',
      r.ingest ? `${formatMs(r.ingest.healthDuringIngest.maxMs)}${r.ingest.healthDuringIngest.failures ? ` (${r.ingest.healthDuringIngest.failures} failed)` : ''}` : '-',
      r.databaseBytes !== undefined ? formatBytes(r.databaseBytes) : '-',
    ];
  });
  lines.push(
    table(
      ['size', 'files / bytes', 'start / RSS', 'ingest', 'ingest CPU', 'refresh', 'entities/s', 'events / per s', 'count check', 'problems', 'RSS ingest', 'RSS queries', 'RSS idle', 'peak RSS', 'maxRSS', 'loop delay p99 / max', 'health max', 'db size'],
      summary,
      { align: ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] },
    ),
  );
  lines.push(
    '',
    'ingest: POST /api/catalog/locations from request start until the whole response is read (entities are queryable then); ingest CPU: the server process\'s user+system CPU time meanwhile.',
    'refresh: POST /api/catalog/locations/:id/refresh right after the ingest (the same files: every entity unchanged).',
    'by-name during a refresh: after the idle phase, --changed-share of the files rewritten (each entity a new description), the location refreshed, and by-name asked one request after another until it answered.',
    'start / RSS: from forking the Pave server (the bundle, run with plain node, as shipped) until it listened, and its RSS by then (no catalog yet).',
    'RSS: Pave server process, sampled every 50 ms (peak per phase and overall); RSS idle: after the reads and --idle-seconds without requests; maxRSS from process.resourceUsage(). CPU/req: the server\'s CPU time per measured request.',
    'loop delay: event-loop delay during ingest (perf_hooks.monitorEventLoopDelay), p99 and worst, in ms: how long other work waited for the loop;',
    'health max: slowest GET /api/health answer while the ingest ran (polled every 200 ms; fetch gives up after 300 s).',
    `total ${(report.totalMs / 1000).toFixed(1)} s`,
  );
  for (const r of report.results) if (r.catalog?.dir || r.dataDir) lines.push(`kept ${formatCount(r.size)}: catalog ${r.catalog?.dir ?? '-'}, data ${r.dataDir ?? '-'}`);
  return lines.join('\n');
}
