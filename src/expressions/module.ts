/**
 * The sandboxed expression engine as a Pave module: one pool of evaluator processes shared by every module
 * that renders templates (golden paths, platform template steps). It has no routes and no permissions of
 * its own; its processes start when first needed and end when the app closes.
 */
import { defineModule } from '../pave-module.js';
import { expressionsConfigSection } from './expressions-config.js';
import type { ExpressionEvaluator } from './expression-evaluator.js';

export const expressionsModule = defineModule({
  name: 'expressions',
  description: 'The sandboxed template expression engine, evaluated in processes with hard limits',
  requires: [],
  config: expressionsConfigSection,
  permissions: [],
  create: async ({ config }): Promise<ExpressionEvaluator> => {
    const [{ ExpressionEvaluator }, { EvaluatorPool }] = await Promise.all([import('./expression-evaluator.js'), import('./evaluator-pool.js')]);
    return new ExpressionEvaluator(EvaluatorPool.fromConfig(config.expressions));
  },
  close: expressions => expressions.close(),
});
