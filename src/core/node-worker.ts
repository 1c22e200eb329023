import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { NodeEntry } from './node-entry.js';

/**
 * Starts a worker thread on an entry found by `nodeEntry`: a built `.js` entry directly; a TypeScript source
 * (tests, `tsx`) through tsx's loader registered inside the worker first, since a worker's `execArgv` cannot
 * carry `--import`.
 * @example const worker = startNodeWorker(nodeEntry('./parse-worker.js', import.meta.url), { resourceLimits });
 */
export function startNodeWorker(entry: NodeEntry, options: WorkerOptions = {}): Worker {
  if (!entry.execArgv.length) return new Worker(entry.script, options);
  // tsx's ES module API (its `import` condition); the CommonJS one resolves its own files wrongly inside a worker.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const script = pathToFileURL(entry.script).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(tsx => { tsx.register(); return import(${JSON.stringify(script)}); })`, { ...options, eval: true });
}
