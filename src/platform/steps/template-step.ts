import { isPaveError } from '../../core/problem.js';
import { evaluateCondition, renderFile, renderValue } from '../../templates/expressions/index.js';
import type { TemplateStepSpec } from '../model/types.js';
import { StepError, type StepInput, type StepKind, type StepResult } from './step-kind.js';

/**
 * A `template` step: files, outputs and message rendered by the sandboxed expression engine
 * (`${{ … }}`); no code runs. The context holds the step input's fields at the top level plus the
 * shortcuts `spec`, `metadata`, `dependencies` and `steps`.
 * @example
 *   { name: 'manifests', type: 'template', files: [{ path: 'ns.yaml', content: 'kind: Namespace\nmetadata:\n  name: ${{ spec.name }}\n' }] }
 */
export const templateStep: StepKind<TemplateStepSpec> = {
  type: 'template',
  async run(step, input) {
    const context = templateContext(input);
    const result: StepResult = { files: [], outputs: {}, log: [] };
    (step.files ?? []).forEach((file, i) => {
      const where = `files[${i}]`;
      if (file.if !== undefined && !attempt(`${where}.if`, () => evaluateCondition(file.if, context))) {
        result.log.push(`skipped ${file.path} (its condition is false)`);
        return;
      }
      const path = attempt(`${where}.path`, () => renderFile(file.path, context)).trim();
      const content = attempt(`${where}.content (${path})`, () => renderFile(file.content, context));
      result.files.push({ path, content });
      result.log.push(`rendered ${path} (${content.length} characters)`);
    });
    if (step.outputs) {
      const outputs = attempt('outputs', () => renderValue(step.outputs, context));
      result.outputs = (outputs ?? {}) as Record<string, unknown>;
    }
    if (step.message !== undefined) result.message = attempt('message', () => renderFile(step.message!, context)).trim();
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

function attempt<T>(where: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    const detail = isPaveError(error) ? (error.problem.errors?.[0]?.detail ?? error.message) : (error as Error).message;
    throw new StepError(`${where}: ${detail}`);
  }
}
