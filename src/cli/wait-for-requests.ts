import { unavailable } from '../core/problem.js';
import type { RequestView } from '../platform/platform-service.js';
import type { PaveClient } from '../client/pave-client.js';
import type { Output } from './output.js';

/** Waiting for requests to settle or go, for the request and score commands. */

/** How often requests are read again while no event says they changed (covers changes made before the stream connected, or a stream refused). */
const RECHECK_MS = 2000;

/**
 * Follows requests until every one is settled (`ready`) or removed (`gone`): reads them again whenever
 * the platform's event stream reports a change in their namespace, and every couple of seconds besides.
 * On the local store the reconciler runs in this process (see `withClient`); on a server, there.
 */
export async function waitFor(client: PaveClient, out: Output, views: RequestView[], timeoutSeconds: number, until: 'ready' | 'gone'): Promise<RequestView[]> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const namespaces = [...new Set(views.map(v => v.metadata.namespace))];
  const controller = new AbortController();
  const changed = listen(client.platform.events({ ...(namespaces.length === 1 ? { namespace: namespaces[0] } : {}), signal: controller.signal }));
  try {
    for (;;) {
      const found = await Promise.all(views.map(view => client.platform.findRequest(view.metadata.namespace, view.metadata.name)));
      const current = found.filter((view): view is RequestView => view !== undefined);
      const settled =
        until === 'gone'
          ? current.length === 0
          : current.every(v => v.status.observedGeneration === v.metadata.generation && (v.status.phase === 'Ready' || (v.status.phase === 'Failed' && !v.status.nextRetryAt)));
      out.progress(current.map(v => `${v.metadata.name}: ${v.status.phase}`).join(', ') || 'deleted');
      if (settled) return current;
      if (Date.now() > deadline) {
        if (until === 'ready') return current;
        throw unavailable(`Timed out after ${timeoutSeconds} s waiting for ${views.map(v => v.metadata.name).join(', ')} to be deleted`);
      }
      await changed(Math.min(RECHECK_MS, Math.max(0, deadline - Date.now())));
    }
  } finally {
    controller.abort();
  }
}

/**
 * Starts reading an event stream at once; the function it returns resolves when an event has arrived
 * since the last call, or after `ms`. A stream that fails (or is refused) only leaves the timer.
 */
function listen(events: AsyncIterable<unknown>): (ms: number) => Promise<void> {
  let arrived = false;
  let wake: (() => void) | undefined;
  void (async () => {
    try {
      for await (const _event of events) {
        arrived = true;
        wake?.();
      }
    } catch {
      // Reading again every RECHECK_MS still finds every change.
    }
  })();
  return ms =>
    new Promise(resolve => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        arrived = false;
        resolve();
      };
      const timer = setTimeout(done, arrived ? 0 : ms);
      wake = done;
    });
}

export function describe(view: RequestView): string {
  return `${view.metadata.namespace}/${view.metadata.name} (${view.kind}) ${view.status.phase}`;
}
