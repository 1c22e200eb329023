/**
 * The program a sandboxed module process runs (`runner.mjs` beside `module.mjs` in the step folder), and
 * the Node flags that start it under Node's permission model. The input comes on stdin; the answer goes
 * back as one JSON document on file descriptor 3, so what the module prints (stdout, stderr) stays its log.
 */
import type { SandboxLimits } from './module-sandbox.js';

/** The runner's file name in the step folder. */
export const RUNNER_FILE = 'runner.mjs';
/** The module's file name in the step folder. */
export const MODULE_FILE = 'module.mjs';

/** What the runner answers on fd 3. */
export type RunnerAnswer = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Runs inside the sandbox. Errors are turned into one line that says which rule refused what, so a
 * step's error reads as the reason (the permission model's own message is only "Access to this API has
 * been restricted"). `process.argv[2]` is `no-network` when the sandbox also cut the network.
 */
export const RUNNER_SOURCE = `import { readFileSync, writeSync } from 'node:fs';
// Blocking writes: a module printing in a loop then waits for the server to read (which stops it at its
// output limit) instead of queueing its output in memory, where the loop would never let it drain.
for (const stream of [process.stdout, process.stderr]) stream._handle?.setBlocking?.(true);
const noNetwork = process.argv[2] === 'no-network';
const text = value => { if (typeof value === 'string') return value; try { return JSON.stringify(value); } catch { return String(value); } };
const log = (...args) => { process.stdout.write(args.map(text).join(' ') + '\\n'); };
function describe(error) {
  if (error && error.code === 'ERR_ACCESS_DENIED') {
    const what = [error.permission, error.resource].filter(Boolean).join(' ') || 'this operation';
    return 'the sandbox refused ' + what + ': a module step may only use its own folder, and may not start processes, threads or addons';
  }
  let message = error instanceof Error ? error.message : String(error);
  const cause = error && error.cause;
  if (cause && cause.message && !message.includes(cause.message)) message += ': ' + cause.message;
  if (noNetwork && /ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|EAI_AGAIN|ENOTFOUND|EACCES|EPERM/.test(message + ' ' + String(cause && cause.code))) message += ' (module steps have no network)';
  return message;
}
function answer(message) {
  let json;
  try { json = JSON.stringify(message); } catch (error) { json = JSON.stringify({ ok: false, error: 'the module returned something that is not JSON: ' + describe(error) }); }
  const bytes = Buffer.from(json === undefined ? '{"ok":true,"result":{}}' : json);
  for (let at = 0; at < bytes.length; ) at += writeSync(3, bytes, at, bytes.length - at);
}
try {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const mod = await import('./${MODULE_FILE}');
  const run = typeof mod.default === 'function' ? mod.default : typeof mod.run === 'function' ? mod.run : undefined;
  if (!run) throw new Error('the module must export a default function (or a function named run)');
  const result = await run(input, { log });
  answer({ ok: true, result: result === undefined ? {} : result });
} catch (error) {
  answer({ ok: false, error: describe(error) });
}
// Whatever the module left running (timers, sockets) ends with the step.
process.exit(0);
`;

/** Node's permission flag: \`--permission\` where this Node knows it, else Node 20's experimental one. */
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

/**
 * The arguments that start the runner in `folder` (as the process sees it) under Node's permission
 * model: reads and writes only there (and reads the `readable` folders), no child processes, worker threads, addons or WASI (none of
 * `--allow-child-process`, `--allow-worker`, `--allow-addons`, `--allow-wasi` is given).
 * @example spawn(process.execPath, nodeArguments('/step', limits, { noNetwork: true }))
 */
export function nodeArguments(folder: string, limits: SandboxLimits, options: { noNetwork: boolean; readable?: string[] }): string[] {
  return [
    PERMISSION_FLAG,
    `--allow-fs-read=${folder}`,
    ...(options.readable ?? []).map(path => `--allow-fs-read=${path}`),
    `--allow-fs-write=${folder}`,
    `--max-old-space-size=${Math.max(16, Math.floor(limits.memoryMb / 2))}`,
    '--disable-warning=ExperimentalWarning',
    `${folder}/${RUNNER_FILE}`,
    ...(options.noNetwork ? ['no-network'] : []),
  ];
}
