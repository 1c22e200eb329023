/**
 * Backstage's catalog backend as the peer benchmark starts it, in a child process so that its memory and CPU are
 * Backstage's alone: the minimal backend Backstage documents (`createBackend` from `@backstage/backend-defaults` plus
 * `@backstage/plugin-catalog-backend`), loaded from the peer folder named by PAVE_PEER_DIR (bench/peer/ unless
 * `--peer-dir` says otherwise; installed by peer-bench.ts, never a dependency of Pave), configured by the file given
 * with `--config` (written by peer-bench.ts: SQLite, a file location, the default auth policy off). bench-server.ts samples it and talks to the benchmark over IPC.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serveBenchProcess } from './bench-server.js';

/** The part of Backstage's backend API this process uses (typed here: Backstage is not installed for tsc). */
interface BackstageBackend {
  add(feature: unknown): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

serveBenchProcess(async () => {
  const { PAVE_PEER_URL: url, PAVE_PEER_DIR: peerDir } = process.env;
  if (!url || !peerDir || !process.argv.includes('--config')) throw new Error('backstage-server.ts is started by peer-bench.ts (it needs PAVE_PEER_URL, PAVE_PEER_DIR and --config)');
  // Resolved from the peer folder, where peer-bench.ts installed them, not from Pave's own node_modules.
  const peer = createRequire(join(peerDir, 'package.json'));
  const { createBackend } = peer('@backstage/backend-defaults') as { createBackend(): BackstageBackend };
  const catalog = peer('@backstage/plugin-catalog-backend') as { default: unknown };
  const backend = createBackend();
  backend.add(catalog.default);
  await backend.start();
  return { url, close: () => backend.stop() };
});
