import { AsyncLocalStorage } from 'node:async_hooks';
import type { ModuleSandbox } from './module-sandbox.js';

/**
 * The sandbox module steps run in, for the duration of one render. Renders reach the module step
 * through `render.ts` and the workflow runner, which pass no sandbox along; the reconciler and the dry
 * run, which know the configured one, open this scope around them. Outside a scope module steps are
 * refused, so a render that forgot to open one fails closed.
 */
const scope = new AsyncLocalStorage<ModuleSandbox>();

/**
 * Runs `work` with `sandbox` as the sandbox of every module step it runs.
 * @example const rendered = await withModuleSandbox(sandbox, () => executeRender(prepared, options));
 */
export function withModuleSandbox<T>(sandbox: ModuleSandbox, work: () => Promise<T>): Promise<T> {
  return scope.run(sandbox, work);
}

/** The sandbox of the render in progress; undefined outside `withModuleSandbox`. */
export function currentModuleSandbox(): ModuleSandbox | undefined {
  return scope.getStore();
}
