/** Command-line and machine helpers shared by the benchmarks. */
import { cpus, loadavg, totalmem } from 'node:os';
import { DEFAULT_SEED } from './generate-catalog.js';

/**
 * Parses a benchmark's arguments, answering `--help` and bad arguments itself.
 * Returns the options, or the exit code when the benchmark should not run.
 */
export function readOptions<T>(argv: string[], usage: string, parse: (argv: string[]) => T): T | number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return 0;
  }
  try {
    return parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 1;
  }
}

/**
 * A benchmark's run: its options read (see {@link readOptions}), its figures measured and printed — as JSON with
 * `--json`, else as `render` lays them out. Resolves to the exit code.
 * @example export const run = (argv: string[]) => measureAndPrint(argv, usage, parseOptions, measure, render);
 */
export async function measureAndPrint<O extends { json: boolean }, R>(argv: string[], usage: string, parse: (argv: string[]) => O, measure: (options: O) => Promise<R>, render: (report: R) => string): Promise<number> {
  const options = readOptions(argv, usage, parse);
  if (typeof options === 'number') return options;
  const report = await measure(options);
  console.log(options.json ? JSON.stringify(report, null, 2) : render(report));
  return 0;
}

/** A whole-number option (underscores allowed: 100_000), or its default when absent. */
export function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min} (got "${raw}")`);
  return n;
}

/** `--sizes 1000,10k,100_000` as numbers of entities. */
export function catalogSizes(raw: string): number[] {
  const sizes = raw
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
    .map(s => {
      const n = Number(s.replace(/_/g, '').replace(/k$/i, '000'));
      if (!Number.isInteger(n) || n < 50) throw new Error(`--sizes: "${s}" is not a whole number of at least 50`);
      return n;
    });
  if (!sizes.length) throw new Error('--sizes needs at least one size');
  return sizes;
}

/** The machine a benchmark ran on, so figures from different runs can be compared. */
export interface MachineFacts {
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  totalMemory: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export function machineFacts(): MachineFacts {
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', totalMemory: totalmem(), loadAverageAtStart: loadavg() };
}

/** The options of the benchmarks that read a generated catalog over HTTP (catalog, peer), for `parseArgs`. */
export const CATALOG_READ_OPTIONS = {
  sizes: { type: 'string' },
  requests: { type: 'string' },
  warmup: { type: 'string' },
  'max-seconds': { type: 'string' },
  seed: { type: 'string' },
  keep: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export interface CatalogReadOptions {
  sizes: number[];
  requests: number;
  warmup: number;
  maxSeconds: number;
  seed: number;
  keep: boolean;
  json: boolean;
}

/** {@link CATALOG_READ_OPTIONS} as parsed by `parseArgs`, read with their defaults. */
export function catalogReadOptions(values: Partial<Record<'sizes' | 'requests' | 'warmup' | 'max-seconds' | 'seed', string>> & { keep?: boolean; json?: boolean }, defaultSizes: string): CatalogReadOptions {
  return {
    sizes: catalogSizes(values.sizes ?? defaultSizes),
    requests: wholeNumber('requests', values.requests, 300, 1),
    warmup: wholeNumber('warmup', values.warmup, 20, 0),
    maxSeconds: wholeNumber('max-seconds', values['max-seconds'], 30, 1),
    seed: wholeNumber('seed', values.seed, DEFAULT_SEED, 0),
    keep: values.keep ?? false,
    json: values.json ?? false,
  };
}
