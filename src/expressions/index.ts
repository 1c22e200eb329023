/**
 * Pave's sandboxed template expression engine: the Nunjucks subset that Backstage
 * `scaffolder.backstage.io/v1beta3` templates use (`${{ … }}` expressions, filters,
 * `{% if %}`/`{% for %}`/`{% set %}`/`{% raw %}` tags), interpreted over plain data by a
 * hand-written lexer, parser and tree-walking interpreter. No JavaScript is generated
 * or evaluated; templates cannot reach prototypes, functions or the host, and every
 * call runs under `Limits`.
 *
 * Server code renders through `ExpressionEvaluator` (asynchronous, in evaluator processes
 * with hard limits); only `checkTemplate` (parse-only) runs in the server's own process.
 * The synchronous `renderString`… are the interpreter itself, for the evaluator process and
 * the language's own tests.
 *
 * @example
 * import { checkTemplate, EvaluatorPool, ExpressionEvaluator } from './expressions/index.js';
 * checkTemplate('${{ parameters.repoUrl | parseRepoUrl }}'); // []
 * const expressions = new ExpressionEvaluator(new EvaluatorPool());
 * await expressions.renderString('${{ parameters.repoUrl | projectSlug }}', { parameters: { repoUrl: 'github.com?owner=o&repo=r' } }); // 'o/r'
 */
export { checkTemplate } from './check.js';
export { ExpressionEvaluator, type BatchResult, type EvaluateOptions, type FileResult } from './expression-evaluator.js';
export { EvaluatorPool, type EvaluatorPoolOptions, type EvaluatorLimits } from './evaluator-pool.js';
export type { SecretSources } from './secret-taint.js';
export { renderString, renderValue, renderFile, evaluateCondition, conditionTruthy } from './render.js';
export type { TemplateOptions, CheckOptions } from './options.js';
export type { CustomFilter } from './filter-types.js';
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './limits.js';
export { BUILT_IN_FILTER_NAMES } from './filter-registry.js';
export { METHOD_NAMES } from './methods.js';
export { TEST_NAMES } from './is-tests.js';
export type { RepoSpec } from './backstage-filters.js';
