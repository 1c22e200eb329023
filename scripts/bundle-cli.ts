/**
 * Bundles the `pave` command (server included) with esbuild into one folder of ES modules: Node's module
 * loader then reads a few dozen files instead of Pave's several hundred and its dependencies' thousand, which
 * was most of a short command's start. Modules loaded with `import()` stay separate chunks, so a command loads
 * only what it runs.
 *
 * The folder is flat on purpose: the expression evaluator's child process is started by path, relative to the
 * chunk that starts it (`nodeEntry('./evaluator-process.js', import.meta.url)`), so it is its own entry point
 * beside every chunk; so are the catalog's parse worker thread (`nodeEntry('./entity-parse-worker.js', import.meta.url)`),
 * the store's WAL checkpoint worker (`wal-checkpoint-worker.js`) and its SQLite write worker (`sqlite-write-worker.js`).
 * `packageRoot()` walks up from the bundle to package.json, so the portal and the demo are found from any output
 * folder inside the package.
 *
 * @example npx tsx scripts/bundle-cli.ts            # dist/cli/main.js, what bin/pave.js runs
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { packageRoot } from '../src/core/package-root.js';

/** Where `npm run build` puts the bundle, and what bin/pave.js loads. */
export const CLI_BUNDLE_DIR = join(packageRoot(), 'dist', 'cli');

/**
 * Left to Node at run time: a native addon (better-sqlite3), packages that start their own workers or
 * browsers by file path (pino's transports, playwright-core), and pg's optional native binding.
 */
const EXTERNAL = ['better-sqlite3', 'pino', 'playwright-core', 'pg-native'];

/** Builds the bundle into `outdir` (emptied first); resolves when it is written. */
export function bundleCli(outdir: string = CLI_BUNDLE_DIR): Promise<void> {
  return bundlePave({ main: 'src/cli/main.ts' }, outdir);
}

/**
 * Bundles the given entry points (output name → source path from the package root) the way the CLI is shipped,
 * with the expression evaluator's process and the catalog's parse worker beside them. The benchmarks build their
 * server processes with it, so they measure Pave as shipped (bench/bench-bundle.ts).
 */
export async function bundlePave(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  const root = packageRoot();
  await rm(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: {
      ...entryPoints,
      'evaluator-process': 'src/expressions/evaluator-process.ts',
      'entity-parse-worker': 'src/catalog/ingest/entity-parse-worker.ts',
      'wal-checkpoint-worker': 'src/store/wal-checkpoint-worker.ts',
      'sqlite-write-worker': 'src/store/sqlite-write-worker.js',
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    chunkNames: '[name]-[hash]',
    // Dependencies written as CommonJS call require() for Node's own modules; an ES module has no require, so
    // each chunk makes one from its own location.
    banner: { js: "import { createRequire as paveCreateRequire } from 'node:module'; const require = paveCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await bundleCli(process.argv[2] ?? CLI_BUNDLE_DIR);
