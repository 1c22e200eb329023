/**
 * Exhaustion by one caller (security issue, hole 9): every costly route counts its caller's requests,
 * per signed-in principal, so a script hammering search, dry runs, task creation, renders, location
 * registration or edits gets 429 problems once past its limit while everyone else goes on unhindered.
 * A search of hundreds of words is refused before it reaches the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/auth/auth-config.js';
import { expectProblem } from '../api/support.js';
import { startDemoPave, type Caller, type DemoPave } from './demo-org.js';

const LIMIT = 3;

describe('costly routes are rate-limited per caller', () => {
  let demo: DemoPave;

  beforeAll(async () => {
    const rateLimit = Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map(key => [key, LIMIT])) as unknown as typeof DEFAULT_RATE_LIMITS;
    demo = await startDemoPave({ rateLimit });
  });
  afterAll(async () => demo?.close());

  /** Calls a route LIMIT + 1 times as `call`: the last answer must be a 429 problem; answers the statuses. */
  async function exhaust(call: Caller, path: string, init: { method?: string; body?: unknown } = {}): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await call(path, init)).status);
    const limited = await expectProblem(await call(path, init), 429);
    expect(limited.detail ?? limited.title).toBeTruthy();
    return statuses;
  }

  const routes: Array<[string, string, { method?: string; body?: unknown }]> = [
    ['search', '/api/search?q=checkout', {}],
    ['golden-path dry runs', '/api/scaffolder/v2/dry-run', { method: 'POST', body: { templateRef: 'template:default/typescript-service', values: { name: 'x', owner: 'checkout-team' } } }],
    ['task creation', '/api/scaffolder/v2/tasks', { method: 'POST', body: { templateRef: 'template:default/no-such-template', values: {} } }],
    ['platform renders', '/api/platform/render', { method: 'POST', body: { request: { apiVersion: 'x.pave.dev/v1', kind: 'Nothing', metadata: { name: 'n', namespace: 'checkout-team' }, spec: {} } } }],
    ['location registration', '/api/catalog/locations', { method: 'POST', body: { type: 'file', target: '/nowhere.yaml' } }],
    ['entity edits', '/api/catalog/entities/by-name/component/default/no-such', { method: 'PUT', body: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'no-such' }, spec: {} } }],
  ];

  for (const [what, path, init] of routes) {
    it(`${what}: one developer is stopped, the guest is not`, async () => {
      const statuses = await exhaust(demo.developer, path, init);
      expect(statuses.every(status => status !== 429)).toBe(true);
      expect((await demo.guest(path, init)).status).not.toBe(429);
    });
  }

  it('refuses a search of hundreds of words, naming the field', async () => {
    const problem = await expectProblem(await demo.admin(`/api/search?q=${encodeURIComponent('a '.repeat(240))}`), 400);
    expect(problem.errors?.[0]).toMatchObject({ pointer: '/q', rule: 'maxWords' });
  });
});
