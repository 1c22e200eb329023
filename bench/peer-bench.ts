/**
 * Peer benchmark: Backstage's catalog backend and Pave side by side on the same generated catalog, both on SQLite.
 * Backstage comes from the npm registry into `bench/peer/` (its own package.json; node_modules git-ignored; never a
 * dependency of Pave), installed on first use. For each size it generates one catalog, runs Backstage standalone
 * (backstage-server.ts: `createBackend` + the catalog plugin, a file location in its config), then Pave
 * (catalog-server.ts, the location registered over HTTP), each in its own process, and measures with the same
 * client code: time from process start until every entity and every relation can be counted through the API,
 * sequential read latency, peak RSS. It prints both sets of figures and the ratio Pave/Backstage; it asserts nothing.
 *
 * @example npm run bench -- peer --sizes 1000
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CATALOG_READ_OPTIONS, catalogReadOptions, machineFacts, measureAndPrint, wholeNumber, type CatalogReadOptions, type MachineFacts } from './bench-args.js';
import { forkBenchServer, type BenchProcess } from './bench-process.js';
import { benchServerScript } from './bench-bundle.js';
import type { ServerMemory } from './bench-server.js';
import { getJson, measure, startPaveProcess, timedPost, type OperationResult, type ReadOperation } from './catalog-bench.js';
import { expectedRelations } from './expected-relations.js';
import { buildCatalog, DEFAULT_SEED, generateCatalog, kindCounts, type GeneratedCatalog } from './generate-catalog.js';
import { Random } from './random.js';
import { formatBytes, formatCount, formatMs, table } from './report.js';

export const usage = `npm run bench -- peer [options]

  --sizes <list>        components per catalog, comma-separated (default 1000,10000); groups, users, systems,
                        APIs, resources and domains grow with them (10,000 components: 20,921 entities)
  --requests <n>        measured requests per operation (default 300)
  --warmup <n>          warm-up requests per operation (default 20, at most 5 s)
  --max-seconds <s>     stop measuring an operation after this long (default 30)
  --timeout <minutes>   give up waiting for a catalog to be complete after this long (default 60)
  --systems <list>      which to run, comma-separated: backstage, pave (default both; one alone measures it
                        without the other's minutes, to set beside figures taken under the same load)
  --seed <n>            generator and request-mix seed (default ${DEFAULT_SEED})
  --keep                keep the generated catalog and both databases (paths are printed)
  --peer-dir <dir>      where Backstage is installed (default bench/peer/ of this checkout); another checkout's
                        bench/peer/ or a cache folder such as ~/.cache/pave-bench-peer is reused as it is when it
                        holds the pinned versions, so a new checkout need not install again
  --json                print JSON instead of tables (use \`npm run -s bench\` so npm's banner stays out of stdout)

When the peer folder lacks Backstage at the versions pinned in bench/peer/package.json, the benchmark copies that
package.json and its lock there and runs \`npm ci --prefix <dir>\` (network, about 6 minutes).`;

interface Options extends CatalogReadOptions {
  timeoutMinutes: number;
  /** Absolute path of the folder Backstage is installed in. */
  peerDir: string;
  systems: System[];
}

const SYSTEMS = ['backstage', 'pave'] as const;
type System = (typeof SYSTEMS)[number];

export interface PeerRun {
  system: System;
  /** From forking the process until it listens. */
  startMs?: number;
  /** From forking the process until every entity and every relation is counted through the API (NaN: never, within --timeout). */
  completeMs?: number;
  /** What the last count found, and what was expected (Backstage adds one Location entity for its config's location). */
  entities?: { found: number; expected: number };
  relations?: { found: number; expected: number };
  /** The relation counts made while waiting (each one pages through every entity), and the last one's duration. */
  counts?: { made: number; totalMs: number; lastMs: number };
  operations: OperationResult[];
  /** What each operation's first request (the same for both systems) answered: compared across systems. */
  answers: Record<string, string>;
  memory?: ServerMemory;
  databaseBytes?: number;
  dataDir?: string;
  error?: string;
}

export interface PeerSizeResult {
  components: number;
  entities: number;
  relations: number;
  catalog: { files: number; bytes: number; counts: Record<string, number>; dir?: string };
  runs: PeerRun[];
}

