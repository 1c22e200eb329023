/**
 * Harness for the survey suites: a real Pave on 127.0.0.1 with auth on (the default policy) and an
 * organisation of teams of known sizes: checkout-team 6 people, platform-team 5 (alice among them),
 * search-team 2 — so one team is always under the threshold of 5.
 */
import type { Entity } from '../../src/core/entity.js';
import type { Identity } from '../../src/auth/identity.js';
import type { Logger } from '../../src/core/logger.js';
import type { PaveConfig } from '../../src/pave-config.js';
import type { CatalogService } from '../../src/catalog/catalog-service.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';

export const TEAMS = { checkout: 'group:default/checkout-team', platform: 'group:default/platform-team', search: 'group:default/search-team' } as const;

const user = (name: string, team: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name }, spec: { profile: { displayName: name }, memberOf: [team] } });

/** Users of each team, by name (bob and alice come from the auth suites' organisation). */
export const PEOPLE = {
  checkout: ['bob', 'co-1', 'co-2', 'co-3', 'co-4', 'co-5'],
  platform: ['alice', 'pl-1', 'pl-2', 'pl-3', 'pl-4'],
  search: ['se-1', 'se-2'],
};

/** Adds search-team and the people of PEOPLE beyond the auth suites' organisation (which must be there). */
export async function seedSurveyTeams(catalog: CatalogService): Promise<void> {
  await catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'search-team' }, spec: { type: 'team', children: [] } });
  for (const name of PEOPLE.checkout.slice(1)) await catalog.saveEntity(user(name, 'checkout-team'));
  for (const name of PEOPLE.platform.slice(1)) await catalog.saveEntity(user(name, 'platform-team'));
  for (const name of PEOPLE.search) await catalog.saveEntity(user(name, 'search-team'));
}

export interface SurveyPave extends AuthPave {
  /** The identity of a user by name, as a request with their token would have. */
  who(name: string): Promise<Identity>;
  /** Fetch as a user (by name), JSON in and out. */
  as(name: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }>;
}

export async function startSurveyPave(options: { logger?: Logger; config?: Partial<PaveConfig> } = {}): Promise<SurveyPave> {
  const pave = await startAuthPave({ ...(options.logger ? { logger: options.logger } : {}), ...(options.config ? { config: options.config } : {}) });
  await seedSurveyTeams(pave.app.catalog);
  const tokens = new Map<string, string>();
  const token = async (name: string) => {
    if (!tokens.has(name)) tokens.set(name, await tokenFor(pave.app, `user:default/${name}`));
    return tokens.get(name)!;
  };
  return {
    ...pave,
    who: name => pave.app.auth.permissions.identityForUser(`user:default/${name}`, 'token'),
    async as(name, method, path, body) {
      const response = await fetch(pave.url + path, { method, headers: { ...bearer(await token(name)), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const text = await response.text();
      return { status: response.status, text, body: text && /^application\/(problem\+)?json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined };
    },
  };
}

/** A close date a week from now. */
export const nextWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
