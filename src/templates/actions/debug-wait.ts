import { Type } from '@sinclair/typebox';
import { invalidInput } from '../../core/problem.js';
import { defineAction } from './action.js';

export const MAX_WAIT_MS = 5 * 60_000;

/** `debug:wait`: pauses the task (cancellation ends the wait at once). */
export const debugWaitAction = defineAction({
  id: 'debug:wait',
  description: `Waits for the given time (at most ${MAX_WAIT_MS / 60_000} minutes); cancelling the task ends the wait. A dry run does not wait.`,
  effect: 'none',
  input: Type.Object({
    minutes: Type.Optional(Type.Number({ minimum: 0 })),
    seconds: Type.Optional(Type.Number({ minimum: 0 })),
    milliseconds: Type.Optional(Type.Number({ minimum: 0 })),
  }),
  async handler(ctx) {
    const ms = (ctx.input.minutes ?? 0) * 60_000 + (ctx.input.seconds ?? 0) * 1000 + (ctx.input.milliseconds ?? 0);
    if (ms > MAX_WAIT_MS) throw invalidInput(`debug:wait may wait at most ${MAX_WAIT_MS / 1000} seconds (asked for ${ms / 1000})`);
    if (ctx.dryRun) {
      ctx.log.info(`Dry run: would wait ${ms / 1000} second(s)`);
      return;
    }
    ctx.log.info(`Waiting ${ms / 1000} second(s)`);
    await new Promise<void>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(ctx.signal.reason as Error);
      const timer = setTimeout(() => {
        ctx.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(ctx.signal.reason as Error);
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
  },
});