export interface PeerBenchReport {
  benchmark: 'peer';
  startedAt: string;
  environment: MachineFacts;
  /** Installed versions of the Backstage packages. */
  backstage: Record<string, string>;
  options: Omit<Options, 'json' | 'keep'>;
  results: PeerSizeResult[];
  totalMs: number;
}

/** The repository's pins: bench/peer/package.json and its lock (the default install folder too). */
const PINNED_DIR = fileURLToPath(new URL('./peer/', import.meta.url));
const PIN_FILES = ['package.json', 'package-lock.json'];
/** The kinds the generator writes: Backstage's default catalog rules allow only Component, API and Location. */
const KINDS = ['Component', 'System', 'API', 'Resource', 'Location', 'Group', 'User', 'Domain'];

export const run = (argv: string[]): Promise<number> => measureAndPrint(argv, usage, parseOptions, measurePeers, renderPeerReport);

async function measurePeers(options: Options): Promise<PeerBenchReport> {
  const started = performance.now();
  const backstage = options.systems.includes('backstage');
  if (backstage) await installBackstage(options.peerDir);
  const report: PeerBenchReport = {
    benchmark: 'peer',
    startedAt: new Date().toISOString(),
    environment: machineFacts(),
    backstage: backstage ? await installedVersions(options.peerDir) : {},
    options: { peerDir: options.peerDir, sizes: options.sizes, requests: options.requests, warmup: options.warmup, maxSeconds: options.maxSeconds, timeoutMinutes: options.timeoutMinutes, seed: options.seed, systems: options.systems },
    results: [],
    totalMs: 0,
  };
  for (const components of options.sizes) report.results.push(await benchSize(components, options));
  report.totalMs = performance.now() - started;
  report.environment.loadAverageAtEnd = loadavg();
  return report;
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...CATALOG_READ_OPTIONS, timeout: { type: 'string' }, 'peer-dir': { type: 'string' }, systems: { type: 'string' } } });
  if (positionals.length) throw new Error(`Unexpected argument(s): ${positionals.join(' ')}`);
  return { ...catalogReadOptions(values, '1000,10000'), timeoutMinutes: wholeNumber('timeout', values.timeout, 60, 1), peerDir: resolve(values['peer-dir'] ?? PINNED_DIR), systems: systemList(values.systems) };
}

/** `--systems pave` or `backstage,pave` (the default), always in that order. */
function systemList(raw = 'backstage,pave'): System[] {
  const named = raw.split(',').map(s => s.trim()).filter(Boolean);
  for (const name of named) if (!SYSTEMS.includes(name as System)) throw new Error(`--systems: "${name}" is not one of ${SYSTEMS.join(', ')}`);
  if (!named.length) throw new Error('--systems needs at least one of backstage, pave');
  return SYSTEMS.filter(system => named.includes(system));
}

function progress(message: string): void {
  process.stderr.write(`[peer-bench] ${message}\n`);
}

/**
 * Backstage at the versions bench/peer/package.json pins, in `peerDir`: kept as it is when already there (a reused
 * install), else the pins and their lock are copied there and installed with `npm ci` (exactly the locked tree; npm's
 * output goes to stderr).
 */
async function installBackstage(peerDir: string): Promise<void> {
  const pinned = await pinnedVersions();
  const installed = await installedVersions(peerDir);
  if (Object.entries(pinned).every(([name, version]) => installed[name] === version)) return;
  progress(`installing Backstage's catalog backend into ${peerDir} (${Object.entries(pinned).map(([name, version]) => `${name} ${version}`).join(', ')}; a few minutes)…`);
  if (resolve(peerDir) !== resolve(PINNED_DIR)) {
    // Never over another checkout's pins (its bench/peer/ is tracked): only an empty folder or one of these pins is installed into.
    const theirs = await readFile(join(peerDir, 'package.json'), 'utf8').catch(() => undefined);
    if (theirs !== undefined && theirs !== (await readFile(join(PINNED_DIR, 'package.json'), 'utf8'))) {
      throw new Error(`--peer-dir ${peerDir} holds other pins in its package.json: give an empty folder or one installed with these pins`);
    }
    await mkdir(peerDir, { recursive: true });
    for (const file of PIN_FILES) await copyFile(join(PINNED_DIR, file), join(peerDir, file));
  }
  const code = await new Promise<number | null>((done, fail) => {
    const npm = spawn('npm', ['ci', '--prefix', peerDir, '--no-audit', '--no-fund'], { stdio: ['ignore', 2, 2] });
    npm.once('error', fail);
    npm.once('exit', done);
  });
  if (code !== 0) throw new Error(`npm ci --prefix ${peerDir} exited with ${code}`);
}

