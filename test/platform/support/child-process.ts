import { startTsChild, type TsChild } from '../../support/ts-child.js';

export interface ReconcilerProcess extends TsChild {
  /** Resolves once the reconciler runs. */
  ready: Promise<void>;
}

/** Starts `reconciler-child.ts` in its own Node process with the given environment. */
export function startReconcilerProcess(env: NodeJS.ProcessEnv): ReconcilerProcess {
  const run = startTsChild(new URL('./reconciler-child.ts', import.meta.url), { env });
  const ready = run.printed('ready');
  ready.catch(() => undefined);
  return { ...run, ready };
}
