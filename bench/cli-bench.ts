/**
 * CLI benchmark: runs the built `pave` (bin/pave.js, after `npm run build`) as a user would, several times per
 * command, and reports wall-clock times: `--help` (nothing but the command list), `catalog get` against a local
 * SQLite store holding the demo organisation (the app opens in the process), and `catalog validate` of the demo's
 * files. It prints figures; it asserts nothing.
 *
 * @example npm run bench -- cli --runs 10
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/package-root.js';
import { CLI_BUNDLE_DIR } from '../scripts/bundle-cli.js';
import { machineFacts, readOptions, wholeNumber } from './bench-args.js';
import { formatMs, percentile, table } from './report.js';

export const usage = `npm run bench -- cli [options]

  --runs <n>   runs per command (default 5)
  --json       print JSON instead of a table`;

interface Options {
  runs: number;
  json: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  return { runs: wholeNumber('runs', values.runs, 5, 1), json: values.json ?? false };
}

export async function run(argv: string[]): Promise<number> {
  const options = readOptions(argv, usage, parseOptions);
  if (typeof options === 'number') return options;
  const bin = join(packageRoot(), 'bin', 'pave.js');
  if (!existsSync(join(CLI_BUNDLE_DIR, 'main.js'))) {
    console.error('The CLI is not built: run `npm run build` first.');
    return 1;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'pave-cli-bench-'));
  const demo = join(packageRoot(), 'demo', 'all.yaml');
  // Local store only: never a server the person running the benchmark is signed in to.
  const env = { ...process.env, PAVE_DATA_DIR: dataDir, PAVE_SERVER: '', HOME: dataDir, PAVE_LOG_LEVEL: 'silent' };
  const pave = (args: string[]) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`pave ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
    return ms;
  };
  try {
    pave(['catalog', 'import', demo]);
    const commands: Array<[string, string[]]> = [
      ['pave --help', ['--help']],
      ['pave catalog get (local store)', ['catalog', 'get', 'component:default/checkout-service']],
      ['pave catalog validate (demo files)', ['catalog', 'validate', join(packageRoot(), 'demo', 'catalog', '**', '*.yaml')]],
    ];
    const results = commands.map(([name, args]) => {
      const times = Array.from({ length: options.runs }, () => pave(args)).sort((a, b) => a - b);
      return { command: name, runs: times.length, minMs: times[0]!, p50Ms: percentile(times, 0.5), maxMs: times.at(-1)! };
    });
    const report = { benchmark: 'cli', environment: machineFacts(), results };
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(table(['command', 'runs', 'min', 'p50', 'max'], results.map(r => [r.command, String(r.runs), formatMs(r.minMs), formatMs(r.p50Ms), formatMs(r.maxMs)]), { align: ['left', 'right', 'right', 'right', 'right'] }));
      console.log(`load average at start: ${report.environment.loadAverageAtStart.map(n => n.toFixed(2)).join(' ')}`);
    }
    return 0;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
