/**
 * Portal benchmark: for each catalog size, generates a synthetic catalog, starts a real Pave in the catalog
 * benchmark's child process (catalog-server.ts: fresh SQLite file, auth off) serving the built portal, registers
 * the catalog, then loads the catalog explorer (`/catalog`) and one component's entity page in headless Chromium
 * (Debian's /usr/bin/chromium through playwright-core, the flags of test/support/browser.ts, a fresh profile),
 * several times each, cold (HTTP cache cleared) and warm (cached), and reports first contentful paint, the time
 * until the page is usable and the JavaScript it loaded. It prints figures; it asserts nothing.
 *
 * @example npm run bench -- portal --sizes 1000,10000 --json
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { ensurePortalBuilt, launchBrowser, CHROMIUM_PATH } from '../test/support/browser.js';
import { catalogSizes, machineFacts, readOptions, wholeNumber, type MachineFacts } from './bench-args.js';
import { generateCatalog, DEFAULT_SEED } from './generate-catalog.js';
import { formatBytes, formatCount, formatMs, percentile, table } from './report.js';
import { startPaveProcess, type PaveProcess } from './catalog-bench.js';

export const usage = `npm run bench -- portal [options]

  --sizes <list>        catalog sizes, comma-separated (default 100000)
  --runs <n>            cold and warm loads per page (default 3)
  --seed <n>            generator seed (default ${DEFAULT_SEED})
  --json                print JSON instead of a table (use \`npm run -s bench\` so npm's banner stays out of stdout)`;

interface Options {
  sizes: number[];
  runs: number;
  seed: number;
  json: boolean;
}

/** One page load. Times are ms since the navigation's time origin, as the page's own clock measures them. */
export interface LoadSample {
  fcpMs: number;
  /** Explorer: first table row's link visible and clickable; entity page: the entity's header visible. */
  readyMs: number;
  domContentLoadedMs: number;
  /** Script resources (.js) the page loaded: count, bytes over the wire (0 when served from cache), decoded bytes. */
  scripts: number;
  scriptTransferBytes: number;
  scriptDecodedBytes: number;
}

export interface PageResult {
  page: 'explorer' | 'entity';
  path: string;
  cache: 'cold' | 'warm';
  samples: LoadSample[];
}

export interface SizeResult {
  size: number;
  ingestMs?: number;
  entities?: number;
  pages: PageResult[];
  error?: string;
}

export interface PortalBenchReport {
  benchmark: 'portal';
  startedAt: string;
  environment: MachineFacts & { chromium: string; browserVersion?: string };
  options: Omit<Options, 'json'>;
  results: SizeResult[];
  totalMs: number;
}

export async function run(argv: string[]): Promise<number> {
  const options = readOptions(argv, usage, parseOptions);
  if (typeof options === 'number') return options;
  const started = performance.now();
  const report: PortalBenchReport = {
    benchmark: 'portal',
    startedAt: new Date().toISOString(),
    environment: { ...machineFacts(), chromium: CHROMIUM_PATH },
    options: { sizes: options.sizes, runs: options.runs, seed: options.seed },
    results: [],
    totalMs: 0,
  };
  progress('making sure the portal is built (web/dist)…');
  await ensurePortalBuilt();
  for (const size of options.sizes) report.results.push(await benchSize(size, options, report));
  report.totalMs = performance.now() - started;
  report.environment.loadAverageAtEnd = loadavg();
  console.log(options.json ? JSON.stringify(report, null, 2) : renderReport(report));
  return 0;
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { sizes: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length) throw new Error(`Unexpected argument(s): ${positionals.join(' ')}`);
  const whole = wholeNumber;
  const sizes = catalogSizes(values.sizes ?? '100000');
  return { sizes, runs: whole('runs', values.runs, 3, 1), seed: whole('seed', values.seed, DEFAULT_SEED, 0), json: values.json ?? false };
}

function progress(message: string): void {
  process.stderr.write(`[portal-bench] ${message}\n`);
}

