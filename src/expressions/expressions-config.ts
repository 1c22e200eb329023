import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';

/**
 * The evaluator processes (`expressions:` in `pave.config.yaml`): every template expression the server
 * renders runs in one of them, so a template that exhausts memory or time ends that process, never the server.
 */
export interface ExpressionsConfig {
  /** Evaluator processes at most (started as needed). */
  poolSize: number;
  /** V8 heap cap of each evaluator process, in MiB. */
  heapMiB: number;
  /** How much longer than its time budget (1 s for inputs, 5 s for files) one evaluation may run before its process is killed, in ms. */
  deadlineMarginMs: number;
}

/**
 * The expression engine's section: two processes of 256 MiB each, 2 s of grace past a budget; each setting
 * has its PAVE_EXPRESSIONS_* variable.
 * @example loadConfig({ env: { PAVE_EXPRESSIONS_HEAP_MIB: '128' } }).expressions.heapMiB // 128
 */
export const expressionsConfigSection: ConfigSection<'expressions', ExpressionsConfig> = {
  key: 'expressions',
  defaults: () => ({ poolSize: 2, heapMiB: 256, deadlineMarginMs: 2000 }),
  fromEnvironment(expressions, { env }) {
    const read = { ...expressions };
    if (env.PAVE_EXPRESSIONS_POOL_SIZE) read.poolSize = Number(env.PAVE_EXPRESSIONS_POOL_SIZE);
    if (env.PAVE_EXPRESSIONS_HEAP_MIB) read.heapMiB = Number(env.PAVE_EXPRESSIONS_HEAP_MIB);
    if (env.PAVE_EXPRESSIONS_DEADLINE_MARGIN_MS) read.deadlineMarginMs = Number(env.PAVE_EXPRESSIONS_DEADLINE_MARGIN_MS);
    return read;
  },
  validate: ({ poolSize, heapMiB, deadlineMarginMs }) =>
    fieldChecks(check => {
      check(Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= 64, '/poolSize', 'must be a whole number of processes from 1 to 64 (PAVE_EXPRESSIONS_POOL_SIZE)');
      check(Number.isInteger(heapMiB) && heapMiB >= 32, '/heapMiB', 'must be a whole number of MiB, at least 32 (PAVE_EXPRESSIONS_HEAP_MIB)');
      check(
        Number.isInteger(deadlineMarginMs) && deadlineMarginMs >= 100,
        '/deadlineMarginMs',
        'must be a whole number of milliseconds, at least 100 (PAVE_EXPRESSIONS_DEADLINE_MARGIN_MS)',
      );
    }),
};
