/**
 * Helpers for the auth suites: a small organisation with a group hierarchy (and a cycle), a Pave with
 * auth switched on, a cookie jar for fetch (browsers keep cookies; fetch does not), and tokens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_RATE_LIMITS, defaultAuthConfig, type AuthConfig, type RateLimits } from '../../src/auth/auth-config.js';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import type { Entity } from '../../src/core/entity.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import { createApp, type PaveApp } from '../../src/app.js';
import { createServer } from '../../src/api/server.js';
import type { CatalogService } from '../../src/catalog/catalog-service.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery } from '../support/stores.js';

const group = (name: string, parent?: string, children: string[] = []): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', ...(parent ? { parent } : {}), children },
});

const user = (name: string, memberOf: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name },
  spec: { profile: { displayName: name, email: `${name}@example.test` }, memberOf },
});

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', lifecycle: 'production', owner },
});

/**
 * The test organisation:
 *   org ─┬─ engineering ─┬─ platform-team          (alice)
 *        │               └─ checkout-team ── checkout-payments (carol)   bob in checkout-team
 *        └─ loop-a ⇄ loop-b (a cycle: each the other's parent)           erin in loop-a
 *   dave is in no group. payments is owned by checkout-team, infra by platform-team, dave-tool by user:dave.
 */
export const ORG: Entity[] = [
  group('org', undefined, ['engineering']),
  group('engineering', 'org', ['platform-team', 'checkout-team']),
  group('platform-team', 'engineering'),
  group('checkout-team', 'engineering', ['checkout-payments']),
  group('checkout-payments', 'checkout-team'),
  group('loop-a', 'loop-b'),
  group('loop-b', 'loop-a'),
  user('alice', ['platform-team']),
  user('bob', ['checkout-team']),
  user('carol', ['checkout-payments']),
  user('dave', []),
  user('erin', ['loop-a']),
  component('payments', 'checkout-team'),
  component('infra', 'platform-team'),
  component('dave-tool', 'user:dave'),
];

export async function seedOrg(catalog: CatalogService, entities: Entity[] = ORG): Promise<void> {
  for (const entity of entities) await catalog.saveEntity(structuredClone(entity));
}

export function authConfig(overrides: Partial<AuthConfig> = {}): AuthConfig {
  return { ...defaultAuthConfig(), ...overrides };
}

export interface AuthPave {
  url: string;
  app: PaveApp;
  server: FastifyInstance;
  config: PaveConfig;
  close(): Promise<void>;
}

/**
 * A real Pave on 127.0.0.1 (ephemeral port, SQLite file in a temp folder) with auth switched on
 * and the test organisation loaded. `baseUrl` is set to the address it listens on.
 */
export async function startAuthPave(
  options: { auth?: Partial<AuthConfig>; config?: Partial<PaveConfig>; logger?: Logger; seed?: boolean; routes?: (server: FastifyInstance) => void } = {},
): Promise<AuthPave> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pave-auth-'));
  const config: PaveConfig = { ...defaultConfig(), dataDir, port: 0, logLevel: 'silent', ...options.config, auth: authConfig(options.auth) };
  const app = await createApp(config, { logger: options.logger ?? createLogger('silent'), workers: ['templates.tasks'] });
  if (options.seed !== false) await seedOrg(app.catalog);
  const server = await createServer(app, { portalDir: join(tmpdir(), 'pave-no-portal') });
  options.routes?.(server);
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  config.baseUrl = url;
  return {
    url,
    app,
    server,
    config,
    async close() {
      await server.close();
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Two signed-in Paves on one fresh PostgreSQL schema, as two replicas of one deployment (the first seeds the
 * organisation), started before the suite's tests and closed after them, the schema dropped: for limits and
 * answers that must hold across replicas. `limits` are laid over the default rate limits.
 */
export function twoReplicasOnPostgres(limits: Partial<RateLimits>): { first(): AuthPave; second(): AuthPave } {
  const schema = `pave_limits_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
  let first: AuthPave | undefined;
  let second: AuthPave | undefined;
  beforeAll(async () => {
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const config = { databaseUrl: POSTGRES_URL, databaseSchema: schema };
    const rateLimit = { ...DEFAULT_RATE_LIMITS, ...limits };
    first = await startAuthPave({ auth: { rateLimit }, config });
    second = await startAuthPave({ auth: { rateLimit }, config, seed: false });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
  });
  return { first: () => first!, second: () => second! };
}

/** A personal token for a user, made directly through the service as the local operator. */
export async function tokenFor(app: PaveApp, userRef: string, extra: { scopes?: string[]; expiresInDays?: number } = {}): Promise<string> {
  const { token } = await app.auth.tokens.create(app.auth.localOperator(), { name: `test-${userRef}`, user: userRef, ...extra });
  return token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Cookies as a browser keeps them: set by responses, sent to matching paths, any port of the host. */
export class CookieJar {
  readonly #cookies = new Map<string, { value: string; path: string; attributes: string }>();

  capture(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map(p => p.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attributes.find(a => /^path=/i.test(a))?.slice(5) ?? '/';
      const expired = attributes.some(a => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()));
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, { value, path, attributes: attributes.join('; ') });
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name)?.value;
  }

  /** The raw Set-Cookie attributes of a cookie (HttpOnly, SameSite, …). */
  attributes(name: string): string | undefined {
    return this.#cookies.get(name)?.attributes;
  }

  header(url: string): string {
    const path = new URL(url).pathname;
    return [...this.#cookies.entries()]
      .filter(([, c]) => path.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  /** fetch with this jar, following redirects by hand (so every Set-Cookie on the way is kept). */
  async fetch(url: string, init: RequestInit = {}, maxRedirects = 20): Promise<{ response: Response; url: string }> {
    let current = url;
    let request: RequestInit = init;
    for (let i = 0; i <= maxRedirects; i++) {
      const headers = new Headers(request.headers);
      const cookie = this.header(current);
      if (cookie) headers.set('cookie', cookie);
      const response = await fetch(current, { ...request, headers, redirect: 'manual' });
      this.capture(response);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      await response.arrayBuffer();
      current = new URL(location, current).href;
      // 303 (and 302 after POST, as browsers do) continue with GET.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && request.method && request.method !== 'GET')) {
        request = { method: 'GET' };
      }
    }
    throw new Error(`More than ${maxRedirects} redirects from ${url}`);
  }
}
