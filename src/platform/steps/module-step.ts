import { stringify as toYaml } from 'yaml';
import type { ModuleStepSpec } from '../model/types.js';
import { parseDurationSeconds } from '../model/duration.js';
import { StepError, type StepFile, type StepKind, type StepResult } from './step-kind.js';

/**
 * A `module` step: a platform team's ES module, run in a fresh sandboxed process (see `sandbox/`: no
 * network, no processes, only its own folder; time, memory and output limits). Its default export
 * receives the step input and returns `{ files, outputs, message, retryAfter }`; a file's content may be
 * text, an object or a list of objects (written as Kubernetes YAML). It may import Node's built-in
 * modules, but every file, process or network call outside its folder fails.
 * @example export default ({ request }) => ({ files: [{ path: 'cm.yaml', content: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: request.metadata.name } } }] });
 */
export const moduleStep: StepKind<ModuleStepSpec> = {
  type: 'module',
  async run(step, input, options) {
    const label = step.path ?? step.name;
    const sandbox = options.moduleSandbox;
    // The run log says when the isolation is the weaker one the configuration accepted.
    const note = sandbox.kind === 'process' ? [`sandbox: ${sandbox.description} (platform.moduleSandbox: process)`] : [];
    let log: string[] = [];
    try {
      const outcome = await sandbox.run({ label, source: step.source, input, timeoutSeconds: step.timeoutSeconds ?? options.timeoutSeconds, ...(options.signal ? { signal: options.signal } : {}) });
      log = outcome.log;
      return { ...normaliseResult(outcome.result), log: [...note, ...log] };
    } catch (error) {
      if (error instanceof StepError) error.log = [...note, ...(error.log ?? log)];
      throw error;
    }
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