async function benchSize(size: number, options: Options, report: PortalBenchReport): Promise<SizeResult> {
  const result: SizeResult = { size, pages: [] };
  const root = await mkdtemp(join(tmpdir(), `pave-bench-portal-${size}-`));
  const dataDir = join(root, 'data');
  let server: PaveProcess | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    progress(`${formatCount(size)} entities: generating the catalog…`);
    const catalog = await generateCatalog({ size, dir: join(root, 'catalog'), seed: options.seed });
    progress('  starting Pave…');
    server = await startPaveProcess(dataDir, { portal: true });

    progress(`  registering ${catalog.locationFile}…`);
    const t = performance.now();
    const ingest = await post(`${server.url}/api/catalog/locations`, { type: 'file', target: catalog.locationFile });
    result.ingestMs = performance.now() - t;
    if (ingest.status !== 201) throw new Error(`POST /api/catalog/locations answered ${ingest.status}: ${ingest.text.slice(0, 500)}`);
    const total = (await (await fetch(`${server.url}/api/catalog/entities/by-query?limit=0`)).json()) as { totalItems: number };
    result.entities = total.totalItems;
    progress(`  ingest took ${(result.ingestMs / 1000).toFixed(1)} s, ${formatCount(total.totalItems)} entities; launching Chromium…`);

    const component = catalog.componentNames[Math.floor(catalog.componentNames.length / 2)];
    if (!component) throw new Error('the generated catalog has no components');
    const pages = [
      { page: 'explorer' as const, path: '/catalog', ready: (p: Page) => explorerInteractive(p) },
      { page: 'entity' as const, path: `/catalog/default/component/${encodeURIComponent(component)}`, ready: (p: Page) => p.locator('header.entity-header h1').first().waitFor({ state: 'visible', timeout: 120_000 }) },
    ];

    browser = await launchBrowser();
    report.environment.browserVersion ??= browser.context.browser()?.version();
    for (const target of pages) {
      const cold: PageResult = { page: target.page, path: target.path, cache: 'cold', samples: [] };
      const warm: PageResult = { page: target.page, path: target.path, cache: 'warm', samples: [] };
      for (let i = 0; i < options.runs; i++) {
        // Cold: a new tab after clearing the HTTP cache; warm: another new tab straight after, the cache now filled.
        const clearer = await browser.newPage();
        const cdp = await browser.context.newCDPSession(clearer);
        await cdp.send('Network.clearBrowserCache');
        await cdp.detach();
        await clearer.close();
        cold.samples.push(await measureLoad(await browser.newPage(), server.url + target.path, target.ready));
        warm.samples.push(await measureLoad(await browser.newPage(), server.url + target.path, target.ready));
        progress(`  ${target.page} run ${i + 1}/${options.runs}: cold FCP ${formatMs(cold.samples.at(-1)!.fcpMs)} ms, ready ${formatMs(cold.samples.at(-1)!.readyMs)} ms; warm FCP ${formatMs(warm.samples.at(-1)!.fcpMs)} ms, ready ${formatMs(warm.samples.at(-1)!.readyMs)} ms`);
      }
      result.pages.push(cold, warm);
    }
  } catch (error) {
    result.error = (error as Error).message;
    progress(`  FAILED: ${result.error}`);
  } finally {
    await browser?.close();
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  }
  return result;
}

/** Until the first row of the explorer's table has a visible link that would take a click (Playwright's actionability checks). */
async function explorerInteractive(page: Page): Promise<void> {
  const link = page.locator('table.entity-table tbody tr a').first();
  await link.waitFor({ state: 'visible', timeout: 120_000 });
  await link.click({ trial: true, timeout: 120_000 });
}

// Evaluated in the page (this project's TypeScript has no DOM types, hence a string).
const PAGE_METRICS = `(() => {
  const paint = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
  const nav = performance.getEntriesByType('navigation')[0];
  const scripts = performance.getEntriesByType('resource').filter(e => /\\.m?js(\\?|$)/.test(new URL(e.name).pathname));
  return {
    now: performance.now(),
    fcpMs: paint ? paint.startTime : NaN,
    domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : NaN,
    scripts: scripts.length,
    scriptTransferBytes: scripts.reduce((sum, e) => sum + e.transferSize, 0),
    scriptDecodedBytes: scripts.reduce((sum, e) => sum + e.decodedBodySize, 0),
  };
})()`;

