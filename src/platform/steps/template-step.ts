import { isPaveError } from '../../core/problem.js';
import type { TemplateStepSpec } from '../model/types.js';
import { StepError, type StepInput, type StepKind, type StepResult } from './step-kind.js';

/**
 * A `template` step: files, outputs and message rendered by the sandboxed expression engine
 * (`${{ … }}`, in its own processes); no code runs. The context holds the step input's fields at the
 * top level plus the shortcuts `spec`, `metadata`, `dependencies` and `steps`. All files' conditions,
 * then paths, then contents go to the engine in one request each, however many files there are;
 * the first failure in file order is the step's error.
 * @example
 *   { name: 'manifests', type: 'template', files: [{ path: 'ns.yaml', content: 'kind: Namespace\nmetadata:\n  name: ${{ spec.name }}\n' }] }
 */
export const templateStep: StepKind<TemplateStepSpec> = {
  type: 'template',
  async run(step, input, { expressions }) {
    const context = templateContext(input);
    const result: StepResult = { files: [], outputs: {}, log: [] };
    const files = step.files ?? [];
    const conditions = await attempt('files', () => expressions.evaluateConditions(files.map(file => file.if), context));
    const kept = files.flatMap((_, i) => (conditions[i]!.ok && conditions[i]!.value ? [i] : []));
    const paths = await attempt('files', () => expressions.renderFiles(kept.map(i => files[i]!.path), context));
    const rendered = kept.filter((_, k) => paths[k]!.ok);
    const contents = await attempt('files', () => expressions.renderFiles(rendered.map(i => files[i]!.content), context));
    files.forEach((file, i) => {
      const where = `files[${i}]`;
      const condition = conditions[i]!;
      if (!condition.ok) throw stepError(`${where}.if`, condition.error);
      if (!condition.value) {
        result.log.push(`skipped ${file.path} (its condition is false)`);
        return;
      }
      const pathResult = paths[kept.indexOf(i)]!;
      if (!pathResult.ok) throw stepError(`${where}.path`, pathResult.error);
      const path = pathResult.value.trim();
      const contentResult = contents[rendered.indexOf(i)]!;
      if (!contentResult.ok) throw stepError(`${where}.content (${path})`, contentResult.error);
      result.files.push({ path, content: contentResult.value });
      result.log.push(`rendered ${path} (${contentResult.value.length} characters)`);
    });
    if (step.outputs) {
      const outputs = await attempt('outputs', () => expressions.renderValue(step.outputs, context));
      result.outputs = (outputs ?? {}) as Record<string, unknown>;
    }
    if (step.message !== undefined) result.message = (await attempt('message', () => expressions.renderFile(step.message!, context))).trim();
    return result;
  },
};

export function templateContext(input: StepInput): Record<string, unknown> {
  return {
    ...input,
    spec: input.request.spec,
    metadata: input.request.metadata,
    dependencies: input.context.dependencies,
    steps: input.context.steps,
  };
}

function stepError(where: string, error: unknown): StepError {
  const detail = isPaveError(error) ? (error.problem.errors?.[0]?.detail ?? error.message) : (error as Error).message;
  return new StepError(`${where}: ${detail}`);
}

async function attempt<T>(where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw stepError(where, error);
  }
}
