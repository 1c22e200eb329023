/**
 * Backstage's catalog backend as the peer benchmark starts it, in a child process so that its memory and CPU are
 * Backstage's alone: the minimal backend Backstage documents (`createBackend` from `@backstage/backend-defaults` plus
 * `@backstage/plugin-catalog-backend`), loaded from `bench/peer/node_modules` (installed by peer-bench.ts, never a
 * dependency of Pave), configured by the file given with `--config` (written by peer-bench.ts: SQLite, a file
 * location, the default auth policy off). bench-server.ts samples it and talks to the benchmark over IPC.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../src/core/package-root.js';
import { serveBenchProcess } from './bench-server.js';

/** The part of Backstage's backend API this process uses (typed here: Backstage is not installed for tsc). */
interface BackstageBackend {
  add(feature: unknown): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

serveBenchProcess(async () => {
  const url = process.env.PAVE_PEER_URL;
  if (!url || !process.argv.includes('--config')) throw new Error('backstage-server.ts is started by peer-bench.ts (it needs PAVE_PEER_URL and --config)');
  // Resolved from bench/peer/, where peer-bench.ts installed them, not from Pave's own node_modules (found from the
  // package root: this script runs bundled, from dist/bench/).
  const peer = createRequire(join(packageRoot(), 'bench', 'peer', 'package.json'));
  const { createBackend } = peer('@backstage/backend-defaults') as { createBackend(): BackstageBackend };
  const catalog = peer('@backstage/plugin-catalog-backend') as { default: unknown };
  const backend = createBackend();
  backend.add(catalog.default);
  await backend.start();
  return { url, close: () => backend.stop() };
});
