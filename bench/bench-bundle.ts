/**
 * The benchmarks' server processes as Pave ships: each server script (catalog-server.ts, backstage-server.ts) is
 * bundled by the CLI's bundler (scripts/bundle-cli.ts) into `dist/bench/` (git-ignored) and run with plain `node`,
 * so start-up time, memory and CPU are those of the bundle, not of tsx compiling several hundred files. Built once
 * per benchmark run, from the sources as they are then.
 * @example const script = await benchServerScript('catalog-server'); await forkBenchServer(script);
 */
import { join } from 'node:path';
import { packageRoot } from '../src/core/package-root.js';
import { bundlePave } from '../scripts/bundle-cli.js';

export type BenchServerName = 'catalog-server' | 'backstage-server';

const BENCH_BUNDLE_DIR = join(packageRoot(), 'dist', 'bench');

let built: Promise<void> | undefined;

/** The bundled server script's path, bundling every benchmark server on first use. */
export async function benchServerScript(name: BenchServerName): Promise<string> {
  built ??= bundlePave({ 'catalog-server': 'bench/catalog-server.ts', 'backstage-server': 'bench/backstage-server.ts' }, BENCH_BUNDLE_DIR);
  await built;
  return join(BENCH_BUNDLE_DIR, `${name}.js`);
}
