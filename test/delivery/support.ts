/**
 * Harness for the delivery suites: a Pave on 127.0.0.1 (SQLite in a temp folder) with every provider's
 * webhook secret configured, and a small catalog whose components carry the annotations providers name.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import { defaultDeliveryConfig } from '../../src/delivery/delivery-config.js';
import { createLogger } from '../../src/core/logger.js';
import { createApp, type PaveApp } from '../../src/app.js';
import { createServer } from '../../src/api/server.js';
import type { Entity } from '../../src/core/entity.js';
import type { AuthRule } from '../../src/auth/auth-rule.js';
import type { DeliveryConfig } from '../../src/delivery/delivery-config.js';
import { tokenFor } from '../auth/support.js';

export const SECRETS = {
  github: 'github-secret-0123456789',
  gitlab: 'gitlab-token-0123456789',
  argocd: 'argocd-token-0123456789',
  flux: 'flux-secret-0123456789ab',
  pagerduty: 'pagerduty-secret-0123456',
};

const component = (name: string, owner: string, system: string | undefined, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { type: 'service', lifecycle: 'production', owner, ...(system ? { system } : {}) },
});

/** Two teams, one system, three components with provider annotations (cart made from a golden path). */
export const DELIVERY_ORG: Entity[] = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'shop-team' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'ops-team' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'shop' }, spec: { owner: 'shop-team' } },
  component('cart', 'shop-team', 'shop', { 'github.com/project-slug': 'acme/cart', 'pagerduty.com/service-id': 'PSVC01', 'backstage.io/source-template': 'template:default/service' }),
  component('checkout', 'shop-team', 'shop', { 'gitlab.com/project-slug': 'acme/checkout', 'argocd/app-name': 'checkout-prod' }),
  component('ledger', 'ops-team', undefined, { 'backstage.io/kubernetes-id': 'ledger' }),
];

/** The platform team and two people: bob of shop-team and alice of the platform team (for Paves with auth on). */
export const DELIVERY_PEOPLE: Entity[] = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform-team' }, spec: { type: 'team', children: [] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'bob' }, spec: { memberOf: ['shop-team'] } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'alice' }, spec: { memberOf: ['platform-team'] } },
];

export interface DeliveryPave {
  url: string;
  app: PaveApp;
  server: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A Pave with sign-in on, the delivery org and its people, and one rule of the test's own (what shop-team may not
 * read); tokens for bob (shop-team) and alice (the platform team, who may do everything).
 */
export async function startGuardedDeliveryPave(rule: AuthRule, delivery?: DeliveryConfig): Promise<{ pave: DeliveryPave; bob: string; alice: string }> {
  const pave = await startDeliveryPave({
    config: { auth: { ...defaultConfig().auth, enabled: true, rules: [rule] }, ...(delivery ? { delivery } : {}) },
    entities: [...DELIVERY_ORG, ...DELIVERY_PEOPLE],
  });
  return { pave, bob: await tokenFor(pave.app, 'user:default/bob'), alice: await tokenFor(pave.app, 'user:default/alice') };
}

/** A Pave with auth off (every caller an admin) unless `config.auth` says otherwise, and the delivery org loaded. */
export async function startDeliveryPave(options: { config?: Partial<PaveConfig>; entities?: Entity[] } = {}): Promise<DeliveryPave> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pave-delivery-'));
  const config: PaveConfig = {
    ...defaultConfig(),
    dataDir,
    port: 0,
    logLevel: 'silent',
    auth: { ...defaultConfig().auth, enabled: false },
    delivery: { ...defaultDeliveryConfig(), maxWebhookBytes: 64 * 1024, webhooks: { ...SECRETS } },
    ...options.config,
  };
  const app = await createApp(config, { logger: createLogger('silent') });
  for (const entity of options.entities ?? DELIVERY_ORG) await app.catalog.saveEntity(structuredClone(entity));
  const server = await createServer(app, { portalDir: join(tmpdir(), 'pave-no-portal') });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    app,
    server,
    async close() {
      await server.close();
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** HMAC-SHA256 of a body, hex: what GitHub, Flux and PagerDuty sign with. */
export function hmac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** POSTs JSON to Pave and answers status and parsed body. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** How many delivery events are stored. */
export async function storedEvents(app: PaveApp): Promise<number> {
  const row = await app.store.db.selectFrom('delivery_events').select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
