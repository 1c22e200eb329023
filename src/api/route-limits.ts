/**
 * Rate limits by name. A costly route declares which limit it counts against
 * (`config: { limit: 'search' }`); this file turns the name into @fastify/rate-limit's options from the
 * configuration (`auth.rateLimit`), so the numbers live in one place and every route keys its count the
 * same way. Counters live in the store (`shared-rate-limit.ts`), so replicas share each limit.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimits } from '../auth/auth-config.js';
import { isSignedIn } from '../auth/identity.js';

/** The named limits; each is `<name>PerMinute` in `auth.rateLimit`. */
export type RouteLimitName = 'signIn' | 'tokens' | 'search' | 'dryRuns' | 'tasks' | 'renders' | 'locations' | 'edits';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The rate limit this route counts against; see src/api/route-limits.ts. */
    limit?: RouteLimitName;
  }
}

/** Limits counted per client address: callers who have not signed in yet. */
const PER_ADDRESS: ReadonlySet<RouteLimitName> = new Set(['signIn', 'tokens']);

/**
 * Whose count a request adds to: the signed-in principal, else the client address.
 * @example limitKey(request) // 'user:default/jane'
 */
export function limitKey(request: FastifyRequest): string {
  const identity = request.identity;
  return identity && isSignedIn(identity) && identity.via !== 'disabled' ? identity.principal : `address:${request.ip}`;
}

/**
 * Installs the translation from `config.limit` to `config.rateLimit`: call it before registering
 * @fastify/rate-limit, whose own onRoute hook must see the options this one writes.
 * @example installRouteLimits(server, app.config.auth.rateLimit); await server.register(rateLimit, { global: false, store });
 */
export function installRouteLimits(server: FastifyInstance, limits: RateLimits): void {
  server.addHook('onRoute', route => {
    const config = route.config as { limit?: RouteLimitName; rateLimit?: unknown } | undefined;
    if (!config?.limit) return;
    const max = limits[`${config.limit}PerMinute`];
    config.rateLimit = {
      max,
      timeWindow: 60_000,
      ...(PER_ADDRESS.has(config.limit) ? {} : { keyGenerator: limitKey }),
    };
  });
}