async function measureLoad(page: Page, url: string, ready: (page: Page) => Promise<void>): Promise<LoadSample> {
  try {
    page.setDefaultTimeout(120_000);
    await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
    await ready(page);
    const readyAt = (await page.evaluate<number>('performance.now()'));
    // FCP can in principle come after the selector is visible by a frame; wait for the paint entry briefly.
    await page.waitForFunction(`performance.getEntriesByType('paint').some(e => e.name === 'first-contentful-paint')`, undefined, { timeout: 10_000 }).catch(() => undefined);
    await page.waitForLoadState('load').catch(() => undefined);
    const m = await page.evaluate<Omit<LoadSample, 'readyMs'> & { now: number }>(PAGE_METRICS);
    return { fcpMs: m.fcpMs, readyMs: readyAt, domContentLoadedMs: m.domContentLoadedMs, scripts: m.scripts, scriptTransferBytes: m.scriptTransferBytes, scriptDecodedBytes: m.scriptDecodedBytes };
  } finally {
    await page.close();
  }
}

function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  // node:http rather than fetch: fetch gives up on headers after 300 s, and a 100k ingest can take longer.
  return new Promise((done, fail) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(payload);
  });
}

export function renderReport(report: PortalBenchReport): string {
  const env = report.environment;
  const lines = [
    `Portal benchmark — Node ${env.node}, Chromium ${env.browserVersion ?? '?'} (${env.chromium}, headless), ${env.cpus} × ${env.cpuModel}`,
    `load average ${env.loadAverageAtStart.map(n => n.toFixed(2)).join(' ')} at start, ${env.loadAverageAtEnd?.map(n => n.toFixed(2)).join(' ') ?? '-'} at end; ${report.options.runs} cold + ${report.options.runs} warm loads per page; times in ms from navigation start (p50 / max)`,
    '',
  ];
  const rows: string[][] = [];
  const p50max = (values: number[]) => {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    return sorted.length ? `${formatMs(percentile(sorted, 0.5))} / ${formatMs(sorted.at(-1)!)}` : '-';
  };
  const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);
  for (const r of report.results) {
    for (const p of r.pages) {
      rows.push([
        formatCount(r.size),
        p.page,
        p.cache,
        String(p.samples.length),
        p50max(p.samples.map(s => s.fcpMs)),
        p50max(p.samples.map(s => s.readyMs)),
        p50max(p.samples.map(s => s.domContentLoadedMs)),
        String(median(p.samples.map(s => s.scripts))),
        formatBytes(median(p.samples.map(s => s.scriptTransferBytes))),
        formatBytes(median(p.samples.map(s => s.scriptDecodedBytes))),
      ]);
    }
    if (r.error) rows.push([formatCount(r.size), `FAILED: ${r.error.split('\n')[0]}`, '', '', '', '', '', '', '', '']);
  }
  lines.push(
    table(['size', 'page', 'cache', 'n', 'FCP', 'ready', 'DCL', 'scripts', 'JS transferred', 'JS decoded'], rows, {
      align: ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    }),
    '',
    ...report.results.map(r => `${formatCount(r.size)}: ingest ${r.ingestMs !== undefined ? `${(r.ingestMs / 1000).toFixed(1)} s` : '-'}, ${r.entities !== undefined ? formatCount(r.entities) : '-'} entities; entity page ${r.pages.find(p => p.page === 'entity')?.path ?? '-'}`),
    '',
    'FCP: first-contentful-paint entry; ready: explorer — first table row\'s link visible and clickable (Playwright actionability), entity page — entity header visible;',
    'DCL: domContentLoadedEventEnd; JS: .js resources from the Resource Timing API (transferred is 0 or headers-only when cached; p50 per load). cold = HTTP cache cleared, warm = cached.',
    `total ${(report.totalMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}