/** The Backstage packages bench/peer/package.json pins, by name. */
async function pinnedVersions(): Promise<Record<string, string>> {
  return (JSON.parse(await readFile(join(PINNED_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
}

/** The versions installed in `peerDir` of the pinned packages (absent ones left out). */
async function installedVersions(peerDir: string): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const name of Object.keys(await pinnedVersions())) {
    const manifest = await readFile(join(peerDir, 'node_modules', name, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest) versions[name] = (JSON.parse(manifest) as { version: string }).version;
  }
  return versions;
}

/** The smallest generated catalog with at least `components` components (the generator sizes by entities). */
function entitiesFor(components: number): number {
  let size = Math.max(50, Math.floor(components / 0.48));
  while (kindCounts(size).Component < components) size++;
  return size;
}

async function benchSize(components: number, options: Options): Promise<PeerSizeResult> {
  const size = entitiesFor(components);
  const root = await mkdtemp(join(tmpdir(), `pave-bench-peer-${components}-`));
  try {
    progress(`${formatCount(components)} components (${formatCount(size)} entities): generating the catalog…`);
    const catalog = await generateCatalog({ size, dir: join(root, 'catalog'), seed: options.seed });
    const relations = expectedRelations(buildCatalog(size, options.seed).entities);
    const result: PeerSizeResult = {
      components: catalog.counts.Component ?? 0,
      entities: catalog.totalEntities,
      relations,
      catalog: { files: catalog.files.length + 1, bytes: catalog.bytes, counts: catalog.counts, ...(options.keep ? { dir: catalog.dir } : {}) },
      runs: [],
    };
    progress(`  ${catalog.files.length} files, ${formatBytes(catalog.bytes)}; ${formatCount(catalog.totalEntities)} entities and ${formatCount(relations)} relations expected`);
    for (const system of options.systems) result.runs.push(await benchSystem(system, catalog, relations, join(root, system), options));
    return result;
  } finally {
    if (!options.keep) await rm(root, { recursive: true, force: true });
  }
}

async function benchSystem(system: System, catalog: GeneratedCatalog, relations: number, dataDir: string, options: Options): Promise<PeerRun> {
  const result: PeerRun = { system, operations: [], answers: {} };
  let server: BenchProcess | undefined;
  try {
    await mkdir(dataDir, { recursive: true });
    progress(`  starting ${system}…`);
    const forked = performance.now();
    server = system === 'backstage' ? await startBackstage(catalog, dataDir, options.peerDir) : await startPaveProcess(dataDir);
    result.startMs = performance.now() - forked;
    server.phase('ingest');
    if (system === 'pave') {
      const answer = await timedPost(`${server.url}/api/catalog/locations`, { type: 'file', target: catalog.locationFile });
      if (answer.status !== 201) throw new Error(`POST /api/catalog/locations answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    }
    // Backstage's config location is one Location entity more: the one its provider emits for the configured file.
    const expected = { entities: catalog.totalEntities + (system === 'backstage' ? 1 : 0), relations };
    progress(`  waiting until ${system} lists ${formatCount(expected.entities)} entities and ${formatCount(relations)} relations…`);
    const complete = await waitUntilComplete(server.url, expected, forked, forked + options.timeoutMinutes * 60_000);
    result.completeMs = complete.ms;
    result.entities = { found: complete.entities, expected: expected.entities };
    result.relations = { found: complete.relations, expected: relations };
    result.counts = complete.counts;
    progress(`  ${system}: ${Number.isFinite(complete.ms) ? `complete after ${(complete.ms / 1000).toFixed(1)} s` : `NOT complete after ${options.timeoutMinutes} min`} (${formatCount(complete.entities)} entities, ${formatCount(complete.relations)} relations)`);
    server.phase('queries');
    ({ operations: result.operations, answers: result.answers } = await measureReads(server, catalog, options));
    result.memory = await server.stats();
    result.databaseBytes = await folderSize(join(dataDir, system === 'backstage' ? 'db' : ''));
    if (options.keep) result.dataDir = dataDir;
  } catch (error) {
    result.error = (error as Error).message;
    progress(`  ${system} FAILED: ${result.error}`);
    if (server && !result.memory) result.memory = await server.stats().catch(() => undefined);
  } finally {
    await server?.stop();
  }
  return result;
}

/**
 * Writes Backstage's config and forks backstage-server.ts. SQLite files in `<dataDir>/db` (one per plugin), the
 * catalog as a file location (rules allow every kind the generator writes), and the default auth policy off, so the
 * benchmark's requests go without a token as they do to Pave with auth off. Processing runs again after 24 h, as
 * Pave's refresh does in the benchmark (catalog-server.ts): by default Backstage re-processes every entity each 100 to
 * 150 s, which at 10k would still be running while its queries are measured, and Pave's would not. Logs at warn, on
 * stderr.
 */
async function startBackstage(catalog: GeneratedCatalog, dataDir: string, peerDir: string): Promise<BenchProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = {
    app: { baseUrl: url },
    backend: {
      baseUrl: url,
      listen: { host: '127.0.0.1', port },
      database: { client: 'better-sqlite3', connection: { directory: join(dataDir, 'db') } },
      auth: { dangerouslyDisableDefaultAuthPolicy: true },
    },
    catalog: { rules: [{ allow: KINDS }], locations: [{ type: 'file', target: catalog.locationFile }], processingInterval: { hours: 24 } },
  };
  const configFile = join(dataDir, 'app-config.yaml');
  // JSON is YAML.
  await writeFile(configFile, JSON.stringify(config, null, 2));
  return forkBenchServer(await benchServerScript('backstage-server'), {
    args: ['--config', configFile],
    env: { PAVE_PEER_URL: url, PAVE_PEER_DIR: peerDir, LOG_LEVEL: 'warn' },
    stdout: 'stderr',
  });
}

/** A TCP port nobody listens on right now (Backstage takes its port from config, not port 0). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

const POLL_MS = 500;
/** How often a long wait says how far the catalog has got. */
const PROGRESS_MS = 30_000;

/**
 * Polls the entity count until it reaches `expected.entities`, then counts every entity's relations through
 * by-query until they reach `expected.relations`; the time is from `since` to the end of the count that saw all.
 * A count that falls short is followed by a pause at least as long as it took, so that the counting (every entity
 * read through the API) takes at most half of the server's time while it is still processing.
 */
async function waitUntilComplete(url: string, expected: { entities: number; relations: number }, since: number, deadline: number): Promise<{ ms: number; entities: number; relations: number; counts: NonNullable<PeerRun['counts']> }> {
  let entities = 0;
  let relations = 0;
  const counts = { made: 0, totalMs: 0, lastMs: 0 };
  let told = performance.now();
  for (;;) {
    let pause = POLL_MS;
    try {
      entities = ((await getJson(`${url}/api/catalog/entities/by-query?limit=1&fields=kind`)) as { totalItems: number }).totalItems;
      if (entities >= expected.entities) {
        const counting = performance.now();
        relations = await countRelations(url);
        counts.lastMs = performance.now() - counting;
        counts.made++;
        counts.totalMs += counts.lastMs;
        if (relations >= expected.relations) return { ms: performance.now() - since, entities, relations, counts };
        pause = Math.max(POLL_MS, counts.lastMs);
      }
    } catch (error) {
      // A server still starting its catalog may refuse a query; the deadline decides.
      if (performance.now() > deadline) throw error;
    }
    if (performance.now() - told > PROGRESS_MS) {
      told = performance.now();
      progress(`    ${((told - since) / 1000).toFixed(0)} s: ${formatCount(entities)} entities${entities >= expected.entities ? `, ${formatCount(relations)} relations (count ${counts.made} took ${(counts.lastMs / 1000).toFixed(1)} s)` : ''}`);
    }
    if (performance.now() > deadline) return { ms: Number.NaN, entities, relations, counts };
    await new Promise(done => setTimeout(done, pause));
  }
}

/** Every entity's relations, counted through by-query pages of 500 (only `relations` asked for). */
async function countRelations(url: string): Promise<number> {
  let count = 0;
  let page = (await getJson(`${url}/api/catalog/entities/by-query?limit=500&fields=relations`)) as RelationsPage;
  for (;;) {
    for (const item of page.items) count += item.relations?.length ?? 0;
    const cursor = page.pageInfo.nextCursor;
    if (!cursor) return count;
    page = (await getJson(`${url}/api/catalog/entities/by-query?limit=500&fields=relations&cursor=${encodeURIComponent(cursor)}`)) as RelationsPage;
  }
}

interface RelationsPage {
  items: Array<{ relations?: unknown[] }>;
  pageInfo: { nextCursor?: string };
}

/**
 * The same requests, in the same order (one seed per operation), against either catalog. Each operation's first request
 * is asked once more beforehand and its answer summarised, so the report shows both systems answered alike.
 */
async function measureReads(server: BenchProcess, catalog: GeneratedCatalog, options: Options): Promise<{ operations: OperationResult[]; answers: Record<string, string> }> {
  // Each operation draws from its own generator, so its requests are the same for both systems even when an earlier
  // operation stopped at --max-seconds on one of them (one shared generator then gave each a different team or word).
  const asked: Array<{ name: string; path: (rng: Random) => string }> = [
    { name: 'by-name', path: rng => `/api/catalog/entities/by-name/component/default/${rng.pick(catalog.componentNames)}` },
    { name: 'by-query kind=component,spec.owner=<team>', path: rng => `/api/catalog/entities/by-query?filter=kind=component,spec.owner=group:${rng.pick(catalog.ownerNames)}&limit=50` },
    { name: 'by-query relations.ownedBy=<team>', path: rng => `/api/catalog/entities/by-query?filter=relations.ownedBy=group:default/${rng.pick(catalog.ownerNames)}&limit=50` },
    { name: 'entity-facets kind, spec.type, spec.owner', path: () => '/api/catalog/entity-facets?facet=kind&facet=spec.type&facet=spec.owner' },
    // Backstage's search is a separate plugin; its catalog's full-text is by-query's fullTextFilter (fields named:
    // without them Backstage searches metadata.uid only).
    { name: 'by-query fullTextFilterTerm=<word> in metadata.description', path: rng => `/api/catalog/entities/by-query?fullTextFilterTerm=${encodeURIComponent(rng.pick(catalog.searchWords))}&fullTextFilterFields=metadata.description&limit=50` },
  ];
  const operations: ReadOperation[] = asked.map(({ name, path }, index) => {
    const rng = new Random((options.seed ^ 0x5eed) + index);
    return { name, path: () => path(rng) };
  });
  const results: OperationResult[] = [];
  const answers: Record<string, string> = {};
  for (const operation of operations) {
    progress(`    ${operation.name}…`);
    // A failing first request is reported in the table (as `measure` counts failures), not the end of the run.
    answers[operation.name] = await getJson(server.url + operation.path()).then(describeAnswer, (error: Error) => `failed: ${error.message.slice(0, 80)}`);
    results.push(await measure(server.url, operation, options, server));
  }
  return { operations: results, answers };
}

/** What an answer holds, in words that compare across systems: items and total, facet values, an entity's relations. */
function describeAnswer(body: unknown): string {
  const answer = body as { items?: unknown[]; totalItems?: number; facets?: Record<string, unknown[]>; relations?: unknown[] };
  if (answer.items) return `${answer.items.length} of ${formatCount(answer.totalItems ?? Number.NaN)}`;
  if (answer.facets) return `${Object.values(answer.facets).map(values => values.length).join('+')} values`;
  return `${answer.relations?.length ?? 0} relations`;
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (entry.isFile()) total += (await stat(join(dir, entry.name))).size;
  return total;
}

/** One table per size: each figure for Backstage and Pave, and Pave/Backstage (under 1: Pave is faster or smaller). */
export function renderPeerReport(report: PeerBenchReport): string {
  const env = report.environment;
  const lines = [
    `Peer benchmark: Backstage's catalog backend and Pave on SQLite — Node ${env.node}, ${env.platform}, ${env.cpus} × ${env.cpuModel}, ${formatBytes(env.totalMemory)} RAM`,
    `Backstage: ${Object.entries(report.backstage).map(([name, version]) => `${name} ${version}`).join(', ') || 'not run'}`,
    `load average ${env.loadAverageAtStart.map(n => n.toFixed(2)).join(' ')} at start, ${env.loadAverageAtEnd?.map(n => n.toFixed(2)).join(' ') ?? '-'} at end (other work on the machine inflates wall times)`,
    `${report.options.requests} sequential requests per operation after ${report.options.warmup} warm-up (at most ${report.options.maxSeconds} s each); latency in ms, client-measured over HTTP`,
  ];
  for (const size of report.results) {
    const [backstage, pave] = [size.runs.find(r => r.system === 'backstage'), size.runs.find(r => r.system === 'pave')];
    lines.push('', `${formatCount(size.components)} components: ${formatCount(size.entities)} entities, ${formatCount(size.relations)} relations, ${size.catalog.files} files, ${formatBytes(size.catalog.bytes)}`);
    const rows: string[][] = [];
    const row = (figure: string, pick: (run: PeerRun) => number, format: (n: number) => string) => {
      const [b, p] = [backstage ? pick(backstage) : Number.NaN, pave ? pick(pave) : Number.NaN];
      rows.push([figure, format(b), format(p), ratio(p, b)]);
    };
    const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '-');
    row('process start → every entity and relation', r => r.completeMs ?? Number.NaN, seconds);
    row('  of which start → listening', r => r.startMs ?? Number.NaN, seconds);
    row('  of which the last (complete) count', r => r.counts?.lastMs ?? Number.NaN, seconds);
    for (const name of pave?.operations.map(op => op.operation) ?? backstage?.operations.map(op => op.operation) ?? []) {
      const op = (r: PeerRun) => r.operations.find(o => o.operation === name);
      const answers = [backstage?.answers[name] ?? '-', pave?.answers[name] ?? '-'];
      rows.push([`${name}: first answer`, ...answers, !backstage || !pave ? '-' : answers[0] === answers[1] ? 'same' : 'DIFFERENT']);
      row(`${name} p50`, r => op(r)?.p50Ms ?? Number.NaN, formatMs);
      row(`${name} p99`, r => op(r)?.p99Ms ?? Number.NaN, formatMs);
      row(`${name} server CPU per request`, r => op(r)?.serverCpuMs ?? Number.NaN, formatMs);
    }
    row('peak RSS', r => r.memory?.peakRss ?? Number.NaN, formatBytes);
    // From the fork, as the wall time: Backstage starts processing its configured location before it listens.
    row('CPU, process start → complete', r => (r.memory ? (r.memory.phaseCpuMs.startup ?? 0) + (r.memory.phaseCpuMs.ingest ?? 0) : Number.NaN), seconds);
    row('database size', r => r.databaseBytes ?? Number.NaN, formatBytes);
    lines.push(table(['figure', 'Backstage', 'Pave', 'Pave/Backstage'], rows, { align: ['left', 'right', 'right', 'right'] }));
    for (const run of size.runs) {
      const counted = run.entities && run.relations ? `${formatCount(run.entities.found)}/${formatCount(run.entities.expected)} entities, ${formatCount(run.relations.found)}/${formatCount(run.relations.expected)} relations${run.counts ? ` (${run.counts.made} relation counts, ${(run.counts.totalMs / 1000).toFixed(1)} s in all)` : ''}` : '';
      const failed = run.operations.filter(op => op.failures || op.note).map(op => `${op.operation}: ${[op.failures ? `${op.failures} failed` : '', op.note ?? ''].filter(Boolean).join(', ')}`);
      lines.push(`${run.system}: ${[counted, ...failed, run.error ? `FAILED: ${run.error.split('\n')[0]}` : ''].filter(Boolean).join('; ')}`);
      if (run.dataDir) lines.push(`  kept data ${run.dataDir}`);
    }
    if (size.catalog.dir) lines.push(`kept catalog ${size.catalog.dir}`);
  }
  lines.push(
    '',
    'process start → every entity and relation: from forking the server until the entity count and the relations counted over all entities (by-query pages of 500) reach the expected numbers;',
    'Pave registers the location over HTTP once it listens, Backstage reads it from its config. The last count is part of that time for both; a count that falls short is followed by a pause as long as it took.',
    'CPU: the server process\'s user+system time over the same span (steadier than wall time on a busy machine); server CPU per request: the same, over the measured requests.',
    'first answer: what the first request of each operation (the same request for both) answered: items of totalItems, facet values, or the entity\'s relations.',
    'peak RSS: the server process, sampled every 50 ms over the whole run. Pave/Backstage under 1 means Pave is faster (or smaller).',
    `total ${(report.totalMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}

function ratio(pave: number, backstage: number): string {
  if (!Number.isFinite(pave) || !Number.isFinite(backstage) || backstage === 0) return '-';
  const r = pave / backstage;
  return r < 1 ? `${r.toPrecision(2)} (1/${(1 / r).toFixed(r > 0.1 ? 1 : 0)})` : r.toPrecision(3);
}
