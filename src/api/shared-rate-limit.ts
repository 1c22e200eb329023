import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimitCounters } from '../store/rate-limit-counters.js';

/** What the plugin passes a store: its merged options, with the route for a route's own limit (its typings say less). */
interface StoreOptions {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  routeInfo?: { method?: string | string[]; url?: string };
}

/**
 * A store for @fastify/rate-limit that keeps its counters in Pave's store, so replicas on one
 * database share every limit (the plugin's own store counts per process). Each route's limit gets
 * its own keys, as with the plugin's Redis store.
 * @example await server.register(rateLimit, { global: false, store: sharedRateLimitStore(new RateLimitCounters(app.store)) });
 */
export function sharedRateLimitStore(counters: RateLimitCounters): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    readonly #prefix: string;

    constructor(options: object, prefix = '') {
      const { continueExceeding, exponentialBackoff } = options as StoreOptions;
      // These reset or stretch a window per request, which a plain shared counter does not do: refuse rather than ignore.
      if (continueExceeding || exponentialBackoff) throw new Error('The shared rate-limit store does not support continueExceeding or exponentialBackoff');
      this.#prefix = prefix;
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number, max: number): void {
      counters.hit(this.#prefix + key, timeWindow, max).then(
        hit => callback(null, { current: hit.count, ttl: hit.resetInMs }),
        (error: Error) => callback(error),
      );
    }

    child(options: object): FastifyRateLimitStore {
      const route = (options as StoreOptions).routeInfo;
      return new SharedRateLimitStore(options, route?.url ? `${[route.method].flat().join(',')} ${route.url} ` : this.#prefix);
    }
  };
}
