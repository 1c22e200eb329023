import { Worker } from 'node:worker_threads';
import { stringify as toYaml } from 'yaml';
import type { ModuleStepSpec } from '../model/types.js';
import { parseDurationSeconds } from '../model/duration.js';
import { StepError, type StepFile, type StepKind, type StepResult } from './step-kind.js';

/**
 * Runs in the worker: imports the module from its source (a data: URL, so it can import Node's built-in
 * modules but nothing from the host's files), calls its default export (or `run`) with the step input
 * and a `log` function, and posts the result back.
 */
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const logs = [];
const log = (...args) => { logs.push(args.map(a => typeof a === 'string' ? a : JSON.stringify(a)).join(' ')); };
(async () => {
  const mod = await import('data:text/javascript;base64,' + workerData.source);
  const fn = typeof mod.default === 'function' ? mod.default : typeof mod.run === 'function' ? mod.run : undefined;
  if (!fn) throw new Error('the module must export a default function (or a function named run)');
  const result = await fn(workerData.input, { log });
  parentPort.postMessage({ ok: true, result: result === undefined ? {} : JSON.parse(JSON.stringify(result)), logs });
})().catch(error => {
  parentPort.postMessage({ ok: false, error: String((error && error.message) || error), logs });
});
`;

const MAX_LOG_LINES = 200;

/**
 * A `module` step: a platform team's ES module, run in a worker thread with an empty environment, a
 * memory limit and a time limit. Its default export receives the step input and returns
 * `{ files, outputs, message, retryAfter }`; a file's content may be text, an object or a list of
 * objects (written as Kubernetes YAML).
 * @example export default ({ request }) => ({ files: [{ path: 'cm.yaml', content: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: request.metadata.name } } }] });
 */
export const moduleStep: StepKind<ModuleStepSpec> = {
  type: 'module',
  run(step, input, options) {
    const timeoutSeconds = step.timeoutSeconds ?? options.timeoutSeconds;
    return new Promise<StepResult>((resolve, reject) => {
      const worker = new Worker(BOOTSTRAP, {
        eval: true,
        workerData: { source: Buffer.from(step.source).toString('base64'), input },
        env: {},
        stdout: true,
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 64 },
      });
      const printed: string[] = [];
      const collect = (chunk: Buffer) => printed.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      worker.stdout.on('data', collect);
      worker.stderr.on('data', collect);
      let settled = false;
      const settle = (work: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        work();
      };
      const timer = setTimeout(
        () => settle(() => reject(new StepError(`module ${step.path ?? step.name} did not finish within its time limit of ${timeoutSeconds} s`))),
        timeoutSeconds * 1000,
      );
      worker.on('message', (message: { ok: boolean; result?: unknown; error?: string; logs: string[] }) =>
        settle(() => {
          const log = [...printed, ...message.logs].slice(0, MAX_LOG_LINES);
          if (!message.ok) return reject(new StepError(message.error ?? 'the module failed'));
          try {
            resolve({ ...normaliseResult(message.result), log });
          } catch (error) {
            reject(error);
          }
        }),
      );
      worker.on('error', error => settle(() => reject(new StepError(`module ${step.path ?? step.name} crashed: ${error.message}`))));
      worker.on('exit', code => settle(() => reject(new StepError(`module ${step.path ?? step.name} exited (code ${code}) without a result`))));
    });
  },
};

/** Checks the shape of what a module returned, with messages that say what was expected. */
function normaliseResult(raw: unknown): Omit<StepResult, 'log'> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new StepError('the module must return an object { files, outputs, message, retryAfter }');
  const result = raw as Record<string, unknown>;
  const files: StepFile[] = [];
  if (result.files !== undefined) {
    if (!Array.isArray(result.files)) throw new StepError('files must be a list of { path, content }');
    result.files.forEach((file: unknown, i) => {
      const entry = file as { path?: unknown; content?: unknown } | null;
      if (!entry || typeof entry.path !== 'string') throw new StepError(`files[${i}].path must be a string`);
      files.push({ path: entry.path, content: contentText(entry.content, i) });
    });
  }
  if (result.outputs !== undefined && (result.outputs === null || typeof result.outputs !== 'object' || Array.isArray(result.outputs))) {
    throw new StepError('outputs must be an object');
  }
  if (result.message !== undefined && typeof result.message !== 'string') throw new StepError('message must be a string');
  let retryAfterSeconds: number | undefined;
  if (result.retryAfter !== undefined) {
    retryAfterSeconds = parseDurationSeconds(result.retryAfter);
    if (retryAfterSeconds === undefined) throw new StepError('retryAfter must be a number of seconds or a duration such as 30s');
  }
  return {
    files,
    outputs: (result.outputs as Record<string, unknown> | undefined) ?? {},
    ...(result.message !== undefined ? { message: result.message as string } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}

function contentText(content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(doc => toYaml(doc, { lineWidth: 0 })).join('---\n');
  if (content !== null && typeof content === 'object') return toYaml(content, { lineWidth: 0 });
  throw new StepError(`files[${i}].content must be text, an object or a list of objects`);
}
